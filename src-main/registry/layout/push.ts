/**
 * pushImage into a layout: the image's blobs a few at a time (each skipped
 * or streamed in from the source image), then the manifest, then the tag.
 * Progress is reported as the registry push reports it (push.ts).
 */
import { mapLimit } from '../concurrency';
import { InvalidReferenceError } from '../errors';
import type { Image } from '../image';
import { imageBlobs } from '../push';
import { parseReference, referencePath } from '../reference';
import type { PushOptions } from '../types';
import type { LayoutBlobOutcome, LayoutWriter } from './writer';

const DEFAULT_CONCURRENCY = 4;

export async function pushImageToLayout(writer: LayoutWriter, tag: string, image: Image, opts: PushOptions = {}): Promise<void> {
  const ref = parseReference(tag);
  if (ref.kind === 'digest' && ref.digest !== image.digest) {
    throw new InvalidReferenceError(`Cannot push image ${image.digest} under digest ${ref.digest}: a digest names its own bytes`);
  }
  await mapLimit(imageBlobs(image), opts.concurrency ?? DEFAULT_CONCURRENCY, async (d, _i, signal) => {
    const report = (state: 'running' | LayoutBlobOutcome | 'failed', done: number) =>
      opts.onBlobProgress?.({ digest: d.digest, size: d.size, done, state });
    report('running', 0);
    try {
      const outcome = await writer.putBlob(d, () => image.openBlob(d, { signal }), {
        signal,
        onBytes: (written) => report('running', written),
      });
      report(outcome, d.size);
    } catch (err) {
      report('failed', 0);
      throw err;
    }
  }, opts.signal);
  // Last, so a failed or cancelled push never names an image whose blobs are missing.
  await writer.putManifest(referencePath(ref), image.rawManifest, image.mediaType, opts.signal);
}
