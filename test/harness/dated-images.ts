/**
 * Many small, distinct images in one repository, cheaply: one shared layer,
 * and per image a config that differs from the others only by `created`
 * (and, every third image, the architecture), pushed over plain HTTP with
 * undici (one blob upload and one manifest PUT per image, many at a time).
 * For the tag-facts tests and benchmarks, where every tag needs a manifest and
 * a config of its own to read, but building layers with tar would be the
 * whole cost.
 */
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { mapLimit } from './concurrency.js';
import { sha256Digest } from './digest.js';
import { MediaType } from './media-types.js';
import { putManifest, pushBlob, type HeaderMap } from './registry-http.js';

export interface DatedImage {
  tag: string;
  digest: string;
  /** Bytes of manifest + config + layer. */
  size: number;
  created: string;
  architecture: string;
  configDigest: string;
}

export interface DatedImagesOptions {
  /** Tag names, one image each. */
  tags: readonly string[];
  /** The first image's `created`; each next one is `stepSeconds` later, shuffled over the tags so name order is not date order. */
  start?: string;
  stepSeconds?: number;
  concurrency?: number;
  headers?: HeaderMap;
}

/** A 1-file layer shared by every image (an empty tar would do, but a file makes `size` honest). */
function sharedLayerTar(): Buffer {
  const header = Buffer.alloc(512);
  header.write('hello.txt', 0, 'utf8');
  header.write('0000644\0', 100, 'utf8');
  header.write('0000000\0', 108, 'utf8');
  header.write('0000000\0', 116, 'utf8');
  header.write('00000000006\0', 124, 'utf8');
  header.write('00000000000\0', 136, 'utf8');
  header.write('        ', 148, 'utf8');
  header.write('0', 156, 'utf8');
  header.write('ustar\0', 257, 'utf8');
  header.write('00', 263, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'utf8');
  const body = Buffer.alloc(512);
  body.write('hello\n', 0, 'utf8');
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

/** A fixed permutation of 0..n-1 (a multiplicative step coprime with n), so dates do not follow names. */
function shuffledOrder(n: number): number[] {
  let step = Math.max(1, Math.floor(n * 0.618));
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(step, n) !== 1) step++;
  return Array.from({ length: n }, (_, i) => (i * step) % n);
}

async function blobExists(baseUrl: string, repository: string, digest: string, headers: HeaderMap): Promise<boolean> {
  const res = await request(`${baseUrl}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers });
  await res.body.dump();
  return res.statusCode === 200;
}

/** Pushes one image per tag into `repository` of the registry at `baseUrl`; returns what each tag holds. */
export async function pushDatedImages(baseUrl: string, repository: string, opts: DatedImagesOptions): Promise<DatedImage[]> {
  const headers = opts.headers ?? {};
  const tar = sharedLayerTar();
  const layer = gzipSync(tar, { level: 9 });
  const layerDigest = sha256Digest(layer);
  if (!(await blobExists(baseUrl, repository, layerDigest, headers))) await pushBlob(baseUrl, repository, layer, headers);
  const diffId = sha256Digest(tar);
  const startMs = Date.parse(opts.start ?? '2023-01-01T00:00:00Z');
  const step = (opts.stepSeconds ?? 3600) * 1000;
  const order = shuffledOrder(opts.tags.length);
  return mapLimit(opts.tags, opts.concurrency ?? 16, async (tag, i) => {
    const created = new Date(startMs + (order[i] ?? i) * step).toISOString().replace('.000Z', 'Z');
    const architecture = i % 3 === 2 ? 'arm64' : 'amd64';
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        created,
        config: { Cmd: ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created, created_by: 'ADD hello.txt /' }],
      }),
    );
    const configDigest = await pushBlob(baseUrl, repository, config, headers);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
        layers: [{ mediaType: MediaType.ociLayerGzip, digest: layerDigest, size: layer.length }],
      }),
    );
    await putManifest(baseUrl, repository, tag, manifest, MediaType.ociManifest, headers);
    return {
      tag,
      digest: sha256Digest(manifest),
      size: manifest.length + config.length + layer.length,
      created,
      architecture,
      configDigest,
    };
  });
}
