/**
 * listImageFiles(): the flattened filesystem of an image, what each layer
 * changed, and the bytes later layers made useless. An image opened before
 * comes whole from the cache; otherwise each layer is read once (or not at
 * all, when the cache has its index), the layers are applied in memory, and
 * the result is cached for the next time.
 */
import type { Image } from '../image';
import { forEachLayerIndex, reportCached } from './layer-indexes';
import type { LayerIndex } from './layer-index';
import { Overlay, type ImageView } from './overlay';
import type { ImageFiles, ListFilesOptions } from './types';
import { viewKey, type ViewReader } from './view-format';

export async function listImageFiles(image: Image, opts: ListFilesOptions = {}): Promise<ImageFiles> {
  return (await imageView(image, opts)).files;
}

/** The image's flattened view, with where each file's content is: from the cache, or made (and then cached). */
export async function imageView(image: Image, opts: ListFilesOptions = {}): Promise<ImageView> {
  const cached = await cachedView(image, opts);
  if (!cached) return buildView(image, opts);
  reportCached(image.layers, opts.onProgress);
  return cached.view();
}

/**
 * The image's view made from its layers' indexes (read, or loaded from the
 * cache), then cached. Each layer is applied as soon as it and those below it
 * are indexed, while the next one is still being read.
 */
export async function buildView(image: Image, opts: ListFilesOptions = {}): Promise<ImageView> {
  // The overlay is out of reach once its result is made: encoding the view for the cache does not hold both.
  return keepView(image, await flattenIndexes(image, opts), opts);
}

async function flattenIndexes(image: Image, opts: ListFilesOptions): Promise<ImageView> {
  const { layers } = image;
  const overlay = new Overlay();
  const ready = new Map<string, LayerIndex>();
  let next = 0;
  /** Where each digest is used last: its index is let go after that (the overlay keeps what it needs). */
  const lastUse = new Map(layers.map((l, i) => [l.digest, i]));
  const applyReady = (): void => {
    for (let found = ready.get(layers[next]?.digest ?? ''); found; found = ready.get(layers[next]?.digest ?? '')) {
      overlay.apply(found);
      if (lastUse.get(found.digest) === next) ready.delete(found.digest);
      next++;
    }
  };
  // Applied on a later turn of the event loop: the next layer's download and inflating start first.
  let applying = Promise.resolve();
  try {
    await forEachLayerIndex(layers, opts, (index) => {
      ready.set(index.digest, index);
      applying = applying.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(applyReady);
    });
  } catch (err) {
    await applying.catch(() => undefined); // neither left running nor left unobserved
    throw err;
  }
  await applying;
  if (next !== layers.length) throw new Error(`${layers.length - next} layers were not applied`);
  return overlay.result();
}

/** The view the cache has for this image's layers, if any, not yet decoded. */
export async function cachedView(image: Image, opts: ListFilesOptions): Promise<ViewReader | undefined> {
  if (opts.signal?.aborted) throw opts.signal.reason;
  const digests = image.layers.map((l) => l.digest);
  const view = await opts.cache?.loadView(viewKey(digests));
  // The key is a hash of the digests; checking them costs nothing and needs no trust in it.
  const stored = view?.layerDigests;
  return stored && stored.length === digests.length && stored.every((d, i) => d === digests[i]) ? view : undefined;
}

/** Caches a view just made (a cache that cannot be written only costs the next open its speed). */
export async function keepView(image: Image, view: ImageView, opts: ListFilesOptions): Promise<ImageView> {
  const key = viewKey(image.layers.map((l) => l.digest));
  await opts.cache?.storeView(key, view, opts.signal).catch(() => undefined);
  return view;
}

/** The image's layers applied oldest first, from their indexes (by digest). */
export function applyLayers(image: Image, indexes: ReadonlyMap<string, LayerIndex>): ImageView {
  const overlay = new Overlay();
  for (const layer of image.layers) {
    const index = indexes.get(layer.digest);
    if (!index) throw new Error(`no index for layer ${layer.digest}`);
    overlay.apply(index);
  }
  return overlay.result();
}
