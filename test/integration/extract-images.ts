/**
 * Images for the extract tests. Most layers come from the harness's layer
 * builder (GNU tar over real files: whiteouts, opaque markers, symlinks,
 * hard links within a layer). What GNU tar cannot write is crafted here with
 * tar-stream: a hard link into a lower layer, `..` and absolute names, device
 * nodes and FIFOs, entries below a symlink. Each image is written as an OCI
 * layout (umoci reads it from there) and pushed to a registry with skopeo
 * (Lading reads it from there).
 */
import { spawnSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { sha256Digest } from '../harness/digest.js';
import { FIXED_CREATED, pushLayout } from '../harness/images.js';
import { buildLayer, type LayerSpec } from '../harness/layers.js';
import { MediaType } from '../harness/media-types.js';
import { OciLayoutWriter } from '../harness/oci-layout.js';
import { requireTool } from '../harness/tools.js';

export type RawEntry = Partial<tar.Header> & { name: string; content?: string | Buffer };

/** A layer given as tar entries, written by tar-stream exactly as listed. */
export interface RawLayerSpec {
  createdBy: string;
  raw: RawEntry[];
  /**
   * 'gzip' (default); 'none' stores the plain tar; 'zstd' compresses with the zstd tool;
   * 'zstd-as-gzip' does too but labels the layer gzip; 'not-zstd' stores bytes that only start like zstd.
   */
  compression?: 'gzip' | 'none' | 'zstd' | 'zstd-as-gzip' | 'not-zstd';
}

/** A layer given as its stored bytes, whatever they are (a test of what is not a tar). */
export interface BlobLayerSpec {
  createdBy: string;
  blob: Buffer;
  mediaType?: string;
}

export type MixedLayerSpec = LayerSpec | RawLayerSpec | BlobLayerSpec;

/** Container config fields (`Env`, `Cmd`, `Labels`, `ExposedPorts`...) of a built image. */
export type ContainerConfigSpec = Record<string, unknown>;

export interface MixedLayer {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
  blob: Buffer;
}

export interface MixedLayout {
  dir: string;
  tag: string;
  layers: MixedLayer[];
  manifestDigest: string;
}

/** Fixed times, so umoci and Lading can be compared on mtimes too. */
export const RAW_MTIME = new Date('2023-05-06T07:08:09Z');

export async function rawTar(entries: RawEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const { content, ...header } of entries) {
    const full: RawEntry = { mtime: RAW_MTIME, ...header };
    await new Promise<void>((resolve, reject) => {
      pack.entry(full, content ?? '', (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function buildMixedLayer(spec: MixedLayerSpec): Promise<MixedLayer> {
  if ('blob' in spec) {
    // The diff_id cannot be known for bytes that are not a tar; nothing reads it.
    const digest = sha256Digest(spec.blob);
    return { digest, size: spec.blob.length, mediaType: spec.mediaType ?? MediaType.ociLayerGzip, diffId: digest, blob: spec.blob };
  }
  if (!('raw' in spec)) {
    const built = await buildLayer(spec);
    return { digest: built.digest, size: built.size, mediaType: MediaType.ociLayerGzip, diffId: built.diffId, blob: built.blob };
  }
  const plain = await rawTar(spec.raw);
  const diffId = sha256Digest(plain);
  let blob: Buffer;
  let mediaType: string;
  switch (spec.compression ?? 'gzip') {
    case 'gzip':
      blob = gzipSync(plain);
      mediaType = MediaType.ociLayerGzip;
      break;
    case 'none':
      blob = plain;
      mediaType = 'application/vnd.oci.image.layer.v1.tar';
      break;
    case 'zstd':
    case 'zstd-as-gzip':
      blob = zstdCompress(plain);
      mediaType = spec.compression === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : MediaType.ociLayerGzip;
      break;
    case 'not-zstd':
      // The zstd frame magic, then the tar: a reader that sniffs takes it for zstd, and must fail on it.
      blob = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), plain]);
      mediaType = 'application/vnd.oci.image.layer.v1.tar+zstd';
      break;
  }
  return { digest: sha256Digest(blob), size: blob.length, mediaType, diffId, blob };
}

function zstdCompress(plain: Buffer): Buffer {
  const result = spawnSync(requireTool('zstd', 'zstd'), ['-q', '-c', '-3'], { input: plain, maxBuffer: 512 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr.toString()}`);
  return result.stdout;
}

export interface MixedLayoutOptions {
  /** Every layer's tar compressed with the zstd tool, and still labelled gzip (what a sniffing reader must catch). */
  zstdAsGzip?: boolean;
  /** The config's container config (`Env`, `Cmd`, `Labels`, `ExposedPorts`...). */
  containerConfig?: ContainerConfigSpec;
}

/** The same tar, zstd bytes under the gzip media type. */
function asZstdUnderGzip(layer: MixedLayer): MixedLayer {
  const plain = layer.mediaType === MediaType.ociLayerGzip ? gunzipSync(layer.blob) : layer.blob;
  const blob = zstdCompress(plain);
  return { digest: sha256Digest(blob), size: blob.length, mediaType: MediaType.ociLayerGzip, diffId: layer.diffId, blob };
}

/** Writes a single-image OCI layout at `dir` under `tag`. */
export async function buildMixedLayout(
  dir: string,
  specs: MixedLayerSpec[],
  tag = 'v1',
  opts: MixedLayoutOptions = {},
): Promise<MixedLayout> {
  const layers: MixedLayer[] = [];
  for (const spec of specs) {
    const layer = await buildMixedLayer(spec);
    layers.push(opts.zstdAsGzip ? asZstdUnderGzip(layer) : layer);
  }
  const writer = await OciLayoutWriter.create(dir);
  for (const layer of layers) await writer.writeBlob(layer.mediaType, layer.blob);
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: FIXED_CREATED,
    config: opts.containerConfig ?? { Env: ['PATH=/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: specs.map((s) => ({ created: FIXED_CREATED, created_by: s.createdBy })),
  };
  const { descriptor: configDescriptor } = await writer.writeJson(MediaType.ociConfig, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const { descriptor } = await writer.writeJson(MediaType.ociManifest, manifest);
  writer.addRef(tag, descriptor);
  await writer.finish();
  return { dir, tag, layers, manifestDigest: descriptor.digest };
}

/** Builds the layout and pushes it to `host/repository:tag` with skopeo. */
export async function pushMixedImage(
  dir: string,
  host: string,
  repository: string,
  specs: MixedLayerSpec[],
  tag = 'v1',
  opts: MixedLayoutOptions = {},
): Promise<MixedLayout> {
  const layout = await buildMixedLayout(dir, specs, tag, opts);
  await pushLayout(layout, `${host}/${repository}:${tag}`);
  return layout;
}
