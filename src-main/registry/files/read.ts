/**
 * readImageFile(): one regular file of the flattened image, as a stream. The
 * image's view says which layer holds the content and where in its tar; only
 * that layer is opened, read up to the end of that entry, and closed. The
 * view comes from the cache when it has it; without one (or on a first open)
 * every layer is read once to make it, as listImageFiles does.
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
import { buildView, cachedView } from './list';
import type { ContentLocation } from './overlay';
import { imagePath, ROOT } from './paths';
import type { ReadFileOptions } from './types';
import { lookupOf, type ViewLookup } from './view-format';

/**
 * Resolves once the layer has been read up to the file; read the stream to
 * its end or destroy it, either closes the layer's connection.
 */
export async function readImageFile(image: Image, path: string, opts: ReadFileOptions = {}): Promise<Readable> {
  const { signal } = opts;
  const wanted = imagePath(path);
  const options = { ...(signal ? { signal } : {}), ...(opts.cache ? { cache: opts.cache } : {}) };
  // A cached view answers with a few names decoded; otherwise the view is made (and cached).
  const view: ViewLookup = (await cachedView(image, options)) ?? lookupOf(await buildView(image, options));
  if (wanted === ROOT) throw new NotARegularFileError(wanted, 'directory');
  const at = view.find(wanted);
  if (at < 0) {
    const last = view.lastChange(wanted);
    if (last?.change === 'deleted') throw new FileDeletedError(wanted, last.layer, image.layers[last.layer]?.digest ?? '');
    throw new FileNotInImageError(wanted);
  }
  const location = view.locate(at);
  if (!location) {
    const entry = view.entry(at);
    throw new NotARegularFileError(wanted, entry.type, entry.linkname);
  }
  const layer = image.layers[location.layer];
  if (!layer) throw new Error(`no layer ${location.layer} in the image`);
  return openContent(layer, location, signal);
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
          `${content.path} in layer ${layer.digest} does not match the layer's file index ` +
            `(${length} bytes, sha256:${actual}; expected ${content.size} bytes, sha256:${content.sha256})`,
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
