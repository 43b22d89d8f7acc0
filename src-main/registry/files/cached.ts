/**
 * listCachedImageFiles(): the listing of an image opened before, from the
 * cache alone. An app asks this first, so it can read the layers (which takes
 * seconds for a big image) as cancellable work with progress of its own, and
 * open what is already known at once.
 */
import type { Image } from '../image';
import type { FileIndexCache } from './cache';
import { cachedView } from './list';
import type { ImageFiles } from './types';
import type { ListingHead } from './view-format';

/** The image's listing when `cache` has its flattened view, else undefined; nothing is read from the registry. */
export async function listCachedImageFiles(
  image: Image,
  opts: { cache: FileIndexCache; signal?: AbortSignal },
): Promise<ImageFiles | undefined> {
  return (await cachedView(image, opts))?.view().files;
}

/**
 * The first `rows` entries of the image's listing and its totals, when
 * `cache` has its flattened view, else undefined: what a tree paints first,
 * without making the whole listing (listCachedImageFiles) on the way.
 */
export async function listCachedImageFilesHead(
  image: Image,
  opts: { cache: FileIndexCache; rows: number; signal?: AbortSignal },
): Promise<ListingHead | undefined> {
  if (!Number.isSafeInteger(opts.rows) || opts.rows < 0) throw new RangeError(`rows must be a whole number, got ${opts.rows}`);
  return (await cachedView(image, opts))?.head(opts.rows);
}
