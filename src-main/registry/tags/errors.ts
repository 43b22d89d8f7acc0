/** Errors of tagging and deleting. */
import { RegistryError, type RegistryErrorInit } from '../errors';

/**
 * The registry refused a delete it does not offer: deletion turned off
 * (distribution answers 405 UNSUPPORTED), or deleting by tag where manifests
 * are deleted by digest only (distribution 2.8 answers 400 DIGEST_INVALID,
 * Harbor UNSUPPORTED). The message says what the registry said and what is
 * possible instead.
 */
export class DeleteNotSupportedError extends RegistryError {
  override name = 'DeleteNotSupportedError';
  /** `disabled`: this registry deletes nothing through its API; `tag`: it refused to delete a tag (by digest may work). */
  readonly refused: 'disabled' | 'tag';
  /** For a refused tag: the digest it points at, to delete by digest instead. */
  readonly digest?: string;

  constructor(message: string, refused: 'disabled' | 'tag', init: RegistryErrorInit & { digest?: string } = {}) {
    super(message, init);
    this.refused = refused;
    if (init.digest !== undefined) this.digest = init.digest;
  }
}

/** An index lists more images than a summary reads (MAX_SUMMARY_IMAGES). */
export class SummaryLimitError extends RegistryError {
  override name = 'SummaryLimitError';
  constructor(
    message: string,
    readonly limit: number,
    init: RegistryErrorInit = {},
  ) {
    super(message, init);
  }
}
