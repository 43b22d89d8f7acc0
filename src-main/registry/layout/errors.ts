/**
 * A layout's "not found": a missing folder or file is the registry's
 * RepositoryNotFoundError, so a caller of a layout catches the same classes
 * as with a registry. Other file-system failures are worded by
 * disk/failure-words.ts.
 */
import { errorCode } from '../error-code';
import { RepositoryNotFoundError } from '../errors';

export function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function layoutNotFound(dir: string, why: string, cause?: unknown): RepositoryNotFoundError {
  return new RepositoryNotFoundError(`Not found: OCI image layout ${dir} (${why})`, cause === undefined ? {} : { cause });
}
