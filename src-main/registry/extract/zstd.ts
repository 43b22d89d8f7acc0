/**
 * zstd layers (`application/vnd.oci.image.layer.v1.tar+zstd`, or zstd bytes
 * under another media type), decoded by the first of these that this runtime
 * has:
 *
 * 1. node:zlib's zstd (Node 22.15 / 23.8 on, and so Electron's Node).
 * 2. zstd-napi, libzstd itself through Node-API (Node 20: tests, benches, the
 *    web bridge), chosen by bench/zstd.ts: on the bench image's largest
 *    layer, read as a stream, it took 1.7-2.2x the time of `zstd -dc` (Node's
 *    start included; 377-382 against 640-846 MB/s of tar), where zstd-codec
 *    (WASM) took 2-3.4x and fzstd 6-7x; pulled as the layer reader pulls it
 *    (decoded on a thread into reused buffers, zstd-thread.ts), 1.55-1.6x
 *    (527-532 MB/s). Its npm tarball carries libzstd's sources and builds
 *    them with node-gyp when its prebuilt binary cannot be downloaded (as on
 *    our CI: python3, make and g++ are in .ci/run for keytar already).
 * 3. fzstd, plain JavaScript, when zstd-napi did not load (a failed build):
 *    about 4x slower than zstd-napi, but it reads the same streams.
 *
 * A frame names its own window (the history its decoder keeps), which fzstd
 * allocates as asked, up to 2 GiB. So every frame header is read here first
 * (ZstdFrameGuard), and a window above MAX_WINDOW_BYTES (what libzstd itself
 * accepts by default) is refused before any decoder sees it, with the same
 * words whichever decoder runs: a hostile layer cannot make us allocate more.
 */
import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import type * as ZstdNapiBinding from 'zstd-napi/binding';
import { ZstdThreadDecoder } from './zstd-thread';

/** libzstd's default limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27): larger needs `zstd --memory=` there too. */
export const MAX_WINDOW_BYTES = 2 ** 27;
/** A block never regenerates more than this (Block_Maximum_Size). */
const MAX_BLOCK_BYTES = 128 * 1024;

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames: 0x184D2A50 to 0x184D2A5F, then a 4-byte length. */
const SKIPPABLE_MAGIC = 0x184d2a50;

/** zstd arrived in node:zlib with Node 22.15; on Node 20 the function does not exist. */
type ZstdZlib = { createZstdDecompress?: (options?: { chunkSize?: number }) => Transform };

export type ZstdDecoderName = 'node:zlib' | 'zstd-napi' | 'fzstd';

export interface ZstdDecoder {
  name: ZstdDecoderName;
  /** Why a faster decoder was passed over (zstd-napi failed to load), for the benchmarks and the tests. */
  fallbackReason?: string;
  /** A stream from zstd bytes (one or more frames) to what they hold. */
  create(chunkSize: number): Transform;
}

/** The part of zstd-napi's documented low-level API (`zstd-napi/binding`) used here. */
export type ZstdNapi = Pick<typeof ZstdNapiBinding, 'DCtx'>;

/**
 * Picks the decoder, in the order above. `loadZstdNapi` is a parameter so
 * the tests can take the fallback path; it throws when the native module is
 * missing or does not load.
 */
export function chooseZstdDecoder(loadZstdNapi: () => ZstdNapi = requireZstdNapi, hasZlibZstd = zlibHasZstd()): ZstdDecoder {
  if (hasZlibZstd) {
    const native = (zlib as unknown as ZstdZlib).createZstdDecompress as NonNullable<ZstdZlib['createZstdDecompress']>;
    return { name: 'node:zlib', create: (chunkSize) => native({ chunkSize }) };
  }
  try {
    const binding = loadZstdNapi();
    // Fail here, once, rather than in the first layer: a binary that loads but cannot make a context.
    new binding.DCtx();
    const bindingPath = zstdNapiBindingPath();
    return { name: 'zstd-napi', create: (chunkSize) => new NapiDecompressor(binding, chunkSize, bindingPath) };
  } catch (err) {
    const reason = `zstd-napi did not load (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): run \`npm rebuild zstd-napi\` (it needs python3, make and g++)`;
    return { name: 'fzstd', fallbackReason: reason, create: () => new FzstdDecompressor() };
  }
}

/** The decoder for this runtime, chosen on first use. */
export function zstdDecoder(): ZstdDecoder {
  chosen ??= chooseZstdDecoder();
  return chosen;
}
let chosen: ZstdDecoder | undefined;

/** Which decoder this runtime uses: for the benchmarks and the error messages. */
export function zstdDecoderName(): ZstdDecoderName {
  return zstdDecoder().name;
}

/** A stream from zstd bytes (one or more frames) to what they hold, in chunks of at most `chunkSize` bytes. */
export function createZstdDecompressor(chunkSize: number): Transform {
  return zstdDecoder().create(chunkSize);
}

/** Every decoder Lading can use on this runtime, so each is tested on the same streams. */
export function availableZstdDecoders(): ZstdDecoder[] {
  const decoders: ZstdDecoder[] = [];
  if (zlibHasZstd()) decoders.push(chooseZstdDecoder());
  const napi = chooseZstdDecoder(requireZstdNapi, false);
  if (napi.name === 'zstd-napi') decoders.push(napi);
  decoders.push(
    chooseZstdDecoder(() => {
      throw new Error('not wanted');
    }, false),
  );
  return decoders;
}

function zlibHasZstd(): boolean {
  return typeof (zlib as unknown as ZstdZlib).createZstdDecompress === 'function';
}

/**
 * Loaded on first use, not imported: a missing or broken native build must
 * leave the fallback working, not fail every module that imports this one.
 * (In the CommonJS bundle, import.meta.filename is defined as __filename.)
 */
function requireZstdNapi(): ZstdNapi {
  return createRequire(import.meta.filename)('zstd-napi/binding') as ZstdNapi;
}

/** Where requireZstdNapi() loads it from: the decoder thread loads the same file. */
function zstdNapiBindingPath(): string {
  return createRequire(import.meta.filename).resolve('zstd-napi/binding');
}

export class ZstdFormatError extends Error {
  override name = 'ZstdFormatError';
}

/**
 * A decompressor whose output can also be pulled, each chunk valid only until
 * the next pull (readLayerEntries does so when it can): see
 * NapiDecompressor.reusingChunks(). A failure reaches the puller through the
 * pull; the stream still emits it as 'error', so listen for that too.
 */
export interface ReusingDecompressor extends Transform {
  reusingChunks(): AsyncIterator<Buffer>;
}

export function canReuseChunks(stream: Transform): stream is ReusingDecompressor {
  return typeof (stream as Partial<ReusingDecompressor>).reusingChunks === 'function';
}

/**
 * libzstd's streaming decoder (ZSTD_decompressStream) over zstd-napi's
 * binding. Rather than the package's own DecompressStream, which decodes a
 * whole input chunk at once, this one stops when the reader is full and goes
 * on when it reads: 64 KiB of zstd can hold gigabytes (RLE blocks), and
 * memory stays bounded by the stream's buffers whatever the ratio.
 *
 * Read as a stream, it decodes on the calling thread, each chunk into a new
 * buffer (a reader may keep what it reads). A reader that is done with each
 * chunk before it asks for the next (the tar reader) pulls through
 * reusingChunks() instead: decoded on a thread of its own, into a few buffers
 * used again and again (zstd-thread.ts). Measured on the bench image's
 * largest layer, from memory: 367 MB/s into a new 64 KiB buffer per chunk,
 * 605 MB/s into one reused buffer (`zstd -dc` takes about the same time);
 * new memory costs page faults and cache misses.
 */
class NapiDecompressor extends Transform implements ReusingDecompressor {
  private readonly guard = new ZstdFrameGuard();
  /** Made on first use: read pulled, the stream decodes on its thread and never needs one here. */
  private context: InstanceType<ZstdNapi['DCtx']> | undefined;
  /** Input not yet decoded while the reader is full, and the callback that asks for the next chunk. */
  private pending: { input: Buffer; callback: TransformCallback } | undefined;
  private inFrame = false;
  /** Pull mode's decoder thread. */
  private thread: ZstdThreadDecoder | undefined;
  private started = false;

  constructor(
    private readonly binding: ZstdNapi,
    private readonly chunkSize: number,
    /** zstd-napi's binding module, for the thread to load. */
    private readonly bindingPath: string,
  ) {
    super();
  }

  /**
   * The output, pulled: each chunk is valid until the next pull. Call it
   * before any input arrives; the stream's readable side then gives nothing
   * and only ends.
   */
  reusingChunks(): AsyncIterator<Buffer> {
    if (this.started || this.writableLength > 0) throw new Error('reusingChunks() must be called before any input arrives');
    const thread = new ZstdThreadDecoder(this.bindingPath, this.chunkSize, (err) => this.destroy(asFormatError(err)));
    this.thread = thread;
    return {
      next: () => thread.next(),
      return: () => {
        this.destroy();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.started = true;
    try {
      this.guard.feed(chunk);
    } catch (err) {
      callback(asFormatError(err));
      return;
    }
    if (this.thread) this.thread.input(chunk, () => callback());
    else this.decode(chunk, callback);
  }

  override _read(size: number): void {
    const pending = this.pending;
    if (!pending) return super._read(size);
    this.pending = undefined;
    this.decode(pending.input, pending.callback);
    // Done with that chunk: Transform may now hold its callback until the next
    // _read, which does not come while this read is still marked as reading
    // (as when the chunk's last call gave no bytes). Ask for the next chunk now.
    if (!this.pending) super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    const finish = (inFrame: boolean): void =>
      callback(inFrame ? new ZstdFormatError('the zstd data ends in the middle of a frame') : null);
    try {
      this.guard.end();
    } catch (err) {
      callback(asFormatError(err));
      return;
    }
    // Pulled: the thread may still be decoding; it says at the end whether a frame was left open.
    if (this.thread) this.thread.end(finish);
    else finish(this.inFrame);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.thread?.fail(err ?? new Error('the zstd stream was closed'));
    callback(err);
  }

  private decode(input: Buffer, callback: TransformCallback): void {
    try {
      for (;;) {
        const output = Buffer.allocUnsafe(this.chunkSize);
        const { produced, done, rest, inFrame } = this.step(output, input);
        input = rest;
        const wantsMore = produced === 0 || this.push(output.subarray(0, produced));
        if (done) {
          this.inFrame = inFrame;
          break;
        }
        if (!wantsMore) {
          this.pending = { input, callback };
          return;
        }
      }
    } catch (err) {
      callback(asFormatError(err));
      return;
    }
    callback();
  }

  /**
   * One call to libzstd: decodes from `input` into `output`. `done`: the input
   * is used up and nothing is held back for this output (then `inFrame` says
   * whether a frame is still open).
   */
  private step(output: Buffer, input: Buffer): { produced: number; rest: Buffer; done: boolean; inFrame: boolean } {
    // `hint`: 0 once a frame is complete and flushed, else how much input libzstd would like next.
    const [hint, produced, consumed] = (this.context ??= new this.binding.DCtx()).decompressStream(output, input);
    // libzstd always moves while it has input and room; never spin if it did not.
    if (produced === 0 && consumed === 0 && input.length > 0) throw new ZstdFormatError('the zstd decoder made no progress');
    const rest = input.subarray(consumed);
    return { produced, rest, done: rest.length === 0 && (produced < output.length || hint === 0), inFrame: hint !== 0 };
  }
}

class FzstdDecompressor extends Transform {
  private readonly guard = new ZstdFrameGuard();
  private readonly decoder = new Decompress((block) => {
    // Each block comes in a new array of its own: it can be handed on without a copy.
    if (block.length > 0) this.push(Buffer.from(block.buffer, block.byteOffset, block.length));
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.guard.feed(chunk);
      this.decoder.push(chunk);
      callback();
    } catch (err) {
      callback(asFormatError(err));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.guard.end();
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (err) {
      callback(asFormatError(err));
    }
  }
}

function asFormatError(err: unknown): Error {
  if (err instanceof ZstdFormatError) return err;
  return new ZstdFormatError(`invalid zstd data (${err instanceof Error ? err.message : String(err)})`, { cause: err });
}

type GuardState = 'magic' | 'skippable-size' | 'descriptor' | 'header' | 'block' | 'checksum';

/**
 * Walks the frame structure of a zstd stream as it passes (RFC 8878 section
 * 3.1): magic numbers, frame headers, block headers, checksums, skipping the
 * block contents. Throws a ZstdFormatError for a window above the limit and
 * for what no valid stream contains.
 */
export class ZstdFrameGuard {
  private state: GuardState = 'magic';
  /** Header bytes wanted for the current state, and those gathered so far. */
  private need = 4;
  private readonly bytes = new Uint8Array(14);
  private have = 0;
  /** Content bytes to pass over before the next header. */
  private skip = 0;
  private single = false;
  private checksum = false;
  private dictionaryBytes = 0;
  private sizeBytes = 0;

  constructor(private readonly maxWindow = MAX_WINDOW_BYTES) {}

  feed(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const n = Math.min(this.need - this.have, chunk.length - at);
      this.bytes.set(chunk.subarray(at, at + n), this.have);
      this.have += n;
      at += n;
      if (this.have === this.need) {
        this.have = 0;
        this.step();
      }
    }
  }

  /** At the end of the stream: it must not stop inside a frame. */
  end(): void {
    if (this.state !== 'magic' || this.have !== 0 || this.skip !== 0) {
      throw new ZstdFormatError('the zstd data ends in the middle of a frame');
    }
  }

  private expect(state: GuardState, need: number): void {
    this.state = state;
    this.need = need;
  }

  private step(): void {
    const b = this.bytes;
    switch (this.state) {
      case 'magic': {
        const magic = readLE(b, 0, 4);
        if (magic === FRAME_MAGIC) return this.expect('descriptor', 1);
        if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) return this.expect('skippable-size', 4);
        throw new ZstdFormatError(`not a zstd frame (magic number ${magic.toString(16).padStart(8, '0')})`);
      }
      case 'skippable-size':
        this.skip = readLE(b, 0, 4);
        return this.expect('magic', 4);
      case 'descriptor': {
        const d = b[0] ?? 0;
        if (d & 0x08) throw new ZstdFormatError('a zstd frame header has its reserved bit set');
        const sizeFlag = d >> 6;
        this.single = (d & 0x20) !== 0;
        this.checksum = (d & 0x04) !== 0;
        this.dictionaryBytes = [0, 1, 2, 4][d & 0x03] ?? 0;
        this.sizeBytes = [this.single ? 1 : 0, 2, 4, 8][sizeFlag] ?? 0;
        return this.expect('header', (this.single ? 0 : 1) + this.dictionaryBytes + this.sizeBytes);
      }
      case 'header': {
        let window: number;
        if (this.single) {
          // The whole content is the window.
          const at = this.dictionaryBytes;
          window = this.sizeBytes === 8 ? readLE(b, at, 4) + readLE(b, at + 4, 4) * 2 ** 32 : readLE(b, at, this.sizeBytes);
          if (this.sizeBytes === 2) window += 256;
        } else {
          const descriptor = b[0] ?? 0;
          const base = 2 ** (10 + (descriptor >> 3));
          window = base + (base / 8) * (descriptor & 0x07);
        }
        if (window > this.maxWindow) {
          throw new ZstdFormatError(
            `a zstd frame asks for a ${mib(window)} window, above the ${mib(this.maxWindow)} that zstd itself decodes by default`,
          );
        }
        return this.expect('block', 3);
      }
      case 'block': {
        const header = readLE(b, 0, 3);
        const last = (header & 1) === 1;
        const type = (header >> 1) & 3;
        const size = header >>> 3;
        if (type === 3) throw new ZstdFormatError('a zstd block has the reserved block type');
        if (size > MAX_BLOCK_BYTES) throw new ZstdFormatError(`a zstd block of ${size} bytes is above the format's limit`);
        // RLE: one byte, repeated `size` times.
        this.skip = type === 1 ? 1 : size;
        if (!last) return this.expect('block', 3);
        return this.checksum ? this.expect('checksum', 4) : this.expect('magic', 4);
      }
      case 'checksum':
        return this.expect('magic', 4);
    }
  }
}

function readLE(b: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = value * 256 + (b[at + i] ?? 0);
  return value;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}
