/** Copying images' blobs into a writer: config and layers, each once, a few at a time, each skipped, mounted or uploaded. */
import type { Image } from './image';
import { mapLimit } from './concurrency';
import type { BlobProgress, Descriptor, PushOptions } from './types';
import type { BlobOutcome, ImageWriter } from './writer';

const DEFAULT_CONCURRENCY = 4;

/** Layers a registry must not receive: they live at their own URLs (Windows base layers). */
export function isForeignLayer(d: Descriptor): boolean {
  return /foreign|nondistributable/.test(d.mediaType);
}

/** The image's blobs, each once, config first. */
export function imageBlobs(image: Image): Descriptor[] {
  const seen = new Set<string>();
  return [image.configDescriptor, ...image.manifest.layers].filter((d) => {
    if (seen.has(d.digest) || isForeignLayer(d)) return false;
    seen.add(d.digest);
    return true;
  });
}

export interface CopiedBlob {
  descriptor: Descriptor;
  outcome: BlobOutcome;
}

/**
 * Makes sure every blob of `images` is in `writer`. `mountSource` names, per
 * image, another repository of the target registry to mount from.
 */
export async function copyBlobs(
  writer: ImageWriter,
  images: Image[],
  mountSource: (image: Image) => string | undefined,
  opts: PushOptions,
): Promise<CopiedBlob[]> {
  const jobs: { image: Image; blob: Descriptor }[] = [];
  const queued = new Set<string>();
  for (const image of images) {
    for (const blob of imageBlobs(image)) {
      if (queued.has(blob.digest)) continue;
      queued.add(blob.digest);
      jobs.push({ image, blob });
    }
  }
  return mapLimit(jobs, opts.concurrency ?? DEFAULT_CONCURRENCY, async ({ image, blob }, _i, signal) => {
    const report = (state: BlobProgress['state'], done: number) =>
      opts.onBlobProgress?.({ digest: blob.digest, size: blob.size, done, state });
    report('running', 0);
    try {
      const outcome = await writer.putBlob(blob, () => image.openBlob(blob, { signal }), {
        signal,
        mountFrom: mountSource(image),
        onBytes: (sent) => report('running', sent),
      });
      report(outcome, blob.size);
      return { descriptor: blob, outcome };
    } catch (err) {
      report('failed', 0);
      throw err;
    }
  }, opts.signal);
}
