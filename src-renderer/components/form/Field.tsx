/**
 * One row of a dialog's form grid (`.form-grid`: labels in the first column):
 * the label, the control, then the field's error and its hint. The control
 * names its error and hint with `describedBy(id, ...)`, so a screen reader
 * reads them with it.
 */
import type { ReactNode } from 'react';
import { FieldError } from './FieldError';

export interface FieldFrameProps {
  /** The control's id: the label points at it, the error and hint ids derive from it. */
  id: string;
  label: ReactNode;
  /** Shown when set (after a Save or Test found it). */
  error?: string | undefined;
  /** What to type, always shown below. */
  hint?: ReactNode;
}

export const fieldErrorId = (id: string) => `${id}-error`;
export const fieldHintId = (id: string) => `${id}-hint`;

/** `aria-describedby` for a control with this error and hint (undefined when neither is shown). */
export function describedBy(id: string, error: string | undefined, hint: ReactNode): string | undefined {
  const ids = [error ? fieldErrorId(id) : '', hint ? fieldHintId(id) : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function Field({ id, label, error, hint, children }: FieldFrameProps & { children: ReactNode }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div>
        {children}
        <FieldError id={fieldErrorId(id)} error={error} />
        {hint && (
          <div className="field-help" id={fieldHintId(id)}>
            {hint}
          </div>
        )}
      </div>
    </>
  );
}

/**
 * A row whose control is a group (radio buttons, check boxes): the label
 * names the group, since each box has a label of its own.
 */
export function ChoiceField({
  id,
  label,
  radio,
  hint,
  children,
}: {
  id: string;
  label: ReactNode;
  radio?: boolean;
  hint?: ReactNode;
  children: ReactNode;
}) {
  const labelId = `${id}-label`;
  return (
    <>
      <span className="label" id={labelId}>
        {label}
      </span>
      <div role={radio ? 'radiogroup' : 'group'} aria-labelledby={labelId} className={radio ? 'radio-row' : 'checks'}>
        {children}
        {hint && <div className="field-help">{hint}</div>}
      </div>
    </>
  );
}
