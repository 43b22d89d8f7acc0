/**
 * Saving one layer to a file: as stored (usually .tar.gz) or decompressed to
 * .tar. The bytes go to a temporary name beside the target, are verified
 * against the layer's digest while they stream, flushed to disk, and only then
 * renamed: a failed or cancelled save leaves nothing under the final name.
 */
import { PassThrough, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { byteCounter } from './byte-counter';
import { writeStreamAtomically } from './disk/atomic-file';
import { diskError } from './disk/failure-words';
import { RegistryError } from './errors';
import type { Layer } from './image';
import type { BlobReadOptions } from './types';

export interface SaveLayerOptions {
  /** Write the uncompressed tar instead of the stored bytes. */
  decompress?: boolean;
  signal?: AbortSignal;
  /** Compressed bytes read so far, and the layer's size. */
  onProgress?: (done: number, total: number) => void;
  /** The download broke and was resumed (transport/resumable.ts). */
  onResume?: BlobReadOptions['onResume'];
}

export interface SaveLayerResult {
  path: string;
  /** Bytes written to the file. */
  bytes: number;
}

export async function saveLayer(layer: Layer, path: string, opts: SaveLayerOptions = {}): Promise<SaveLayerResult> {
  let written = 0;
  try {
    // Before any download: a layer that cannot be decompressed fails at once.
    const decompressor = opts.decompress ? [decompressorFor(layer)] : [];
    const source = await layer.open({ signal: opts.signal, ...(opts.onResume ? { onResume: opts.onResume } : {}) });
    const stages = [
      byteCounter((read) => opts.onProgress?.(read, layer.size)),
      ...decompressor,
      byteCounter((count) => {
        written = count;
      }),
    ];
    await writeStreamAtomically(path, source, stages, { mode: 0o644, signal: opts.signal });
    return { path, bytes: written };
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (isZlibError(err)) {
      // A raw zlib error would be the only non-RegistryError a save can end with.
      throw new RegistryError(`Layer ${layer.digest} could not be decompressed: ${err.message} (its stored bytes are not valid gzip)`, { cause: err });
    }
    throw diskError(err, { verb: 'save', path });
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
