/**
 * One zstd decoder of bench/zstd.ts, in a process of its own: decodes the
 * file `--file` (streamed in 64 KiB reads) and counts the bytes out.
 * `--decoder lading` is what Lading uses on this runtime (node:zlib's zstd
 * where it exists, else zstd-napi), read as the layer reader reads it: pulled
 * where the decoder offers that (zstd-napi: decoded on its own thread into
 * reused buffers), else as a stream; `lading-stream` is the same decoder read
 * as a stream (a new buffer per chunk, on the calling thread); `lading-fallback` is Lading's fzstd path
 * (taken when zstd-napi does not load); `fzstd` is fzstd alone; the others
 * are candidates: zstd-napi's own DecompressStream, and zstd-codec (WASM),
 * loaded only if installed (`npm i --no-save zstd-codec`).
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decompress } from 'fzstd';
import { canReuseChunks, chooseZstdDecoder, createZstdDecompressor, zstdDecoderName } from '../../src-main/registry/extract/zstd';
import { args, measure, need } from './report';

const a = args();
const require = createRequire(import.meta.url);

async function decoder(name: string): Promise<Transform | ((chunk: Buffer | null) => void)> {
  switch (name) {
    case 'lading':
    case 'lading-stream':
      return createZstdDecompressor(64 * 1024);
    case 'lading-fallback':
      return chooseZstdDecoder(() => {
        throw new Error('not wanted');
      }, false).create(64 * 1024);
    case 'fzstd': {
      const d = new Decompress((block) => (bytes += block.length));
      return (chunk) => (chunk ? d.push(chunk) : d.push(new Uint8Array(0), true));
    }
    case 'zstd-codec': {
      const streams = await new Promise<{ ZstdDecompressTransform: new () => Transform }>((resolve) => {
        (require('zstd-codec/lib/zstd-stream') as { run: (f: (s: never) => void) => void }).run(resolve);
      });
      return new streams.ZstdDecompressTransform();
    }
    case 'zstd-napi-stream':
      return new (require('zstd-napi') as { DecompressStream: new () => Transform }).DecompressStream();
    default:
      throw new Error(`unknown --decoder ${name}`);
  }
}

let bytes = 0;
await measure(async () => {
  const name = need(a, 'decoder');
  const d = await decoder(name);
  const source = createReadStream(need(a, 'file'), { highWaterMark: 64 * 1024 });
  if (name === 'lading' && typeof d !== 'function' && canReuseChunks(d)) {
    const chunks = d.reusingChunks();
    source.pipe(d);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) bytes += next.value.length;
  } else if (typeof d === 'function') {
    for await (const chunk of source) d(chunk as Buffer);
    d(null);
  } else {
    await pipeline(
      source,
      d,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback();
        },
      }),
    );
  }
  return { bytes, runtimeDecoder: zstdDecoderName() };
});
