/**
 * Errors as the UI shows them: the contract's AppError (code and message,
 * written for a person by main), a title per code, and what to do next.
 * Anything else that reaches the UI (a bug in the page) becomes a plain
 * sentence: never a stack trace.
 */
import { isAppError, tlsFailure, type AppError, type ErrorCode } from '../../src-shared/errors';
import { isLadingError } from '../bridge';

export function appErrorOf(error: unknown): AppError {
  if (isLadingError(error)) return error.toPlainError();
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  // First line only: a message never carries a trace into the page.
  const firstLine = message.split('\n', 1)[0]?.trim() ?? '';
  return { code: 'internal', message: firstLine ? `Something went wrong in the page: ${firstLine}` : 'Something went wrong in the page' };
}

const TITLES: Record<ErrorCode, string> = {
  'invalid-input': 'Not valid',
  'not-found': 'Not found',
  'access-denied': 'Access denied',
  unreachable: 'Cannot reach the registry',
  'catalog-unsupported': 'No repository list',
  'digest-mismatch': 'Corrupted data',
  registry: 'The registry answered something unexpected',
  disk: 'Cannot write there',
  exists: 'Already exists',
  cancelled: 'Cancelled',
  internal: 'Internal error',
};

const HINTS: Record<ErrorCode, string> = {
  'invalid-input': 'Correct the value and try again.',
  'not-found': 'Check the repository name and the tag or digest; it may have been deleted.',
  'access-denied': "Check the connection's username and password or token (Edit connection), and that this account may read it.",
  unreachable:
    'Check the host name and port and your network. A registry without TLS needs "Plain HTTP"; a private CA needs its certificate.',
  'catalog-unsupported': 'This registry does not list its repositories: open a repository by name.',
  'digest-mismatch': 'The registry sent bytes that do not match their digest. Try again; if it persists, the stored image is damaged.',
  registry: 'Try again; if it persists, the registry may not support this image format.',
  disk: 'Choose another folder, or free space and check permissions.',
  exists: 'Choose a new or empty folder, or remove what is there.',
  cancelled: 'Start it again when you are ready.',
  internal: 'This is a bug in Lading. Try again; if it persists, please report what you did.',
};

export function errorTitle(error: AppError): string {
  if (error.code === 'unreachable' && error.details?.bridge === true) return 'Lost the connection to Lading';
  // The registry was reached: only the TLS handshake with it failed.
  if (tlsFailure(error)) return 'TLS handshake failed';
  return TITLES[error.code] ?? 'Error';
}

export function errorHint(error: AppError): string {
  if (error.code === 'unreachable' && error.details?.bridge === true) return 'Restart `npm run web` and open the URL it prints.';
  // The message itself says what to do (plain HTTP, or the CA certificate / skip verify).
  if (tlsFailure(error)) return '';
  return HINTS[error.code] ?? '';
}

/** Errors that a retry cannot fix: react-query should not repeat them. */
export function isPermanent(error: unknown): boolean {
  const code = appErrorOf(error).code;
  return code !== 'unreachable' && code !== 'registry' && code !== 'internal';
}
