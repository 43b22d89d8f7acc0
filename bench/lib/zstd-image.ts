/**
 * The benchmark image with its layers recompressed as zstd by skopeo
 * (`--dest-compress-format zstd`, layout to layout), built once from the
 * gzip image and cached beside it in `.bench-cache/`.
 */
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../test/harness/tools.js';
import type { BenchImage } from './image.js';
import { cacheDir } from './paths.js';
import { skopeoBin } from './registry.js';

export interface ZstdBenchImage {
  layoutDir: string;
  tag: string;
  /** Oldest first, as in the manifest. */
  layers: { digest: string; size: number; path: string }[];
  totalBytes: number;
}

const ZSTD_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+zstd';

export async function zstdBenchImage(image: BenchImage, log: (line: string) => void = console.log): Promise<ZstdBenchImage> {
  const layoutDir = join(cacheDir, `${image.layoutDir.split('/').pop() ?? 'image'}-zstd`);
  const cached = await read(layoutDir, image.tag).catch(() => undefined);
  if (cached) return cached;
  const building = `${layoutDir}.building`;
  await rm(building, { recursive: true, force: true });
  await rm(layoutDir, { recursive: true, force: true });
  log('recompressing the benchmark image with zstd (once; cached) ...');
  await run(
    skopeoBin(),
    [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--dest-compress',
      '--dest-compress-format',
      'zstd',
      `oci:${image.layoutDir}:${image.tag}`,
      `oci:${building}:${image.tag}`,
    ],
    { timeoutMs: 600_000 },
  );
  await rename(building, layoutDir);
  return read(layoutDir, image.tag);
}

async function read(layoutDir: string, tag: string): Promise<ZstdBenchImage> {
  const blob = (digest: string): string => join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifestDigest = index.manifests[0]?.digest;
  if (!manifestDigest) throw new Error(`${layoutDir}: empty index`);
  const manifest = JSON.parse(await readFile(blob(manifestDigest), 'utf8')) as {
    layers: { digest: string; size: number; mediaType: string }[];
  };
  const layers = [];
  for (const l of manifest.layers) {
    if (l.mediaType !== ZSTD_MEDIA_TYPE) throw new Error(`${layoutDir}: layer ${l.digest} is ${l.mediaType}`);
    if ((await stat(blob(l.digest))).size !== l.size) throw new Error(`${layoutDir}: layer ${l.digest} is incomplete`);
    layers.push({ digest: l.digest, size: l.size, path: blob(l.digest) });
  }
  return { layoutDir, tag, layers, totalBytes: layers.reduce((sum, l) => sum + l.size, 0) };
}
