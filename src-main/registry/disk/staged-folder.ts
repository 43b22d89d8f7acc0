/**
 * A folder that appears whole or not at all: filled under a private
 * temporary sibling (temporary.ts), renamed into place at the end. A failed or
 * cancelled job discards the temporary, and the target is as it was.
 */
import { rename } from 'node:fs/promises';
import { errorCode } from '../error-code';
import { TargetFolderError } from './target-folder';
import { removeTree } from './remove-tree';
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
    // Best effort: a discard runs while another error is on its way out, which must not be replaced.
    discard: () => removeTree(path).catch(() => undefined),
  };
}
