/**
 * One table of words for file-system failures, so that saving a layer,
 * writing an OCI layout and extracting an image say the same thing about the
 * same trouble. The words put first what a person can act on (the disk is
 * full, which folder refuses writes), then what could not be done and where.
 */
import { dirname } from 'node:path';
import { errorCode } from '../error-code';
import { RegistryError } from '../errors';

export interface DiskAction {
  /** What was being done, to finish "could not ...": `save`, `write`, `read`, `create`, `extract into`. */
  verb: string;
  /** The file or folder it was done to: the final name, not a temporary one. */
  path: string;
}

interface Where {
  /** The action's path. */
  path: string;
  /** The folder of the path the failed call named (where a temporary file or folder was being made). */
  folder: string;
  /** That path, when it is not the action's own (a name deep inside an extraction), in parentheses. */
  detail: string;
  reading: boolean;
}

const noPermission = (at: Where) => (at.reading ? 'Permission denied' : `No permission to write in ${at.folder}`);
const tooManyOpen = () => 'Too many files are open';

const WORDS: Readonly<Record<string, (at: Where) => string>> = {
  ENOSPC: () => 'The disk is full',
  EDQUOT: () => 'The disk quota is exhausted',
  EACCES: noPermission,
  EPERM: noPermission,
  EROFS: (at) => `${at.folder} is on a read-only file system`,
  ENOENT: (at) => (at.reading ? 'No such file' : `The folder ${at.folder} does not exist`),
  ENOTDIR: (at) => `A part of ${at.path} is not a folder`,
  ENAMETOOLONG: (at) => `A name is too long for this file system${at.detail}`,
  EEXIST: (at) => `${at.path} already exists`,
  EISDIR: (at) => `${at.path} is a folder`,
  EMFILE: tooManyOpen,
  ENFILE: tooManyOpen,
  EIO: () => 'The disk reported an input/output error',
};

/**
 * Words for a failed file-system call made while doing `action`; undefined
 * for what is not one (the library's own errors, a cancel, an error without
 * a code). A code the table does not know is named as it is.
 */
export function describeDiskFailure(err: unknown, action: DiskAction): string | undefined {
  if (err instanceof RegistryError || (err as Error | null)?.name === 'AbortError') return undefined;
  const code = errorCode(err);
  if (!code) return undefined;
  const words = WORDS[code];
  if (!words) return `Could not ${action.verb} ${action.path} (${code})`;
  const named = (err as { path?: unknown }).path;
  const failedAt = typeof named === 'string' ? named : action.path;
  const at: Where = {
    path: action.path,
    folder: dirname(failedAt),
    detail: failedAt !== action.path ? ` (${failedAt})` : '',
    reading: action.verb === 'read',
  };
  return `${words(at)}: could not ${action.verb} ${action.path}`;
}

/** A file-system failure as a RegistryError in those words (the errno error as its cause); anything else as it is. */
export function diskError(err: unknown, action: DiskAction): unknown {
  const words = describeDiskFailure(err, action);
  return words === undefined ? err : new RegistryError(words, { cause: err });
}
