/**
 * listImageFiles(): the flattened filesystem of an image, what each layer
 * changed, and the bytes later layers made useless. Each layer is read once
 * (or not at all, when the cache has its index); the layers are then applied
 * in memory.
 */
import type { Image } from '../image';
import { indexLayers } from './layer-indexes';
import type { LayerIndex } from './layer-index';
import { Overlay } from './overlay';
import type { ImageFiles, ListFilesOptions } from './types';

export async function listImageFiles(image: Image, opts: ListFilesOptions = {}): Promise<ImageFiles> {
  return (await overlayOf(image, opts)).result();
}

/** The image's layers applied oldest first, reading (or loading) their indexes. */
export async function overlayOf(image: Image, opts: ListFilesOptions = {}): Promise<Overlay> {
  return applyLayers(image, await indexLayers(image.layers, opts));
}

/** The image's layers applied oldest first, from indexes already at hand (by digest). */
export function applyLayers(image: Image, indexes: ReadonlyMap<string, LayerIndex>): Overlay {
  const overlay = new Overlay();
  for (const layer of image.layers) {
    const index = indexes.get(layer.digest);
    if (!index) throw new Error(`no index for layer ${layer.digest}`);
    overlay.apply(index);
  }
  return overlay;
}
