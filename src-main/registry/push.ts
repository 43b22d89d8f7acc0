/** Pushing an image's blobs: config and layers, a few at a time, each skipped, mounted or uploaded. */
import type { Image } from './image';
import { mapLimit } from './concurrency';
import type { Descriptor, PushOptions } from './types';
import type { BlobOutcome, RepositoryWriter } from './upload';

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

export async function pushBlobs(
  writer: RepositoryWriter,
  image: Image,
  mountFrom: string | undefined,
  opts: PushOptions,
): Promise<Map<string, BlobOutcome>> {
  const outcomes = new Map<string, BlobOutcome>();
  const blobs = imageBlobs(image);
  await mapLimit(blobs, opts.concurrency ?? DEFAULT_CONCURRENCY, async (d, _i, signal) => {
    const report = (state: 'running' | BlobOutcome | 'failed', done: number) =>
      opts.onBlobProgress?.({ digest: d.digest, size: d.size, done, state });
    report('running', 0);
    try {
      const outcome = await writer.putBlob(d, () => image.openBlob(d, { signal }), {
        signal,
        mountFrom,
        onBytes: (sent) => report('running', sent),
      });
      outcomes.set(d.digest, outcome);
      report(outcome, d.size);
    } catch (err) {
      report('failed', 0);
      throw err;
    }
  }, opts.signal);
  return outcomes;
}
