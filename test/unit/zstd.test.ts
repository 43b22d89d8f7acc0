/**
 * zstd decoding for layers (src-main/registry/extract/zstd.ts): streams made
 * by the real `zstd` tool decode to their input whatever the chunking (one
 * frame, several frames, skippable frames, checksums); the frame guard
 * refuses windows above libzstd's default limit before anything is
 * allocated; truncated and mutated streams fail with a ZstdFormatError, never
 * with anything else and never by hanging.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  createZstdDecompressor,
  MAX_WINDOW_BYTES,
  ZstdFormatError,
  ZstdFrameGuard,
  zstdDecoderName,
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

async function decode(input: Buffer, chunkSize: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length; at += chunkSize) chunks.push(input.subarray(at, at + chunkSize));
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    createZstdDecompressor(64 * 1024),
    new Writable({
      write(chunk: Buffer, _enc, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

/** A frame header: magic, descriptor, then `rest`. */
function frameHeader(descriptor: number, rest: number[]): Buffer {
  return Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, ...rest]);
}

describe('zstd decoding', () => {
  it(`decodes what the zstd tool made, in chunks of any size (decoder here: ${zstdDecoderName()})`, async () => {
    const input = sample(600_000);
    const compressed = zstdCompress(input, ['-3', '--check']);
    for (const size of [1, 7, 4096, 65_536, compressed.length]) {
      expect((await decode(compressed, size)).equals(input), `chunks of ${size}`).toBe(true);
    }
  });

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
});
