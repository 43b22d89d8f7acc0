/**
 * File-system failures turned into the client's typed errors, so a caller of
 * a layout catches the same classes as with a registry, with the path in the
 * message (a person has to find the folder).
 */
import { errorCode } from '../error-code';
import { RegistryError, RepositoryNotFoundError } from '../errors';

export function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function layoutNotFound(dir: string, why: string, cause?: unknown): RepositoryNotFoundError {
  return new RepositoryNotFoundError(`Not found: OCI image layout ${dir} (${why})`, cause === undefined ? {} : { cause });
}

/**
 * Wraps a file-system error (EACCES, ENOSPC, EROFS...) as a RegistryError
 * naming what was being done; errors that are already typed, and aborts,
 * pass through unchanged.
 */
export function fsError(err: unknown, doing: string): unknown {
  if (err instanceof RegistryError) return err;
  const code = errorCode(err);
  if (!code || (err as Error).name === 'AbortError') return err;
  const hint = code === 'ENOSPC' ? ': the disk is full'
    : code === 'EACCES' || code === 'EPERM' ? ': permission denied'
      : code === 'EROFS' ? ': the file system is read-only'
        : '';
  return new RegistryError(`Could not ${doing}${hint} (${code})`, { cause: err });
}
