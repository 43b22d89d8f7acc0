/**
 * Turning anything thrown into the contract's error shape: a code, a message
 * for a person, a few details. The registry client's typed errors supply
 * their own messages (already free of credentials); file-system errors are
 * named for what failed; nothing carries a stack or a cause chain.
 */
import type { AppError, ErrorCode, ErrorDetails } from '../../src-shared/errors';
import {
  AccessDeniedError,
  CatalogNotSupportedError,
  ConnectionError,
  DeleteNotSupportedError,
  DigestMismatchError,
  ExtractError,
  FileDeletedError,
  FileNotInImageError,
  ImageFileError,
  ImageNotFoundError,
  InvalidManifestError,
  InvalidPublicKeyError,
  InvalidReferenceError,
  RegistryError,
} from '../registry/index';
import { causeChain, errorCode } from '../registry/error-code';
import { TargetFolderError, type FolderProblem } from '../registry/disk/index';

/** An error the services throw on purpose, with its contract code. */
export class AppFailure extends Error {
  override name = 'AppFailure';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }
}

/** The reason a job's AbortController is aborted with when a person cancels it. */
export class CancelledError extends AppFailure {
  override name = 'CancelledError';
  constructor(message = 'Cancelled') {
    super('cancelled', message);
  }
}

const MAX_MESSAGE = 2000;

/** What the library's target-folder checks found, in the contract's codes. */
const FOLDER_PROBLEM_CODES: Record<FolderProblem, ErrorCode> = {
  missing: 'not-found',
  'not-a-folder': 'invalid-input',
  occupied: 'exists',
  'not-empty': 'exists',
  taken: 'exists',
};

const DISK_CODES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EDQUOT', 'EISDIR', 'ENOTDIR', 'EMFILE', 'EIO', 'EXDEV', 'ENOTEMPTY']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|EPROTO/i;

/** The innermost file-system code in an error and its causes (the registry wraps them). */
function fsCode(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    const code = errorCode(e);
    if (code && (DISK_CODES.has(code) || code === 'ENOENT' || code === 'EEXIST')) return code;
  }
  return undefined;
}

export function isAbort(err: unknown): boolean {
  if (err instanceof CancelledError) return true;
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'AbortError' || (err instanceof DOMException && err.name === 'AbortError');
}

function clip(message: string): string {
  const oneLine = message.replace(/\s*\n\s*at .*$/s, '');
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine;
}

function registryDetails(err: RegistryError): ErrorDetails | undefined {
  const details: ErrorDetails = {};
  if (err.status !== undefined) details.status = err.status;
  if (err.codes.length) details.registryCodes = err.codes;
  if (err instanceof DigestMismatchError) {
    details.expected = err.expected;
    details.actual = err.actual;
  }
  if (err instanceof ConnectionError && err.code) details.networkCode = err.code;
  if (err instanceof DeleteNotSupportedError) {
    // What the delete dialog offers next: by digest, or through a placeholder (`tag`); nothing (`disabled`).
    details.deleteRefused = err.refused;
    if (err.digest) details.digest = err.digest;
  }
  return Object.keys(details).length ? details : undefined;
}

function make(code: ErrorCode, message: string, details?: ErrorDetails): AppError {
  return details ? { code, message: clip(message), details } : { code, message: clip(message) };
}

export function appErrorFromThrown(err: unknown): AppError {
  if (err instanceof AppFailure) return make(err.code, err.message, err.details);
  if (isAbort(err)) return make('cancelled', 'Cancelled');
  if (err instanceof TargetFolderError) return make(FOLDER_PROBLEM_CODES[err.problem], err.message);
  if (err instanceof RegistryError) {
    const details = registryDetails(err);
    if (err instanceof InvalidReferenceError || err instanceof InvalidPublicKeyError) return make('invalid-input', err.message, details);
    if (err instanceof ImageNotFoundError) return make('not-found', err.message, details);
    if (err instanceof AccessDeniedError) return make('access-denied', err.message, details);
    if (err instanceof CatalogNotSupportedError) return make('catalog-unsupported', err.message, details);
    if (err instanceof DigestMismatchError) return make('digest-mismatch', err.message, details);
    if (err instanceof ConnectionError) return make('unreachable', err.message, details);
    if (err instanceof InvalidManifestError) return make('registry', err.message, details);
    // A path in an image: not there (or deleted by a layer), or not something with content (a directory, a symlink, a device).
    if (err instanceof FileNotInImageError || err instanceof FileDeletedError) return make('not-found', err.message, { path: err.path });
    if (err instanceof ImageFileError) return make('invalid-input', err.message, { path: err.path });
    const fs = fsCode(err);
    if (err instanceof ExtractError) {
      // The target folder cannot be used or written.
      const exists = fs === 'EEXIST' || fs === 'ENOTEMPTY';
      return make(exists ? 'exists' : 'disk', err.message, fs ? { ...details, fsCode: fs } : details);
    }
    if (fs === 'EEXIST') return make('exists', err.message, { ...details, fsCode: fs });
    if (fs) return make('disk', err.message, { ...details, fsCode: fs });
    if (err.status === 401 || err.status === 403) return make('access-denied', err.message, details);
    if (err.status === 404) return make('not-found', err.message, details);
    return make('registry', err.message, details);
  }
  const fs = fsCode(err);
  if (fs) {
    const message = (err as Error).message ?? String(err);
    if (fs === 'EEXIST') return make('exists', message, { fsCode: fs });
    if (fs === 'ENOENT') return make('not-found', message, { fsCode: fs });
    return make('disk', message, { fsCode: fs });
  }
  const code = errorCode(err);
  if (code && TLS_CODE.test(code)) return make('unreachable', (err as Error).message, { networkCode: code });
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'Unknown error';
  return make('internal', `Internal error: ${message || 'unknown'}`);
}
