/**
 * Files that appear whole or not at all: written under a temporary name in
 * the same directory, flushed to disk, then renamed over the final name. A
 * crash, a full disk or a cancel leaves at most a temporary file, which is
 * removed on the way out; readers never see a half-written blob or index.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tempPath } from './paths';

export async function writeAtomically(
  finalPath: string,
  write: (file: FileHandle) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const temp = tempPath(dirname(finalPath));
  // 'wx': a temporary name that exists already belongs to someone else.
  let file: FileHandle | undefined = await open(temp, 'wx');
  try {
    await write(file);
    // Without the fsync, a crash after the rename can leave a named but empty file.
    await file.sync();
    await file.close();
    file = undefined;
    // The last moment a cancel still leaves everything as it was.
    signal?.throwIfAborted();
    await rename(temp, finalPath);
  } catch (err) {
    await file?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw signal?.aborted ? signal.reason : err;
  }
}

export function writeBytesAtomically(finalPath: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
  return writeAtomically(finalPath, async (file) => {
    await file.writeFile(bytes);
  }, signal);
}

/** Streams `source` through `stages` (e.g. a verifier) into the file; any stage's error discards the file. */
export function writeStreamAtomically(
  finalPath: string,
  source: Readable,
  stages: Transform[],
  signal?: AbortSignal,
): Promise<void> {
  return writeAtomically(finalPath, async (file) => {
    // autoClose off: the handle must stay open for the fsync after the last byte.
    const sink = file.createWriteStream({ autoClose: false });
    try {
      await pipeline([source, ...stages, sink], signal ? { signal } : {});
    } catch (err) {
      if (!source.destroyed) source.destroy();
      throw err;
    }
  }, signal);
}

/**
 * Makes a rename durable: flushes the directory entry. Not possible on every
 * platform (Windows cannot open a directory), where it is skipped.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Durability is best effort here; the data itself was fsync'd.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
