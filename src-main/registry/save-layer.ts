/**
 * Saving one layer to a file: as stored (usually .tar.gz) or decompressed to
 * .tar. The bytes go to a temporary name beside the target, are verified
 * against the layer's digest while they stream, flushed to disk, and only then
 * renamed: a failed or cancelled save leaves nothing under the final name.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryError } from './errors';
import { decompressorFor, describeDecompressError, detectCompression, peek, SNIFF_BYTES } from './extract/decompress';
import type { Layer } from './image';

export interface SaveLayerOptions {
  /** Write the uncompressed tar instead of the stored bytes. */
  decompress?: boolean;
  signal?: AbortSignal;
  /** Compressed bytes read so far, and the layer's size. */
  onProgress?: (done: number, total: number) => void;
}

export interface SaveLayerResult {
  path: string;
  /** Bytes written to the file. */
  bytes: number;
}

export async function saveLayer(layer: Layer, path: string, opts: SaveLayerOptions = {}): Promise<SaveLayerResult> {
  const temp = join(dirname(path), `.${basename(path)}.partial-${randomBytes(4).toString('hex')}`);
  let written = 0;
  try {
    const opened = await layer.open({ signal: opts.signal });
    let read = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        read += chunk.length;
        opts.onProgress?.(read, layer.size);
        callback(null, chunk);
      },
    });
    const count = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        written += chunk.length;
        callback(null, chunk);
      },
    });
    const out = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
    if (opts.decompress) {
      // The format is read from the first bytes, as for extraction: media types are often loose.
      const { head, stream: source } = await peek(opened, SNIFF_BYTES);
      const compression = detectCompression(head);
      const decompressor = decompressorFor(compression, layer.digest);
      try {
        await pipeline(source, meter, decompressor, count, out, { signal: opts.signal });
      } catch (err) {
        throw decompressor.errored === err ? describeDecompressError(err as Error, compression, layer.digest) : err;
      }
    } else {
      await pipeline(opened, meter, count, out, { signal: opts.signal });
    }
    const handle = await open(temp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return { path, bytes: written };
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw describeDiskError(err, path);
  }
}

/** Disk errors named for a person: a full disk, a folder that cannot be written. */
export function describeDiskError(err: unknown, path: string): unknown {
  const code = (err as { code?: string })?.code;
  if (code === 'ENOSPC') return new RegistryError(`The disk is full: could not write ${path}`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new RegistryError(`No permission to write in ${dirname(path)}`, { cause: err });
  if (code === 'ENOENT') return new RegistryError(`The folder ${dirname(path)} does not exist`, { cause: err });
  if (code === 'EROFS') return new RegistryError(`${dirname(path)} is on a read-only file system`, { cause: err });
  if (code === 'EEXIST') return new RegistryError(`${path} already exists`, { cause: err });
  return err;
}
