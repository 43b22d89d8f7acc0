/**
 * Errors of the referrers code. Like every error of the library they are
 * RegistryErrors, told apart with `instanceof`, and their messages name what
 * was wrong and where.
 */
import { RegistryError, type RegistryErrorInit } from '../errors';

/** An attachment Lading cannot use: malformed, or too large to read. */
export class AttachmentError extends RegistryError {
  override name = 'AttachmentError';
}

/** An attachment's content is not what its media type promises (not JSON, a DSSE payload that is not base64, ...). */
export class InvalidAttachmentError extends AttachmentError {
  override name = 'InvalidAttachmentError';
}

/** An attachment (an SBOM, an attestation, ...) larger than Lading reads; refused before it is read. */
export class AttachmentTooLargeError extends AttachmentError {
  override name = 'AttachmentTooLargeError';

  constructor(
    message: string,
    /** Bytes the attachment has (or has sent so far, when it came without a size). */
    readonly size: number,
    /** The most Lading reads. */
    readonly limit: number,
    init: RegistryErrorInit = {},
  ) {
    super(message, init);
  }
}

/** A bound on what a registry's answers may make us do (referrers, pages, recursion depth) was passed. */
export class ReferrersLimitError extends RegistryError {
  override name = 'ReferrersLimitError';

  constructor(
    message: string,
    readonly limit: number,
    init: RegistryErrorInit = {},
  ) {
    super(message, init);
  }
}

/** The public key given for verification is not one Lading can use. */
export class InvalidPublicKeyError extends RegistryError {
  override name = 'InvalidPublicKeyError';
}

/** `52428800` -> `50.0 MiB`, for messages about sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
