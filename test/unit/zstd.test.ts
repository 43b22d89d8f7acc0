/**
 * zstd decoding for layers (src-main/registry/extract/zstd.ts): streams made
 * by the real `zstd` tool decode to their input whatever the chunking (one
 * frame, several frames, skippable frames, checksums); the frame guard
 * refuses windows above libzstd's default limit before anything is
 * allocated; truncated and mutated streams fail with a ZstdFormatError, never
 * with anything else and never by hanging. Each runs for every decoder this
 * runtime has (node:zlib's zstd where it exists, zstd-napi, fzstd): the
 * fallback reads the same streams. On Node 20 the decoder in use must be
 * zstd-napi: a failed native build fails here, naming the package.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import {
  availableZstdDecoders,
  canReuseChunks,
  chooseZstdDecoder,
  MAX_WINDOW_BYTES,
  ZstdFormatError,
  ZstdFrameGuard,
  zstdDecoder,
  type ZstdDecoder,
} from '../../src-main/registry/extract/zstd';
import { requireTool } from '../harness/tools.js';

function zstdCompress(input: Buffer, args: string[] = ['-3']): Buffer {
  const tool = requireTool('zstd', 'zstd');
  const result = spawnSync(tool, ['-q', '-c', ...args], { input, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Compressible but not trivial: text-like lines with some noise. */
function sample(size: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line = `line ${i} ${randomBytes(4).toString('hex')} the quick brown fox ${i % 97}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

function chunksOf(input: Buffer, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length; at += chunkSize) chunks.push(input.subarray(at, at + chunkSize));
  return chunks;
}

async function decodeWith(decoder: ZstdDecoder, input: Buffer, chunkSize: number): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunksOf(input, chunkSize)),
    decoder.create(64 * 1024),
    new Writable({
      write(chunk: Buffer, _enc, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

/**
 * The same, read as readLayerEntries reads a decoder that can reuse its
 * output buffer: pulled, each chunk copied before the next pull (the next
 * pull decodes into the same memory).
 */
async function decodePulled(decoder: ZstdDecoder, input: Buffer, chunkSize: number): Promise<Buffer> {
  const d = decoder.create(64 * 1024);
  if (!canReuseChunks(d)) throw new Error(`${decoder.name} cannot be pulled`);
  const chunks = d.reusingChunks();
  // A failure reaches the reader through the pull; the stream's own 'error' event is heard too,
  // as readLayerEntries hears it (unheard, it would be an uncaught exception).
  d.on('error', () => undefined);
  Readable.from(chunksOf(input, chunkSize)).pipe(d);
  const out: Buffer[] = [];
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    out.push(Buffer.from(next.value));
  }
  return Buffer.concat(out);
}

type ReadMode = 'stream' | 'pulled';

/** Every decoder of this runtime read as a stream, and those that can reuse their buffer also pulled. */
function decoderCases(): [string, ZstdDecoder, ReadMode][] {
  return availableZstdDecoders().flatMap((d): [string, ZstdDecoder, ReadMode][] => {
    const stream: [string, ZstdDecoder, ReadMode] = [d.name, d, 'stream'];
    return canReuseChunks(d.create(1024)) ? [stream, [`${d.name}, pulled (decoded on its thread)`, d, 'pulled']] : [stream];
  });
}

/** A frame header: magic, descriptor, then `rest`. */
function frameHeader(descriptor: number, rest: number[]): Buffer {
  return Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, ...rest]);
}

describe('the zstd decoder in use', () => {
  it('is node:zlib where the runtime has it, else zstd-napi (the native build worked)', () => {
    const { name, fallbackReason } = zstdDecoder();
    const expected = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? 'node:zlib' : 'zstd-napi';
    // On a failed build the reason names the package and the fix.
    expect({ name, fallbackReason }).toEqual({ name: expected, fallbackReason: undefined });
  });

  it('falls back to fzstd, saying why, when zstd-napi does not load', async () => {
    const missing = chooseZstdDecoder(() => {
      throw new Error("Cannot find module 'zstd-napi/binding'\nRequire stack: ...");
    }, false);
    expect(missing.name).toBe('fzstd');
    expect(missing.fallbackReason).toBe(
      "zstd-napi did not load (Cannot find module 'zstd-napi/binding'): run `npm rebuild zstd-napi` (it needs python3, make and g++)",
    );
    const input = sample(100_000);
    expect((await decodeWith(missing, zstdCompress(input), 4096)).equals(input)).toBe(true);
    // A binary that loads but cannot make a context is caught at the choice, not in the first layer.
    const broken = chooseZstdDecoder(
      () =>
        ({
          DCtx: class {
            constructor() {
              throw new Error('bad ABI');
            }
          },
        }) as never,
      false,
    );
    expect([broken.name, broken.fallbackReason]).toEqual(['fzstd', expect.stringContaining('(bad ABI)')]);
  });
});

describe.each(decoderCases())('zstd decoding with %s', (name, decoder, mode) => {
  const decode = (input: Buffer, chunkSize: number): Promise<Buffer> =>
    mode === 'pulled' ? decodePulled(decoder, input, chunkSize) : decodeWith(decoder, input, chunkSize);

  it('decodes what the zstd tool made, in chunks of any size', async () => {
    const input = sample(600_000);
    const compressed = zstdCompress(input, ['-3', '--check']);
    for (const size of [1, 7, 4096, 65_536, compressed.length]) {
      expect((await decode(compressed, size)).equals(input), `chunks of ${size}`).toBe(true);
    }
  });

  // Pulled, it is read by its own iterator (decodePulled above).
  if (mode === 'stream') {
    it('decodes when read through its async iterator', async () => {
      // Read this way, a chunk that ends with no bytes left to give once left the stream waiting for ever.
      const input = Buffer.concat([sample(3_000_000), randomBytes(1_000_000), sample(3_000_000)]);
      const compressed = zstdCompress(input, ['-3']);
      const d = decoder.create(64 * 1024);
      Readable.from(chunksOf(compressed, 64 * 1024)).pipe(d);
      const out: Buffer[] = [];
      for await (const chunk of d) out.push(chunk as Buffer);
      expect(Buffer.concat(out).equals(input)).toBe(true);
    });
  }

  it('decodes several frames one after another, skippable frames included', async () => {
    const a = sample(100_000);
    const b = randomBytes(50_000); // incompressible: raw blocks
    const skippable = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 5, 0, 0, 0]), Buffer.from('hello')]);
    const stream = Buffer.concat([zstdCompress(a), skippable, zstdCompress(b, ['-19']), zstdCompress(Buffer.alloc(0))]);
    expect((await decode(stream, 3000)).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('refuses a frame whose window is above the limit, before decoding it', async () => {
    // Window descriptor 0x88: exponent 17 -> 2^27, mantissa 0 -> 128 MiB: allowed. 0x89: 144 MiB: refused.
    expect(() => new ZstdFrameGuard().feed(frameHeader(0x00, [0x88]))).not.toThrow();
    expect(() => new ZstdFrameGuard().feed(frameHeader(0x00, [0x89]))).toThrow(/144 MiB window, above the 128 MiB/);
    // Exponent 31: a 2 GiB window.
    expect(() => new ZstdFrameGuard().feed(frameHeader(0x00, [0xf8]))).toThrow(ZstdFormatError);
    // Single segment: the content size is the window; 8-byte size field of 1 TiB.
    expect(() => new ZstdFrameGuard().feed(frameHeader(0xe0, [0, 0, 0, 0, 0, 1, 0, 0]))).toThrow(/window/);
    await expect(decode(Buffer.concat([frameHeader(0x00, [0xf8]), Buffer.alloc(64)]), 16)).rejects.toThrow(ZstdFormatError);
    expect(MAX_WINDOW_BYTES).toBe(128 * 1024 * 1024);
  });

  it('a real stream made with a window above the limit is refused (zstd --long=28)', async () => {
    const compressed = zstdCompress(sample(10_000), ['-3', '--long=28', '--no-content-size']);
    await expect(decode(compressed, 4096)).rejects.toThrow(/256 MiB window/);
  });

  it('truncated streams and reserved bits fail with a ZstdFormatError', async () => {
    const compressed = zstdCompress(sample(200_000));
    for (const cut of [3, 5, 20, compressed.length - 1]) {
      await expect(decode(compressed.subarray(0, cut), 1000), `cut at ${cut}`).rejects.toBeInstanceOf(ZstdFormatError);
    }
    // The reserved bit of the frame header descriptor.
    await expect(decode(frameHeader(0x08, [0x50, 0, 0, 0]), 16)).rejects.toThrow(/reserved bit/);
    // Not zstd at all.
    await expect(decode(Buffer.from('not zstd at all, just text'), 8)).rejects.toThrow(/not a zstd frame/);
  });

  it('mutated streams either decode or fail with a ZstdFormatError, and never hang', async () => {
    const input = sample(50_000);
    const compressed = zstdCompress(input);
    let failures = 0;
    for (let round = 0; round < 300; round++) {
      const mutated = Buffer.from(compressed);
      for (let i = 0; i < 1 + (round % 4); i++) {
        const at = Math.floor(Math.random() * mutated.length);
        mutated[at] = Math.floor(Math.random() * 256);
      }
      try {
        await decode(mutated, 1 + (round % 5000));
      } catch (err) {
        failures++;
        expect(err, `round ${round}`).toBeInstanceOf(ZstdFormatError);
      }
    }
    expect(failures).toBeGreaterThan(0);
  }, 60_000);

  // fzstd hands on every block of a chunk at once: only the native decoders wait for their reader.
  if (name !== 'fzstd' && mode === 'stream') {
    it('holds output back until it is read: 1 GiB of zeros from 32 KiB of zstd', async () => {
      const size = 2 ** 30;
      const compressed = zstdCompress(Buffer.alloc(size >> 6), ['-19', '--no-check']);
      // 64 copies of a 16 MiB frame: zstd's own tool would take a while to make a 1 GiB one.
      const stream = Buffer.concat(Array.from({ length: 64 }, () => compressed));
      expect(stream.length).toBeLessThan(64 * 1024);
      const d = decoder.create(64 * 1024);
      let total = 0;
      const first = new Promise<void>((resolve) => {
        d.once('data', (chunk: Buffer) => {
          total += chunk.length;
          d.pause();
          resolve();
        });
      });
      d.end(stream);
      await first;
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The reader stopped after one chunk: a chunk or two wait, not the gigabyte.
      expect(d.readableLength).toBeLessThanOrEqual(2 * 64 * 1024);
      for await (const chunk of d) total += (chunk as Buffer).length;
      expect(total).toBe(size);
    }, 30_000);
  }
});

describe('zstd-napi pulled, decoded on its thread (as readLayerEntries reads it)', () => {
  const napi = availableZstdDecoders().find((d) => d.name === 'zstd-napi');

  it('is there on this runtime, and its stream offers the pull', () => {
    // zstd-napi is built at npm ci; without it, the first describe names the fix.
    expect(napi?.name).toBe('zstd-napi');
    expect(canReuseChunks(napi!.create(1024))).toBe(true);
  });

  it('decodes only as far as pulled: 1 GiB of zeros from 32 KiB, a few buffers in memory at any time', async () => {
    const size = 2 ** 30;
    const frame = zstdCompress(Buffer.alloc(size >> 6), ['-19', '--no-check']);
    const stream = Buffer.concat(Array.from({ length: 64 }, () => frame));
    const d = napi!.create(64 * 1024);
    if (!canReuseChunks(d)) throw new Error('zstd-napi cannot be pulled');
    const chunks = d.reusingChunks();
    const before = process.memoryUsage().arrayBuffers;
    let most = 0;
    d.end(stream);
    let total = 0;
    for (let n = 0; ; n++) {
      const next = await chunks.next();
      if (next.done) break;
      total += next.value.length;
      if (n === 0) {
        // The reader pauses after one chunk: the thread fills its few buffers and waits.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(d.readableLength).toBe(0);
      }
      if (n % 256 === 0) most = Math.max(most, process.memoryUsage().arrayBuffers - before);
    }
    expect(total).toBe(size);
    // Buffers (chunks on their way, the input) stay within a few MB while the whole GiB passes.
    expect(most).toBeLessThan(8 * 1024 * 1024);
  }, 30_000);

  it('cannot be switched to once input has arrived', async () => {
    const d = napi!.create(64 * 1024);
    if (!canReuseChunks(d)) throw new Error('zstd-napi cannot be pulled');
    d.write(zstdCompress(sample(1000)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => d.reusingChunks()).toThrow(/before any input/);
    d.destroy();
  });
});
