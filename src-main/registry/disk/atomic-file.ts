/**
 * Files that appear whole or not at all: written under a temporary name
 * beside the final one (temporary.ts), flushed to disk, then renamed over the
 * final name. A failure or a cancel removes the temporary file on the way
 * out; readers never see half a file, and a crash leaves at most a
 * temporary. Making the rename itself durable is syncDirectory's job, for
 * callers that need it (a file others will look up by name).
 */
import { createWriteStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { temporaryPath } from './temporary';

export interface AtomicWriteOptions {
  /** The new file's mode (before the umask). Default 0o666. */
  mode?: number;
  /** A cancel before the rename leaves everything as it was and rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * Flush to disk before the rename (default). A cache whose files carry their own checksum may skip
   * it: after a crash such a file may be empty or short under its name, and is then a miss.
   */
  sync?: boolean;
}

/** Writes `data` (several parts go out in one writev, without being joined first). */
export function writeFileAtomically(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  opts: AtomicWriteOptions = {},
): Promise<void> {
  return writeAtomically(path, opts, async (temp) => {
    // 'wx': a temporary name that exists already belongs to someone else.
    const file = await open(temp, 'wx', opts.mode);
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await file.writeFile(data);
      else await file.writev([...data]);
      // Without the fsync, a crash after the rename can leave a named but empty file.
      if (opts.sync !== false) await file.sync();
    } finally {
      await file.close();
    }
  });
}

/** Streams `source` through `stages` (a verifier, a decompressor...) into the file; any stage's error discards it. */
export function writeStreamAtomically(path: string, source: Readable, stages: Transform[], opts: AtomicWriteOptions = {}): Promise<void> {
  return writeAtomically(path, opts, async (temp) => {
    // flush: fsync before close; the pipeline settles only after the close.
    const sink = createWriteStream(temp, { flags: 'wx', flush: true, ...(opts.mode === undefined ? {} : { mode: opts.mode }) });
    await pipeline([source, ...stages, sink], opts.signal ? { signal: opts.signal } : {});
  });
}

async function writeAtomically(path: string, opts: AtomicWriteOptions, write: (temp: string) => Promise<void>): Promise<void> {
  const temp = temporaryPath(path);
  try {
    await write(temp);
    // The last moment a cancel still leaves everything as it was.
    opts.signal?.throwIfAborted();
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw opts.signal?.aborted ? opts.signal.reason : err;
  }
}

/**
 * Makes a rename durable: flushes the directory entry. Best effort: Windows
 * cannot open a directory and some file systems refuse the fsync; the data
 * itself was flushed already.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // See above: the rename has happened; only its durability is unknown.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
