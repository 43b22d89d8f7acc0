/**
 * extractToDirectory(): the flattened filesystem of an image, written to disk
 * the safe way. Everything goes into a private temporary sibling of the
 * target, which is renamed to the target only when every layer has been read
 * and verified. A failed or cancelled extraction removes the temporary
 * directory and leaves the target as it was: there is never a half-written
 * tree under the final name.
 */
import { chmod, lstat, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Image } from '../image';
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
  await checkTarget(target);
  const temp = await makeTemporarySibling(target);
  const writer = new SafeWriter(temp, signal);
  try {
    const progress = new ProgressReporter(image, writer, opts.onProgress);
    const entries = flattenImage(image, {
      ...(signal ? { signal } : {}),
      onBytes: (count) => progress.addBytes(count),
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
    await moveIntoPlace(temp, target);
    return { ...writer.counts, skipped: writer.skipped };
  } catch (err) {
    // Writes still running would recreate what removeTree deletes: wait for them first.
    await writer.dispose().catch(() => undefined);
    await removeTree(temp);
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

/** The target must not exist, or be an empty directory (which the result then replaces). */
async function checkTarget(target: string): Promise<void> {
  let info;
  try {
    info = await lstat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return checkParent(target);
    throw describeWriteError(err, target);
  }
  if (info.isSymbolicLink()) throw new ExtractError(`${target} is a symlink: choose a new or empty folder`, target);
  if (!info.isDirectory()) throw new ExtractError(`${target} already exists and is not a folder`, target);
  const contents = await readdir(target);
  if (contents.length > 0) throw new ExtractError(`${target} is not empty: choose a new or empty folder`, target);
}

async function checkParent(target: string): Promise<void> {
  const parent = dirname(target);
  try {
    const info = await stat(parent);
    if (!info.isDirectory()) throw new ExtractError(`${parent} is not a folder`, target);
  } catch (err) {
    if (err instanceof ExtractError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ExtractError(`The folder ${parent} does not exist`, target);
    throw describeWriteError(err, target);
  }
}

/** File system errors in words for a person; anything else (registry, digest, format errors) passes as is. */
function describeWriteError(err: unknown, target: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const path = (err as NodeJS.ErrnoException | undefined)?.path;
  const where = path ? ` (${path})` : '';
  switch (code) {
    case 'ENOSPC':
      return new ExtractError(`The disk is full: could not extract into ${target}${where}`, target, { cause: err });
    case 'EDQUOT':
      return new ExtractError(`The disk quota is exhausted: could not extract into ${target}${where}`, target, { cause: err });
    case 'EROFS':
      return new ExtractError(`${dirname(target)} is on a read-only file system`, target, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new ExtractError(`No permission to write ${target}${where}`, target, { cause: err });
    case 'ENAMETOOLONG':
      return new ExtractError(`A path in the image is too long for this file system${where}`, target, { cause: err });
    default:
      return err;
  }
}

/** A sibling, so the final rename stays within one file system and one directory. mkdtemp makes it 0700. */
async function makeTemporarySibling(target: string): Promise<string> {
  try {
    return await mkdtemp(join(dirname(target), `.${basename(target)}.lading-extract-`));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new ExtractError(`No permission to create ${target}: the folder ${dirname(target)} is not writable`, target, { cause: err });
    }
    throw describeWriteError(err, target);
  }
}

async function moveIntoPlace(temp: string, target: string): Promise<void> {
  try {
    // Replaces an empty directory; fails (ENOTEMPTY/EEXIST) if something arrived there meanwhile.
    await rename(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new ExtractError(`${target} was created or filled by something else during the extraction`, target, { cause: err });
    }
    throw err;
  }
}

/**
 * Removes the temporary tree. If finish() already gave some directories
 * read-only modes, a non-root user cannot empty them: make them writable and
 * try again.
 */
async function removeTree(root: string): Promise<void> {
  try {
    await rm(root, { recursive: true, force: true });
    return;
  } catch {
    // fall through: restore write permission, then retry
  }
  await makeWritable(root).catch(() => undefined);
  await rm(root, { recursive: true, force: true }).catch(() => undefined);
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
