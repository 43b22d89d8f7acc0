/**
 * The one text field of the dialogs: label, input (or a few lines of text),
 * its error and hint (Field). A field with an error is marked aria-invalid.
 * Names, hosts, paths and tags are not prose: no spell-check underlines.
 */
import type { ReactNode } from 'react';
import { describedBy, Field, type FieldFrameProps } from './Field';

interface TextFieldProps extends FieldFrameProps {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password';
  placeholder?: string | undefined;
  autoFocus?: boolean;
  autoComplete?: string;
  /** A text area of this many lines instead of a one-line input (a PEM certificate). */
  rows?: number;
  /** Beside the input, on the same line (a Browse… button). */
  trailing?: ReactNode;
}

export function TextField({
  id,
  label,
  error,
  hint,
  value,
  onChange,
  type = 'text',
  placeholder,
  autoFocus,
  autoComplete,
  rows,
  trailing,
}: TextFieldProps) {
  const common = {
    id,
    value,
    placeholder,
    autoFocus,
    spellCheck: false,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, error, hint),
  };
  const control = rows ? (
    <textarea {...common} rows={rows} onChange={(e) => onChange(e.target.value)} />
  ) : (
    <input {...common} type={type} autoComplete={autoComplete} onChange={(e) => onChange(e.target.value)} />
  );
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {trailing ? (
        <div className="input-row">
          {control}
          {trailing}
        </div>
      ) : (
        control
      )}
    </Field>
  );
}
