/**
 * Pushing into a writer (a registry repository or an OCI layout): the images'
 * blobs, config and layers, each once, a few at a time, each skipped, mounted
 * or uploaded; then the manifest.
 */
import type { BlobSource, Image } from './image';
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
  return copyBlobsFrom(
    writer,
    images.flatMap((image) => imageBlobs(image).map((blob) => ({ blob, source: image.source }))),
    opts,
  );
}

/** One blob to copy, and where to read it. */
export interface BlobToCopy {
  blob: Descriptor;
  source: BlobSource;
}

/**
 * Makes sure every blob is in `writer` (each once, foreign layers never), a few at a time: skipped when it is
 * there, mounted when the writer can mount it from where it lives, uploaded otherwise.
 */
export async function copyBlobsFrom(writer: ImageWriter, blobs: BlobToCopy[], opts: PushOptions): Promise<CopiedBlob[]> {
  const jobs: BlobToCopy[] = [];
  const queued = new Set<string>();
  for (const job of blobs) {
    if (queued.has(job.blob.digest) || isForeignLayer(job.blob)) continue;
    queued.add(job.blob.digest);
    jobs.push(job);
  }
  return mapLimit(
    jobs,
    opts.concurrency ?? DEFAULT_CONCURRENCY,
    async ({ source, blob }, _i, signal) => {
      const report = (state: BlobProgress['state'], done: number) =>
        opts.onBlobProgress?.({ digest: blob.digest, size: blob.size, done, state });
      report('running', 0);
      try {
        const outcome = await writer.putBlob(
          blob,
          () => source.openBlob(blob, { signal, ...(opts.onResume ? { onResume: opts.onResume } : {}) }),
          {
            signal,
            from: source.location,
            onBytes: (sent) => report('running', sent),
          },
        );
        report(outcome, blob.size);
        return { descriptor: blob, outcome };
      } catch (err) {
        report('failed', 0);
        throw err;
      }
    },
    opts.signal,
  );
}
