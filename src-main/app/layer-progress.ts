/**
 * Per-layer progress for work that reads layers oldest first, one at a time,
 * and counts the compressed bytes of them all (extractToDirectory,
 * listImageFiles): the count is laid over the layers in order.
 */
import type { JobProgressReporter } from './job-progress';

interface LayerSize {
  digest: string;
  size: number;
}

/** The layers once each, in order (an image may list one twice). */
export function distinctLayers<L extends LayerSize>(layers: readonly L[]): L[] {
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.digest) && !!seen.add(l.digest));
}

/** Declares `layers` and returns what reports a byte count read across them. */
export function layerByteProgress(progress: JobProgressReporter, layers: readonly LayerSize[]): (bytesRead: number) => void {
  const distinct = distinctLayers(layers);
  progress.addBlobs(distinct);
  return (bytesRead) => {
    let left = bytesRead;
    for (const layer of distinct) {
      const done = Math.min(layer.size, left);
      left -= done;
      progress.update(layer.digest, layer.size, done, done >= layer.size ? 'done' : done > 0 ? 'running' : 'pending');
    }
  };
}
