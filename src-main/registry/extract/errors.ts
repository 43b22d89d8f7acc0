/**
 * Errors of extraction. Both are RegistryErrors, so a caller that catches the
 * client's errors catches these too; `instanceof` tells them apart.
 */
import { RegistryError } from '../errors';

/** A layer that cannot be turned into a tar: an unsupported compression, or no tar at all. */
export class LayerFormatError extends RegistryError {
  override name = 'LayerFormatError';
  readonly digest: string;

  constructor(message: string, digest: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.digest = digest;
  }
}

/** The target directory cannot be used, or the result could not be written there. */
export class ExtractError extends RegistryError {
  override name = 'ExtractError';
  /** The directory the extraction was asked to create. */
  readonly target: string;

  constructor(message: string, target: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.target = target;
  }
}
