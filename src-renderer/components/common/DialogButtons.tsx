/**
 * A dialog's footer buttons: any extra ones first (Test; `className="left"`
 * puts one on the far left), then Cancel and the submit button, which is
 * disabled while its work runs.
 */
import type { ReactNode } from 'react';

interface DialogButtonsProps {
  submitLabel: string;
  onCancel: () => void;
  /** The submit is running: the button is disabled, and says `pendingLabel` when given ("Saving…"). */
  pending?: boolean;
  pendingLabel?: string;
  /** Nothing to submit yet. */
  disabled?: boolean;
  children?: ReactNode;
}

export function DialogButtons({ submitLabel, onCancel, pending = false, pendingLabel, disabled = false, children }: DialogButtonsProps) {
  return (
    <>
      {children}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={pending || disabled}>
        {pending && pendingLabel ? pendingLabel : submitLabel}
      </button>
    </>
  );
}
