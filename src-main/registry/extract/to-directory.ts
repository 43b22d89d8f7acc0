/**
 * extractToDirectory(): the flattened filesystem of an image, written to disk
 * the safe way. Everything goes into a private temporary sibling of the
 * target, which is renamed to the target only when every layer has been read
 * and verified. A failed or cancelled extraction removes the temporary
 * directory and leaves the target as it was: there is never a half-written
 * tree under the final name.
 */
import { resolve } from 'node:path';
import { describeDiskFailure } from '../disk/failure-words';
import { stageFolder } from '../disk/staged-folder';
import { TargetFolderError, requireNewOrEmptyFolder } from '../disk/target-folder';
import type { Image } from '../image';
import type { BlobReadOptions } from '../types';
import { ExtractError } from './errors';
import { flattenImage } from './flatten';
import { SafeWriter, type SkippedEntry, type WriteCounts } from './safe-writer';

export interface ExtractProgress {
  /** Compressed layer bytes read so far. */
  bytesRead: number;
  /** The sum of the layers' sizes, as the manifest gives them. */
  bytesTotal: number;
  /** Entries written so far (files, directories, symlinks, hard links). */
  entries: number;
}

export interface ExtractToDirectoryOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExtractProgress) => void;
  /** A layer's download broke and was resumed (transport/resumable.ts). */
  onResume?: BlobReadOptions['onResume'];
}

export interface ExtractResult extends WriteCounts {
  /** Entries of the image that were not written, and why (unsafe paths, devices, dangling links...). */
  skipped: SkippedEntry[];
}

/** Progress at most this often, plus the first and the last. */
const PROGRESS_INTERVAL_MS = 100;

export async function extractToDirectory(
  image: Image,
  dir: string,
  opts: ExtractToDirectoryOptions = {},
): Promise<ExtractResult> {
  const { signal } = opts;
  if (signal?.aborted) throw signal.reason;
  const target = resolve(dir);
  let staged;
  try {
    await requireNewOrEmptyFolder(target);
    staged = await stageFolder(target);
  } catch (err) {
    throw describeWriteError(err, target);
  }
  const writer = new SafeWriter(staged.path, signal);
  try {
    const progress = new ProgressReporter(image, writer, opts.onProgress);
    const entries = flattenImage(image, {
      ...(signal ? { signal } : {}),
      onBytes: (count) => progress.addBytes(count),
      ...(opts.onResume ? { onResume: opts.onResume } : {}),
      onDrop: (path, reason) => writer.skip(path, reason),
      keepHidden: true,
    });
    for await (const item of entries) {
      if (signal?.aborted) throw signal.reason;
      await writer.write(item);
      progress.tick();
      progress.check();
    }
    await writer.finish();
    progress.report();
    progress.check();
    if (signal?.aborted) throw signal.reason;
    await staged.commit();
    return { ...writer.counts, skipped: writer.skipped };
  } catch (err) {
    // Writes still running would recreate what discard() deletes: wait for them first.
    await writer.dispose().catch(() => undefined);
    await staged.discard();
    if (signal?.aborted) throw signal.reason;
    throw describeWriteError(err, target);
  } finally {
    await writer.dispose().catch(() => undefined);
  }
}

class ProgressReporter {
  private bytesRead = 0;
  private readonly bytesTotal: number;
  private last = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    image: Image,
    private readonly writer: SafeWriter,
    private readonly listener: ((progress: ExtractProgress) => void) | undefined,
  ) {
    this.bytesTotal = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  }

  addBytes(count: number): void {
    this.bytesRead += count;
    this.tick();
  }

  tick(): void {
    if (!this.listener) return;
    const now = Date.now();
    if (this.last !== 0 && now - this.last < PROGRESS_INTERVAL_MS) return;
    this.report(now);
  }

  report(now = Date.now()): void {
    this.last = now;
    try {
      this.listener?.({ bytesRead: this.bytesRead, bytesTotal: this.bytesTotal, entries: this.writer.written });
    } catch (err) {
      // Byte counts arrive inside a stream's 'data' event, where a throw would crash the
      // process: keep it, and let check() throw it where the extraction can clean up.
      this.failure ??= { error: err };
    }
  }

  /** Throws what the listener threw, if it did. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** File-system failures in the shared words (disk/failure-words.ts); anything else (registry, digest, format errors) passes as is. */
function describeWriteError(err: unknown, target: string): unknown {
  if (err instanceof TargetFolderError) return new ExtractError(err.message, target, { cause: err });
  const words = describeDiskFailure(err, { verb: 'extract into', path: target });
  return words === undefined ? err : new ExtractError(words, target, { cause: err });
}
