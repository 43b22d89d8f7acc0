/**
 * The checks a job runs on the folder it was given, before any download: the
 * folder to save into must exist; the folder to create (an extraction, a new
 * OCI layout) must be new or empty. One error class for what they find, whose
 * `problem` says which, so the library and the app word it the same way.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorCode } from '../error-code';
import { RegistryError } from '../errors';

/**
 * `missing`: a folder that must exist does not; `not-a-folder`: it is a file;
 * `occupied`: a target to create is a file or a symlink; `not-empty`: it is a
 * folder with something in it; `taken`: it was created or filled while the
 * job ran (staged-folder.ts).
 */
export type FolderProblem = 'missing' | 'not-a-folder' | 'occupied' | 'not-empty' | 'taken';

export class TargetFolderError extends RegistryError {
  override name = 'TargetFolderError';

  constructor(
    message: string,
    /** The folder the message is about. */
    readonly path: string,
    readonly problem: FolderProblem,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** `path` must be an existing folder. */
export async function requireFolder(path: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new TargetFolderError(`The folder ${path} does not exist`, path, 'missing', { cause: err });
    throw err;
  }
  if (!isFolder) throw new TargetFolderError(`${path} is not a folder`, path, 'not-a-folder');
}

/** What is at the path of a folder to create: nothing yet (in an existing folder), an empty folder, or a folder with `entries`. */
export type TargetState = { kind: 'new' } | { kind: 'empty' } | { kind: 'filled'; entries: string[] };

/** Looks at a folder to create; a file or a symlink there, or a missing parent, is a TargetFolderError. */
export async function inspectTarget(path: string): Promise<TargetState> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    const code = errorCode(err);
    // ENOTDIR: a part of the path is a file; the parent's check says which.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    await requireFolder(dirname(path));
    return { kind: 'new' };
  }
  if (info.isSymbolicLink()) throw new TargetFolderError(`${path} is a symlink: choose a new or empty folder`, path, 'occupied');
  if (!info.isDirectory())
    throw new TargetFolderError(`${path} already exists and is not a folder: choose a new or empty folder`, path, 'occupied');
  const entries = await readdir(path);
  return entries.length === 0 ? { kind: 'empty' } : { kind: 'filled', entries };
}

/** A folder to create must not exist yet (in an existing folder), or be empty. */
export async function requireNewOrEmptyFolder(path: string): Promise<void> {
  if ((await inspectTarget(path)).kind === 'filled') {
    throw new TargetFolderError(`${path} is not empty: choose a new or empty folder`, path, 'not-empty');
  }
}
