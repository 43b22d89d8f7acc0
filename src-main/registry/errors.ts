/**
 * Typed errors. Every error the client throws is a RegistryError, so a caller
 * can catch one class, then tell cases apart with `instanceof`. Messages are
 * written for a person and never contain credentials or tokens: URLs are
 * redacted before they are stored.
 */
import { redactUrl } from './redact';

/** One entry of a registry's `{"errors":[...]}` body. */
export interface OciErrorDetail {
  code: string;
  message?: string | undefined;
  detail?: unknown;
}

export interface RegistryErrorInit {
  status?: number | undefined;
  errors?: OciErrorDetail[] | undefined;
  method?: string | undefined;
  url?: string | undefined;
  cause?: unknown;
}

export class RegistryError extends Error {
  override name = 'RegistryError';
  /** HTTP status, when the error came from an HTTP answer. */
  readonly status?: number | undefined;
  /** The registry's own error entries, when it sent any. */
  readonly errors: OciErrorDetail[];
  readonly method?: string | undefined;
  /** The request URL with secrets removed. */
  readonly url?: string | undefined;

  constructor(message: string, init: RegistryErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errors = init.errors ?? [];
    this.method = init.method;
    this.url = init.url === undefined ? undefined : redactUrl(init.url);
  }

  /** The OCI error codes, e.g. `['MANIFEST_UNKNOWN']`. */
  get codes(): string[] {
    return this.errors.map((e) => e.code);
  }
}

/** The tag or digest does not exist (or the repository does not). */
export class ImageNotFoundError extends RegistryError {
  override name = 'ImageNotFoundError';
}

/** The repository itself does not exist. A kind of ImageNotFoundError. */
export class RepositoryNotFoundError extends ImageNotFoundError {
  override name = 'RepositoryNotFoundError';
}

/** Credentials were rejected (401) or lack the permission (403). */
export class AccessDeniedError extends RegistryError {
  override name = 'AccessDeniedError';
}

/** The registry does not offer `/v2/_catalog` to this user (Docker Hub, GHCR, ...). */
export class CatalogNotSupportedError extends RegistryError {
  override name = 'CatalogNotSupportedError';
}

/** Bytes did not match the digest (or size) they were asked for. */
export class DigestMismatchError extends RegistryError {
  override name = 'DigestMismatchError';
  readonly expected: string;
  readonly actual: string;

  constructor(message: string, expected: string, actual: string, init: RegistryErrorInit = {}) {
    super(message, init);
    this.expected = expected;
    this.actual = actual;
  }
}

/** The registry could not be reached, or the connection broke: DNS, refused, TLS, reset, timeout. */
export class ConnectionError extends RegistryError {
  override name = 'ConnectionError';
  /** Node's or undici's error code, e.g. `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_HEADERS_TIMEOUT`. */
  readonly code?: string | undefined;

  constructor(message: string, code: string | undefined, init: RegistryErrorInit = {}) {
    super(message, init);
    this.code = code;
  }
}

/** A manifest that cannot be used: malformed, schema 1, too large, or of an unknown media type. */
export class InvalidManifestError extends RegistryError {
  override name = 'InvalidManifestError';
}

/** A repository path, tag or digest that is not valid by the OCI grammar. Thrown before any request. */
export class InvalidReferenceError extends RegistryError {
  override name = 'InvalidReferenceError';
}

/** Reads the registry's `{"errors":[...]}` body; anything else yields no entries. */
export function parseErrorBody(body: string): OciErrorDetail[] {
  if (!body) return [];
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { errors?: unknown }).errors)) {
      return (parsed as { errors: unknown[] }).errors
        .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
        .map((e) => ({
          code: typeof e.code === 'string' ? e.code : 'UNKNOWN',
          message: typeof e.message === 'string' ? e.message : undefined,
          detail: e.detail,
        }));
    }
  } catch {
    // Not JSON: proxies and load balancers answer with HTML; no entries then.
  }
  return [];
}

/** `MANIFEST_UNKNOWN: manifest unknown; ...` for the end of a message. */
export function describeErrors(errors: OciErrorDetail[]): string {
  return errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
}
