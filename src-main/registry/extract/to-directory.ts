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
import { FileNotInImageError, ImageFileError } from '../files/errors';
import type { FlatItem } from './entry';
import { ExtractError } from './errors';
import { flattenImage, type FlattenOptions } from './flatten';
import { SafeWriter, type SkippedEntry, type WriteCounts } from './safe-writer';
import { Selection } from './selection';

export interface ExtractProgress {
  /** Compressed layer bytes read so far. */
  bytesRead: number;
  /** The sum of the layers' sizes, as the manifest gives them. */
  bytesTotal: number;
  /** Entries written so far (files, directories, symlinks, hard links). */
  entries: number;
}

export interface ExtractToDirectoryOptions {
  signal?: AbortSignal | undefined;
  onProgress?: (progress: ExtractProgress) => void;
  /** A layer's download broke and was resumed (transport/resumable.ts). */
  onResume?: BlobReadOptions['onResume'];
  /**
   * Only these parts of the flattened image: files, or directories with
   * everything below them (paths as the image has them: `etc/ssl`, or
   * `/etc/ssl`). Each is written below the target under its base name, as
   * `docker cp` does: `etc/ssl` lands at `<dir>/ssl`. A path the image does
   * not have, or one that cannot be written (a device node), fails the
   * extraction (FileNotInImageError, ImageFileError). A hard link whose target
   * lies outside gets the content itself, which may cost a second read of the
   * layers.
   */
  paths?: readonly string[];
}

export interface ExtractResult extends WriteCounts {
  /** Entries of the image that were not written, and why (unsafe paths, devices, dangling links...). */
  skipped: SkippedEntry[];
}

/** Progress at most this often, plus the first and the last. */
const PROGRESS_INTERVAL_MS = 100;

export async function extractToDirectory(image: Image, dir: string, opts: ExtractToDirectoryOptions = {}): Promise<ExtractResult> {
  const { signal } = opts;
  if (signal?.aborted) throw signal.reason;
  const target = resolve(dir);
  // Checked before anything is made on disk.
  const selection = opts.paths ? new Selection(opts.paths, target) : undefined;
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
    const flatten = (onDrop: FlattenOptions['onDrop']): AsyncGenerator<FlatItem> =>
      flattenImage(image, {
        ...(signal ? { signal } : {}),
        onBytes: (count) => progress.addBytes(count),
        ...(opts.onResume ? { onResume: opts.onResume } : {}),
        ...(onDrop ? { onDrop } : {}),
        keepHidden: true,
      });
    const write = async (items: AsyncIterable<FlatItem>): Promise<void> => {
      for await (const item of items) {
        if (signal?.aborted) throw signal.reason;
        await writer.write(item);
        progress.tick();
        progress.check();
      }
    };
    const skip = (path: string, reason: string): void => void writer.skip(path, reason);
    if (!selection) {
      await write(flatten(skip));
    } else {
      await write(selection.firstPass(flatten((path, reason) => selection.dropped(path, reason, skip))));
      if (selection.needsSecondPass) {
        progress.readAgain();
        await write(selection.secondPass(flatten(undefined)));
      }
      requireSelected(selection, writer.skipped);
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

/** Each selected path was written: present in the image, and not skipped itself. */
function requireSelected(selection: Selection, skipped: readonly SkippedEntry[]): void {
  const missing = selection.missingRoots()[0];
  if (missing) throw new FileNotInImageError(missing.path);
  for (const { path, base } of selection.roots) {
    const skip = skipped.find((s) => s.path === base);
    if (skip) throw new ImageFileError(`${path} cannot be written: ${skip.reason}`, path);
  }
}

class ProgressReporter {
  private bytesRead = 0;
  private bytesTotal: number;
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

  /** The layers are read a second time (hard links of a selection to content outside it): their bytes count twice. */
  readAgain(): void {
    this.bytesTotal += this.bytesTotal;
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
