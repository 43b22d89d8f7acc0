/**
 * A modal dialog on the native <dialog> element: focus moves into it and
 * stays there, Escape closes it, the page behind is inert.
 */
import { useEffect, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons at the bottom. */
  footer?: ReactNode;
  /** Called on Enter in a field (the form's submit). */
  onSubmit?: () => void;
  wide?: boolean;
  /** For tests and labels. */
  name?: string;
}

export function Dialog({ title, onClose, children, footer, onSubmit, wide, name }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // The latest onClose, for the listeners added once below (a new function each render must not re-add them).
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, []);

  const titleId = `dialog-title-${name ?? 'x'}`;
  return (
    <dialog ref={ref} className={wide ? 'dialog wide' : 'dialog'} aria-labelledby={titleId} data-dialog={name}>
      <form
        className="dialog-form"
        noValidate
        onSubmit={(e) => {
          // Never a real submission (the page's CSP has form-action 'none').
          e.preventDefault();
          onSubmit?.();
        }}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </form>
    </dialog>
  );
}
