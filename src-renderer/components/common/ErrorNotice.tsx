/** An error in place: what happened (the AppError's message), and what to do next. Never a stack trace. */
import type { ReactNode } from 'react';
import { errorHint, errorTitle, appErrorOf } from '../../lib/errors';

interface ErrorNoticeProps {
  error: unknown;
  /** Short form for tight places (tree rows, job rows). */
  compact?: boolean;
  onRetry?: () => void;
  /** Extra buttons (e.g. "Edit connection"). */
  actions?: ReactNode;
}

export function ErrorNotice({ error, compact, onRetry, actions }: ErrorNoticeProps) {
  const appError = appErrorOf(error);
  const hint = errorHint(appError);
  return (
    <div className={compact ? 'error-notice compact' : 'error-notice'} role="alert" data-error-code={appError.code}>
      <div className="error-title">{errorTitle(appError)}</div>
      <div className="error-message">{appError.message}</div>
      {hint && <div className="error-hint">{hint}</div>}
      {(onRetry || actions) && (
        <div className="error-actions">
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Try again
            </button>
          )}
          {actions}
        </div>
      )}
    </div>
  );
}
