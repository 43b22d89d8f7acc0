/**
 * Saving one layer to a file: as stored (usually .tar.gz) or decompressed to
 * .tar. The bytes go to a temporary name beside the target, are verified
 * against the layer's digest while they stream, flushed to disk, and only then
 * renamed: a failed or cancelled save leaves nothing under the final name.
 */
import type { Readable, Transform } from 'node:stream';
import { byteCounter } from './byte-counter';
import { writeStreamAtomically } from './disk/atomic-file';
import { diskError } from './disk/failure-words';
import { RegistryError } from './errors';
import { decompressorFor, describeDecompressError, detectCompression, peek, SNIFF_BYTES, type Compression } from './extract/decompress';
import type { Layer } from './image';
import type { BlobReadOptions } from './types';

export interface SaveLayerOptions {
  /** Write the uncompressed tar instead of the stored bytes. */
  decompress?: boolean;
  signal?: AbortSignal | undefined;
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
    const opened = await layer.open({ signal: opts.signal, ...(opts.onResume ? { onResume: opts.onResume } : {}) });
    let source: Readable = opened;
    let decompression: { stage: Transform; compression: Compression } | undefined;
    if (opts.decompress) {
      // The format is read from the first bytes, as for extraction: media types are often loose.
      const peeked = await peek(opened, SNIFF_BYTES);
      const compression = detectCompression(peeked.head);
      source = peeked.stream;
      try {
        decompression = { stage: decompressorFor(compression, layer.digest), compression };
      } catch (err) {
        source.destroy();
        throw err;
      }
    }
    const stages = [
      byteCounter((read) => opts.onProgress?.(read, layer.size)),
      ...(decompression ? [decompression.stage] : []),
      byteCounter((count) => {
        written = count;
      }),
    ];
    try {
      await writeStreamAtomically(path, source, stages, { mode: 0o644, signal: opts.signal });
    } catch (err) {
      // pipeline() destroys every stage with the first error, so a full disk also shows up on the
      // decompressor: only an error without a system call behind it is the decompressor's own.
      if (decompression && decompression.stage.errored === err && (err as NodeJS.ErrnoException).syscall === undefined) {
        throw describeDecompressError(err as Error, decompression.compression, layer.digest);
      }
      throw err;
    }
    return { path, bytes: written };
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (err instanceof RegistryError) throw err;
    throw diskError(err, { verb: 'save', path });
  }
}
