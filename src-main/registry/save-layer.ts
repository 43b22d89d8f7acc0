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
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { RegistryError } from './errors';
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
    const source = await layer.open({ signal: opts.signal });
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
      await pipeline(source, meter, decompressorFor(layer), count, out, { signal: opts.signal });
    } else {
      await pipeline(source, meter, count, out, { signal: opts.signal });
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
    if (isZlibError(err)) {
      // A raw zlib error would be the only non-RegistryError a save can end with.
      throw new RegistryError(`Layer ${layer.digest} could not be decompressed: ${err.message} (its stored bytes are not valid gzip)`, { cause: err });
    }
    throw describeDiskError(err, path);
  }
}

/** zlib's own errors carry codes like Z_DATA_ERROR ("incorrect header check") and Z_BUF_ERROR ("unexpected end of file"). */
function isZlibError(err: unknown): err is Error {
  const code = (err as { code?: unknown })?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

function decompressorFor(layer: Layer): Transform {
  if (/zstd/.test(layer.mediaType)) {
    throw new RegistryError(`Layer ${layer.digest} is zstd-compressed, which Node 20 cannot decompress: save it as stored`);
  }
  // An uncompressed tar layer (`...tar` without +gzip) is already what was asked for.
  return /gzip/.test(layer.mediaType) || !/tar$/.test(layer.mediaType) ? createGunzip() : new PassThrough();
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
