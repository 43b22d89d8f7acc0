/**
 * The one error shape that crosses the boundary between main and renderer
 * (IPC, WebSocket). Plain data: a code to branch on, a message written for a
 * person, and optional details. It never carries a stack, a cause chain, a
 * password or a token.
 */

export const ERROR_CODES = [
  /** The input did not match the operation's schema, or names something malformed. */
  'invalid-input',
  /** The connection, repository, tag, digest, platform, job or folder does not exist. */
  'not-found',
  /** The registry rejected the credentials (401) or denied the action (403). */
  'access-denied',
  /** The registry could not be reached: DNS, refused, TLS, reset, timeout. */
  'unreachable',
  /** The registry does not offer `/v2/_catalog` to this account. */
  'catalog-unsupported',
  /** Bytes did not match the digest or size they were asked for. */
  'digest-mismatch',
  /** The registry answered something unusable (bad manifest, unexpected status). */
  'registry',
  /** A file or folder could not be written or read: full, read-only, no permission. */
  'disk',
  /** The target already exists and would be overwritten. */
  'exists',
  /** The operation was cancelled. */
  'cancelled',
  /** Anything else: a bug. The message says what failed, never how (no stack). */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Extra facts for the UI, e.g. the HTTP status or the OCI error codes. JSON values only. */
export type ErrorDetails = Record<string, string | number | boolean | null | string[]>;

export interface AppError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

export function isAppError(value: unknown): value is AppError {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code) && typeof v.message === 'string';
}

/** What every operation answers across a process boundary. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** OpenSSL's words, as Node's error codes, for a server that answered the TLS handshake with plain HTTP. */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);
/** A certificate that does not verify, or a handshake that failed otherwise. */
const TLS_CODES = /^(EPROTO$|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_)/;

/**
 * What a network error's `details.networkCode` says about TLS: `not-tls` when the server answered the
 * handshake with something else (a plain-HTTP server), `failed` for any other handshake or certificate
 * failure, undefined when TLS is not the problem. Either way the TCP connection itself worked.
 */
export function tlsFailure(error: AppError): 'not-tls' | 'failed' | undefined {
  const code = error.code === 'unreachable' ? error.details?.networkCode : undefined;
  if (typeof code !== 'string') return undefined;
  if (NOT_TLS_CODES.has(code)) return 'not-tls';
  return TLS_CODES.test(code) ? 'failed' : undefined;
}
