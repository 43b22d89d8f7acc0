/**
 * Removing a file or a whole tree that a job of ours wrote, whatever modes it
 * was given on the way: a staged folder being discarded, the temporaries a
 * crash left behind.
 */
import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes a tree (or a file); a path that is not there is no error. A job may
 * already have given some of its folders read-only modes (an extraction
 * restores the image's), which a non-root user cannot empty: make them
 * writable and try again. Symlinks are removed, never followed.
 */
export async function removeTree(root: string): Promise<void> {
  try {
    await rm(root, { recursive: true, force: true });
    return;
  } catch {
    // fall through: restore write permission, then retry
  }
  await makeWritable(root).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
}

async function makeWritable(dir: string): Promise<void> {
  // chmod follows a symlink: only a real folder gets its mode changed.
  if (!(await lstat(dir)).isDirectory()) return;
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
