/**
 * The indexes of a set of layers (one image, or two for a diff): each
 * distinct digest read once, from the cache when it has it, else from the
 * registry (and then written to the cache). Progress covers all of them.
 */
import { mapLimit } from '../concurrency';
import type { Layer } from '../image';
import { FileIndexLimitError } from './errors';
import { indexLayer, type LayerIndex } from './layer-index';
import type { IndexProgress, ListFilesOptions } from './types';

/**
 * Entries of all layers indexed for one call, together. Each costs about
 * 1 KiB of memory while the flattened view is built (the index, the tree,
 * the listing and the changes, measured on a layer of 100,000 files), so this
 * keeps a listing near 1 GB at worst. Real images hold well under half a
 * million entries.
 */
export const MAX_TOTAL_ENTRIES = 1_000_000;
/** Progress at most this often, plus at each layer's start and at the end. */
const PROGRESS_INTERVAL_MS = 100;
/**
 * Layers read at once. One is enough: inflating runs on libuv's thread pool
 * while tar parsing and hashing run on the main thread, so a single layer
 * already keeps two cores busy.
 */
const LAYERS_AT_ONCE = 1;

/** Index by digest of every layer in `layers` (duplicates read once). */
export async function indexLayers(layers: readonly Layer[], opts: ListFilesOptions = {}): Promise<Map<string, LayerIndex>> {
  const indexes = new Map<string, LayerIndex>();
  await forEachLayerIndex(layers, opts, (index) => indexes.set(index.digest, index));
  return indexes;
}

/**
 * Hands `onIndexed` the index of every layer in `layers` (duplicates read
 * once), oldest first, each as soon as it is there, so it can be used while
 * the next layer is read. Nothing is kept here: an index the consumer lets go
 * is freed at once.
 */
export async function forEachLayerIndex(
  layers: readonly Layer[],
  opts: ListFilesOptions,
  onIndexed: (index: LayerIndex) => void,
): Promise<void> {
  const { cache } = opts;
  if (opts.signal?.aborted) throw opts.signal.reason;
  const distinct = [...new Map(layers.map((l) => [l.digest, l])).values()];
  // A listener that throws stops the reading at once, with its error.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const progress = new Progress(distinct, opts.onProgress, (err) => stop.abort(err));
  let entries = 0;
  /** Cache writes run while the next layer is read; all are waited for before returning. */
  const stores: Promise<void>[] = [];
  const indexing = mapLimit(
    distinct,
    LAYERS_AT_ONCE,
    async (layer, i, inner) => {
      progress.start(i);
      let index = await cache?.load(layer.digest);
      if (index) {
        progress.done(i);
      } else {
        index = await indexLayer(layer, { signal: inner, onBytes: (count) => progress.add(i, count) });
        progress.done(i);
        // Kept even if a later layer fails or the call is cancelled: this layer was read whole and verified.
        // A cache that cannot be written (full disk, no permission) only costs the next open its speed.
        if (cache) stores.push(cache.store(index).catch(() => undefined));
      }
      entries += index.count;
      if (entries > MAX_TOTAL_ENTRIES) {
        throw new FileIndexLimitError(
          `The layers hold more than ${MAX_TOTAL_ENTRIES.toLocaleString('en-US')} entries together, the most a file listing holds ` +
            '(real images hold well under half a million)',
          layer.digest,
        );
      }
      progress.check();
      onIndexed(index);
    },
    signal,
  );
  try {
    await indexing;
    progress.finish();
  } finally {
    await Promise.all(stores);
  }
}

/** The one progress report of layers that need no reading (their view came from the cache). */
export function reportCached(layers: readonly Layer[], listener: ((progress: IndexProgress) => void) | undefined): void {
  const distinct = new Map(layers.map((l) => [l.digest, l.size]));
  const total = [...distinct.values()].reduce((sum, size) => sum + size, 0);
  listener?.({ layer: Math.max(0, distinct.size - 1), layers: distinct.size, bytesDone: total, bytesTotal: total });
}

class Progress {
  private readonly done_: number[];
  private readonly total: number;
  private last = 0;
  private current = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly layers: Layer[],
    private readonly listener: ((progress: IndexProgress) => void) | undefined,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.done_ = layers.map(() => 0);
    this.total = layers.reduce((sum, l) => sum + l.size, 0);
  }

  start(layer: number): void {
    this.current = layer;
    this.report();
  }

  add(layer: number, count: number): void {
    this.current = layer;
    this.done_[layer] = (this.done_[layer] ?? 0) + count;
    if (Date.now() - this.last >= PROGRESS_INTERVAL_MS) this.report();
  }

  done(layer: number): void {
    this.done_[layer] = this.layers[layer]?.size ?? 0;
  }

  finish(): void {
    this.current = Math.max(0, this.layers.length - 1);
    this.report();
    this.check();
  }

  /** Throws what the listener threw: byte counts arrive in a stream's 'data' event, where a throw would crash the process. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  private report(): void {
    if (!this.listener || this.failure) return;
    this.last = Date.now();
    // A layer read may go past its manifest size (a lying manifest fails its digest check later): never show more than 100 %.
    const bytesDone = Math.min(
      this.total,
      this.done_.reduce((sum, n) => sum + n, 0),
    );
    try {
      this.listener({ layer: this.current, layers: this.layers.length, bytesDone, bytesTotal: this.total });
    } catch (err) {
      this.failure = { error: err };
      this.onFailure(err);
    }
  }
}
