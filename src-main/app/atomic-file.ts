/**
 * Writing a small file so that a reader (or a crash) sees the old content or
 * the new, never half of one: the library's atomic write (a temporary file
 * beside it, fsync, rename) in a private folder, then an fsync of the folder
 * so the rename itself survives a crash.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory, writeFileAtomically as writeWholeFile } from '../registry/disk/index';

export async function writeFileAtomically(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeWholeFile(path, data, { mode });
  await syncDirectory(dir);
}

/** Runs tasks one after another (for writes to one file). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
