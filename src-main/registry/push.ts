/**
 * Pushing into a writer (a registry repository or an OCI layout): the images'
 * blobs, config and layers, each once, a few at a time, each skipped, mounted
 * or uploaded; then the manifest.
 */
import type { Image } from './image';
import { mapLimit } from './concurrency';
import { InvalidReferenceError } from './errors';
import { parseReference, referencePath } from './reference';
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

/** Uploads the image's blobs (skipping or mounting what it can), then its manifest under `tag`. */
export async function pushImage(writer: ImageWriter, tag: string, image: Image, opts: PushOptions): Promise<void> {
  const ref = parseReference(tag);
  if (ref.kind === 'digest' && ref.digest !== image.digest) {
    throw new InvalidReferenceError(`Cannot push image ${image.digest} under digest ${ref.digest}: a digest names its own bytes`);
  }
  await copyBlobs(writer, [image], opts);
  await writer.putManifest(referencePath(ref), image.rawManifest, image.mediaType, opts.signal);
}

/** Makes sure every blob of `images` is in `writer`; each is mounted when the writer can mount it from where it lives. */
export async function copyBlobs(writer: ImageWriter, images: Image[], opts: PushOptions): Promise<CopiedBlob[]> {
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
      const outcome = await writer.putBlob(blob, () => image.openBlob(blob, { signal, ...(opts.onResume ? { onResume: opts.onResume } : {}) }), {
        signal,
        from: image.source.location,
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
