/**
 * One layer as a sequence of tar entries, streamed: the blob is opened once
 * through `layer.open()` (which verifies length and digest as bytes pass),
 * decompressed, and parsed by TarReader as the decompressed chunks arrive.
 * The sequence only ends after the blob's digest has been checked, so nothing
 * downstream can count a layer as done when its last bytes were wrong.
 *
 * Entry contents are subarrays of the decompressor's chunks, handed on as
 * they are: no stream, queue or promise per entry beyond the one `yield`, and
 * a consumer that can take bytes synchronously (hashing) reads a small file
 * with no promise at all (EntryBody.consume()).
 */
import type { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Layer } from '../image';
import type { BlobReadOptions } from '../types';
import { RegistryError } from '../errors';
import { reapplyYoungGenerationLimit } from '../memory/young-generation';
import { decompressorFor, describeDecompressError, detectCompression, peek, SNIFF_BYTES, type Compression } from './decompress';
import { LayerFormatError } from './errors';
import { TarEvent, TarReader, type TarHeader } from './tar-reader';
import { canReuseChunks } from './zstd';

export type { TarHeader };

export interface LayerEntry {
  header: TarHeader;
  body: EntryBody;
}

export interface LayerReadOptions {
  signal?: AbortSignal | undefined;
  /** Called with each count of compressed bytes read from the blob. */
  onBytes?: (count: number) => void;
  /** The blob's download broke and was resumed. */
  onResume?: BlobReadOptions['onResume'];
}

/**
 * An entry's content. It may be read once, partly or wholly; whatever is left
 * is skipped by the layer reader before the next entry.
 *
 * Read as an async iterable, its chunks are the reader's to keep. Where the
 * layer's decoder reuses its buffers (zstd pulled from its thread: the next
 * read decodes into the same memory, or takes it away), that means a copy of
 * each chunk; elsewhere they are the decompressor's own. A consumer that is
 * done with each chunk before it asks for the next (a synchronous copy, as
 * the writer thread makes, or a hash) reads transient() or consume() instead,
 * and never pays for the copy.
 */
export class EntryBody implements AsyncIterable<Buffer> {
  private ended = false;

  constructor(
    private readonly source: TarSource,
    /** Which entry of the layer this is: a body read after its entry was left reads nothing. */
    private readonly ordinal: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Buffer, undefined> {
    const copy = this.source.reusesChunks;
    return {
      next: async () => {
        const next = await this.nextTransient();
        return copy && !next.done ? { done: false, value: Buffer.from(next.value) } : next;
      },
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** The chunks as they come: each valid until the next read from the layer. */
  transient(): AsyncIterable<Buffer> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => this.nextTransient(),
        return: async () => ({ done: true, value: undefined }),
      }),
    };
  }

  private async nextTransient(): Promise<IteratorResult<Buffer, undefined>> {
    const { reader } = this.source;
    for (;;) {
      if (this.ended || !this.current()) {
        this.ended = true;
        return { done: true, value: undefined };
      }
      if (this.source.read() === TarEvent.data) return { done: false, value: reader.data };
      await this.source.more();
    }
  }

  /**
   * Hands every remaining chunk to `take`, synchronously as far as the bytes
   * already decompressed go; returns the number of bytes taken. A chunk is
   * valid only while `take` runs (see transient()).
   */
  async consume(take: (chunk: Buffer) => void): Promise<number> {
    const { reader } = this.source;
    let length = 0;
    while (!this.ended && this.current()) {
      if (this.source.read() === TarEvent.data) {
        take(reader.data);
        length += reader.data.length;
      } else {
        await this.source.more();
      }
    }
    this.ended = true;
    return length;
  }

  /** Reads and discards what is left. */
  async drain(): Promise<void> {
    await this.consume(() => undefined);
  }

  private current(): boolean {
    return this.source.entries === this.ordinal && this.source.reader.contentLeft;
  }
}

/**
 * The decompressed bytes of one layer and their parser. Every failure, from
 * wherever it is noticed (the parser, the decompressor, the blob), becomes
 * one error, the same for every later call.
 */
class TarSource {
  readonly reader = new TarReader();
  /** Entries seen so far. */
  entries = 0;
  private ended = false;
  private failure: Promise<never> | undefined;

  constructor(
    private readonly chunks: AsyncIterator<Buffer>,
    /** A chunk is only valid until the next is read (the decoder reuses its buffers). */
    readonly reusesChunks: boolean,
    private readonly describe: (err: unknown) => Promise<unknown>,
  ) {}

  /** The parser's next event. A parse error reads as needMore: more() then rejects with the layer's error. */
  read(): TarEvent {
    if (this.failure) return TarEvent.needMore;
    try {
      return this.reader.read();
    } catch (err) {
      void this.fail(err);
      return TarEvent.needMore;
    }
  }

  /** Feeds the parser the next decompressed chunk; at the end of the bytes, false (or the error of an unfinished archive). */
  async more(): Promise<boolean> {
    if (this.failure) return this.failure;
    if (this.ended) return false;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        this.reader.end();
        return false;
      }
    } catch (err) {
      return this.fail(err);
    }
    this.reader.feed(next.value);
    return true;
  }

  private fail(err: unknown): Promise<never> {
    this.failure ??= this.describe(err).then((described) => Promise.reject(described));
    this.failure.catch(() => undefined); // looked at by whoever called; never an unhandled rejection
    return this.failure;
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
  // A Worker started since the last layer (anyone's) may have undone the process's opt-in: streaming is what it is for.
  reapplyYoungGenerationLimit();
  const opened = await layer.open({ ...(signal ? { signal } : {}), ...(opts.onResume ? { onResume: opts.onResume } : {}) });
  let blob: Readable = opened;
  let decompressor: Transform | undefined;
  const onAbort = (): void => {
    opened.destroy(signal?.reason as Error);
    decompressor?.destroy(signal?.reason as Error);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // Ends only after the verifier has checked length and digest; rejects when they are wrong.
  let blobDone: Promise<void> | undefined;
  let compression: Compression = 'none';
  /** The decompressor's own errors (bad gzip or zstd data), told apart from the blob's errors it is stopped with. */
  const fromDecompressor = new WeakSet<object>();
  const fromBlob = new WeakSet<object>();

  /** The one error a failure of this layer's read becomes. */
  const describe = async (err: unknown): Promise<unknown> => {
    if (signal?.aborted) return signal.reason;
    // Corrupt bytes usually break gzip or tar before the digest check at the blob's end
    // has a chance to run: read the rest, and let a wrong digest name the real cause.
    const blobError = blobDone ? await settle(blob, decompressor, blobDone) : undefined;
    if (signal?.aborted) return signal.reason;
    if (blobError !== undefined) return blobError;
    if (err instanceof Error && fromDecompressor.has(err)) return describeDecompressError(err, compression, layer.digest);
    return describeFormatError(err, layer.digest);
  };

  try {
    let source: TarSource;
    try {
      const peeked = await peek(opened, SNIFF_BYTES);
      blob = peeked.stream;
      blobDone = finished(blob);
      blobDone.catch(() => undefined); // looked at in describe(); never an unhandled rejection
      compression = detectCompression(peeked.head);
      decompressor = decompressorFor(compression, layer.digest);
      const onBytes = opts.onBytes;
      if (onBytes) blob.on('data', (chunk: Buffer) => onBytes(chunk.length));
      // pipe() does not pass errors on: a failing blob must stop the decompressor itself.
      const inflating = decompressor;
      blob.on('error', (err) => {
        fromBlob.add(err);
        inflating.destroy(err);
      });
      inflating.on('error', (err) => {
        if (!fromBlob.has(err)) fromDecompressor.add(err);
      });
      // Pulled where the decoder offers it (zstd-napi: decoded on a thread of its own into reused
      // buffers): the tar reader is done with each chunk before it asks for the next, and EntryBody
      // copies for whoever keeps chunks.
      const reuses = canReuseChunks(inflating);
      const chunks = reuses ? inflating.reusingChunks() : (inflating[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
      blob.pipe(inflating);
      source = new TarSource(chunks, reuses, describe);
    } catch (err) {
      throw await describe(err);
    }

    for (;;) {
      const event = source.read();
      if (event === TarEvent.needMore) {
        if (!(await source.more())) break;
        continue;
      }
      if (event !== TarEvent.header) continue; // content nobody asked for (a directory's, say): skipped below
      const header = source.reader.header!;
      const body = new EntryBody(source, ++source.entries);
      yield { header, body };
      await body.drain();
    }
    try {
      await blobDone;
    } catch (err) {
      throw await describe(err);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Also reached when the consumer stops early: close the connection and the decompressor.
    if (!opened.destroyed) opened.destroy();
    if (!blob.destroyed) blob.destroy();
    decompressor?.destroy();
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

/** The tar reader's messages do not say which layer they came from. */
function describeFormatError(err: unknown, digest: string): unknown {
  if (err instanceof RegistryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LayerFormatError(`Layer ${digest} could not be read as a tar archive: ${message}`, digest, { cause: err });
}

/** A body's chunks for a consumer done with each before the next (see EntryBody); any other body as it is. */
export function transientChunks<T extends AsyncIterable<Buffer> | Iterable<Buffer> | undefined>(body: T): T | AsyncIterable<Buffer> {
  return body instanceof EntryBody ? body.transient() : body;
}
