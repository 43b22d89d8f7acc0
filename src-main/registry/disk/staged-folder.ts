/**
 * A folder that appears whole or not at all: filled under a private
 * temporary sibling (temporary.ts), renamed into place at the end. A failed or
 * cancelled job discards the temporary, and the target is as it was.
 */
import { chmod, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../error-code';
import { TargetFolderError } from './target-folder';
import { makeTemporaryFolder } from './temporary';

export interface StagedFolder {
  /** Where to write: the temporary folder. */
  readonly path: string;
  /** Renames it to the target (an empty folder there is replaced); fails if something else took the target meanwhile. */
  commit(): Promise<void>;
  /** Removes it, whatever modes its contents were given. */
  discard(): Promise<void>;
}

/** Stages a new `target` (checked with inspectTarget first: new, or an empty folder). */
export async function stageFolder(target: string): Promise<StagedFolder> {
  const path = await makeTemporaryFolder(target);
  return {
    path,
    async commit() {
      try {
        await rename(path, target);
      } catch (err) {
        const code = errorCode(err);
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
          throw new TargetFolderError(`${target} was created or filled by something else in the meantime`, target, 'taken', { cause: err });
        }
        throw err;
      }
    },
    discard: () => removeTree(path),
  };
}

/**
 * Removes a tree. A job may already have given some of its folders read-only
 * modes (an extraction restores the image's), which a non-root user cannot
 * empty: make them writable and try again.
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
