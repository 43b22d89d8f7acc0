/**
 * A repository of many tags whose images share layers, as a release train
 * does: every image has the same base layer, half of them one middle layer
 * and half another, and each its own small top layer and config. Built in
 * memory (tar-stream, gzip) and pushed with plain Distribution API calls, so
 * fifty tags take well under a second; for the repository mirror's tests and
 * benchmark. The top layers are random: a test may corrupt one in storage
 * and only its tag is affected.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { mapLimit } from './concurrency.js';
import { sha256Digest } from './digest.js';
import { MediaType } from './media-types.js';
import { pushBlob, putManifest } from './registry-http.js';

export interface SharedLayerImage {
  tag: string;
  digest: string;
  configDigest: string;
  /** Its layers' digests, base first. */
  layers: string[];
  /** Its own top layer (no other tag has it). */
  topLayer: { digest: string; blob: Buffer };
}

export interface SharedLayerRepository {
  repository: string;
  images: SharedLayerImage[];
  /** The layers more than one tag uses: base, even, odd. */
  sharedLayers: string[];
}

export interface SharedLayerOptions {
  /** Bytes of each shared layer's file (default 16 KiB). */
  sharedBytes?: number;
  /** Bytes of each tag's own top layer (default 1 KiB). */
  topBytes?: number;
}

/** A gzipped tar with one file, entries fixed (owner 0, mtime 0) so the same content gives the same digest. */
async function layerWith(name: string, content: Buffer): Promise<{ blob: Buffer; diffId: string }> {
  const pack = tar.pack();
  pack.entry({ name, size: content.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const plain = Buffer.concat(chunks);
  return { blob: gzipSync(plain, { level: 1 }), diffId: sha256Digest(plain) };
}

export async function pushSharedLayerRepository(
  baseUrl: string,
  repository: string,
  tags: readonly string[],
  opts: SharedLayerOptions = {},
): Promise<SharedLayerRepository> {
  const shared = opts.sharedBytes ?? 16 * 1024;
  const [base, even, odd] = await Promise.all(['base', 'even', 'odd'].map((n) => layerWith(`${n}.bin`, randomBytes(shared))));
  for (const layer of [base!, even!, odd!]) await pushBlob(baseUrl, repository, layer.blob);

  const images = await mapLimit(tags, 8, async (tag, i): Promise<SharedLayerImage> => {
    const top = await layerWith(`${tag}.bin`, randomBytes(opts.topBytes ?? 1024));
    await pushBlob(baseUrl, repository, top.blob);
    const middle = i % 2 === 0 ? even! : odd!;
    const layers = [base!, middle, top];
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: '2024-01-01T00:00:00Z',
        config: { Env: [`LADING_TAG=${tag}`] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history: layers.map((_, n) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${n}` })),
      }),
    );
    const configDigest = await pushBlob(baseUrl, repository, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
        layers: layers.map((l) => ({ mediaType: MediaType.ociLayerGzip, digest: sha256Digest(l.blob), size: l.blob.length })),
      }),
    );
    await putManifest(baseUrl, repository, tag, manifest, MediaType.ociManifest);
    return {
      tag,
      digest: sha256Digest(manifest),
      configDigest,
      layers: layers.map((l) => sha256Digest(l.blob)),
      topLayer: { digest: sha256Digest(top.blob), blob: top.blob },
    };
  });
  return { repository, images, sharedLayers: [base!, even!, odd!].map((l) => sha256Digest(l.blob)) };
}
