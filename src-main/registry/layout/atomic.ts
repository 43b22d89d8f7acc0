/**
 * Files that appear whole or not at all: written under a temporary name in
 * the same directory, flushed to disk, then renamed over the final name. A
 * crash, a full disk or a cancel leaves at most a temporary file, which is
 * removed on the way out; readers never see a half-written blob or index.
 */
import { createWriteStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tempPath } from './paths';

/** Runs `write(tempPath)`, then renames the temporary file over `finalPath`; on any failure removes it. */
async function writeAtomically(
  finalPath: string,
  write: (temp: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const temp = tempPath(dirname(finalPath));
  try {
    await write(temp);
    // The last moment a cancel still leaves everything as it was.
    signal?.throwIfAborted();
    await rename(temp, finalPath);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw signal?.aborted ? signal.reason : err;
  }
}

export function writeBytesAtomically(finalPath: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
  return writeAtomically(finalPath, async (temp) => {
    // 'wx': a temporary name that exists already belongs to someone else.
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(bytes);
      // Without the fsync, a crash after the rename can leave a named but empty file.
      await file.sync();
    } finally {
      await file.close();
    }
  }, signal);
}

/** Streams `source` through `stages` (e.g. a verifier) into the file; any stage's error discards the file. */
export function writeStreamAtomically(
  finalPath: string,
  source: Readable,
  stages: Transform[],
  signal?: AbortSignal,
): Promise<void> {
  return writeAtomically(finalPath, async (temp) => {
    // flush: fsync before close; the pipeline settles only after the close.
    const sink = createWriteStream(temp, { flags: 'wx', flush: true });
    await pipeline([source, ...stages, sink], signal ? { signal } : {});
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
