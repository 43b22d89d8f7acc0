/**
 * readImageFile(): one regular file of the flattened image, as a stream. The
 * index (from the cache when it has the layers) says which layer holds the
 * content and where in its tar; only that layer is opened, read up to the
 * end of that entry, and closed.
 *
 * Stopping early means the layer's own digest is never checked, so the
 * content is checked instead, against the size and sha256 the index recorded
 * from a fully verified read: the stream fails with DigestMismatchError at
 * its end when they differ.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DigestMismatchError } from '../errors';
import { LayerFormatError } from '../extract/errors';
import { readLayerEntries, type LayerEntry } from '../extract/layer-entries';
import type { Image, Layer } from '../image';
import { FileDeletedError, FileNotInImageError, NotARegularFileError } from './errors';
import { imageView } from './list';
import type { ContentLocation } from './overlay';
import { comparePaths, imagePath, ROOT } from './paths';
import type { ImageFiles, ReadFileOptions } from './types';

/**
 * Resolves once the layer has been read up to the file; read the stream to
 * its end or destroy it, either closes the layer's connection.
 */
export async function readImageFile(image: Image, path: string, opts: ReadFileOptions = {}): Promise<Readable> {
  const { signal } = opts;
  const wanted = imagePath(path);
  const view = await imageView(image, { ...(signal ? { signal } : {}), ...(opts.cache ? { cache: opts.cache } : {}) });
  if (wanted === ROOT) throw new NotARegularFileError(wanted, 'directory');
  const at = findPath(view.files.entries, wanted);
  const entry = view.files.entries[at];
  if (entry === undefined) throw whyMissing(image, view.files, wanted);
  const location = view.locate(at);
  if (!location) throw new NotARegularFileError(wanted, entry.type, entry.linkname);
  const layer = image.layers[location.layer];
  if (!layer) throw new Error(`no layer ${location.layer} in the image`);
  return openContent(layer, location, signal);
}

/** A path the image does not have: deleted by a layer, or never there. */
function whyMissing(image: Image, files: ImageFiles, path: string): Error {
  for (let i = files.layers.length - 1; i >= 0; i--) {
    const changes = files.layers[i]?.changes ?? [];
    const change = changes[findPath(changes, path)];
    if (change === undefined) continue;
    if (change.change === 'deleted') return new FileDeletedError(path, i, image.layers[i]?.digest ?? '');
    break;
  }
  return new FileNotInImageError(path);
}

/** Index of `path` in a list sorted by path (comparePaths), or -1. */
function findPath(sorted: readonly { path: string }[], path: string): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const order = comparePaths(sorted[mid]!.path, path);
    if (order === 0) return mid;
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

async function openContent(layer: Layer, content: ContentLocation, signal?: AbortSignal): Promise<Readable> {
  const entries = readLayerEntries(layer, signal ? { signal } : {});
  let entry: LayerEntry | undefined;
  try {
    for (let position = 0; ; position++) {
      const next = await entries.next();
      if (next.done) break;
      if (position === content.ordinal) {
        entry = next.value;
        break;
      }
    }
    if (!entry || imagePath(entry.header.name) !== content.path) {
      throw new LayerFormatError(
        `Layer ${layer.digest} does not hold ${content.path} where its file index says (entry ${content.ordinal + 1})`,
        layer.digest,
      );
    }
  } catch (err) {
    await entries.return(undefined);
    throw err;
  }
  const { body } = entry;
  async function* verified(): AsyncGenerator<Buffer> {
    try {
      const hash = createHash('sha256');
      let length = 0;
      for await (const chunk of body) {
        hash.update(chunk);
        length += chunk.length;
        yield chunk;
      }
      const actual = hash.digest('hex');
      if (length !== content.size || actual !== content.sha256) {
        throw new DigestMismatchError(
          `${content.path} in layer ${layer.digest} does not match the layer's file index `
            + `(${length} bytes, sha256:${actual}; expected ${content.size} bytes, sha256:${content.sha256})`,
          `sha256:${content.sha256}`,
          `sha256:${actual}`,
        );
      }
    } finally {
      // Closes the layer's connection and parser: nothing after this entry is read.
      await entries.return(undefined);
    }
  }
  return Readable.from(verified(), { objectMode: false });
}
