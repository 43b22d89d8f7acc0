/**
 * One layer as a sequence of tar entries, streamed: the blob is opened once
 * through `layer.open()` (which verifies length and digest as bytes pass),
 * decompressed, and parsed by tar-stream. The sequence only ends after the
 * blob's digest has been checked, so nothing downstream can count a layer as
 * done when its last bytes were wrong.
 */
import type { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Layer } from '../image';
import { RegistryError } from '../errors';
import { decompressorFor, describeDecompressError, detectCompression, peek, SNIFF_BYTES } from './decompress';
import { LayerFormatError } from './errors';

/** tar-stream's header; `type` may also be null at run time, for typeflags it does not know. */
export type TarHeader = tar.Header;

export interface LayerEntry {
  header: TarHeader;
  body: EntryBody;
}

export interface LayerReadOptions {
  signal?: AbortSignal;
  /** Called with each count of compressed bytes read from the blob. */
  onBytes?: (count: number) => void;
}

/**
 * An entry's content. It may be read once, partly or wholly; whatever is left
 * is drained by the layer reader before the next entry, because tar-stream
 * stalls on an entry nobody reads. Stopping early (break in `for await`) does
 * not destroy the underlying entry: with tar-stream that would kill the whole
 * layer stream.
 */
export class EntryBody implements AsyncIterable<Buffer> {
  private readonly source: AsyncIterator<unknown>;
  private ended = false;

  constructor(entry: AsyncIterable<unknown>) {
    this.source = entry[Symbol.asyncIterator]();
  }

  async next(): Promise<IteratorResult<Buffer, undefined>> {
    if (this.ended) return { done: true, value: undefined };
    const result = await this.source.next();
    if (result.done) {
      this.ended = true;
      return { done: true, value: undefined };
    }
    return { done: false, value: result.value as Buffer };
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer, undefined> {
    return {
      next: () => this.next(),
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** Reads and discards what is left. */
  async drain(): Promise<void> {
    while (!(await this.next()).done) {
      // discard
    }
  }
}

/**
 * Yields the layer's entries in archive order. The caller must finish with
 * one entry (or leave it) before asking for the next; leaving the loop early
 * closes the blob's connection.
 */
export async function* readLayerEntries(layer: Layer, opts: LayerReadOptions = {}): AsyncGenerator<LayerEntry> {
  const { signal } = opts;
  if (signal?.aborted) throw signal.reason;
  const opened = await layer.open(signal ? { signal } : {});
  const extract = tar.extract();
  let blob: Readable = opened;
  let decompressor: Transform | undefined;
  const onAbort = (): void => {
    opened.destroy(signal?.reason as Error);
    extract.destroy(signal?.reason as Error);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // Ends only after the verifier has checked length and digest; rejects when they are wrong.
  let blobDone: Promise<void> | undefined;

  try {
    const peeked = await peek(opened, SNIFF_BYTES);
    blob = peeked.stream;
    blobDone = finished(blob);
    blobDone.catch(() => undefined); // looked at below; never an unhandled rejection
    const compression = detectCompression(peeked.head);
    decompressor = decompressorFor(compression, layer.digest);
    const onBytes = opts.onBytes;
    if (onBytes) blob.on('data', (chunk: Buffer) => onBytes(chunk.length));
    // pipe() does not pass errors on: a failing blob or decompressor must stop the parser itself.
    blob.on('error', (err) => extract.destroy(err));
    decompressor.on('error', (err) => extract.destroy(describeDecompressError(err, compression, layer.digest)));
    blob.pipe(decompressor).pipe(extract);

    for await (const entry of extract) {
      const body = new EntryBody(entry);
      yield { header: entry.header, body };
      await body.drain();
    }
    await blobDone;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    // Corrupt bytes usually break gzip or tar before the digest check at the blob's end
    // has a chance to run: read the rest, and let a wrong digest name the real cause.
    const blobError = blobDone ? await settle(blob, decompressor, blobDone) : undefined;
    if (signal?.aborted) throw signal.reason;
    throw blobError ?? describeFormatError(err, layer.digest);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Also reached when the consumer stops early: close the connection and the parser.
    if (!opened.destroyed) opened.destroy();
    if (!blob.destroyed) blob.destroy();
    decompressor?.destroy();
    if (!extract.destroyed) extract.destroy();
  }
}

/** Detaches the blob from the decompressor, reads it to its end, and returns its error if it has one. */
async function settle(blob: Readable, decompressor: Transform | undefined, done: Promise<void>): Promise<unknown> {
  if (decompressor) blob.unpipe(decompressor);
  blob.resume();
  try {
    await done;
    return undefined;
  } catch (err) {
    return err;
  }
}

/** zlib's and tar-stream's messages do not say which layer they came from. */
function describeFormatError(err: unknown, digest: string): unknown {
  if (err instanceof RegistryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LayerFormatError(`Layer ${digest} could not be read as a tar archive: ${message}`, digest, { cause: err });
}
