/** The contract's error shape as an exception, for the bridge client's callers (react-query and the like). */
import type { AppError, ErrorCode, ErrorDetails, Outcome } from '../../src-shared/errors';

export class LadingError extends Error implements AppError {
  override readonly name = 'LadingError';
  readonly code: ErrorCode;
  readonly details?: ErrorDetails;

  constructor(error: AppError) {
    super(error.message);
    this.code = error.code;
    if (error.details !== undefined) this.details = error.details;
  }

  /** The plain AppError, e.g. to show or log. */
  toPlainError(): AppError {
    return { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) };
  }
}

export function isLadingError(value: unknown): value is LadingError {
  return value instanceof LadingError;
}

/** The value of an ok Outcome; throws a LadingError otherwise. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome && typeof outcome === 'object' && outcome.ok === true) return outcome.value;
  if (outcome && typeof outcome === 'object' && outcome.ok === false && outcome.error) throw new LadingError(outcome.error);
  throw new LadingError({ code: 'internal', message: 'The app answered something that is not an outcome' });
}
