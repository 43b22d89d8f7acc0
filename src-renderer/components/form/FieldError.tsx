/**
 * A problem with what was typed, in red under its field (or under the form
 * when it concerns several). role="alert": a screen reader says it when it
 * appears after Save, without the person hunting for it.
 */
import type { CSSProperties } from 'react';

export function FieldError({ error, id, style }: { error: string | undefined; id?: string; style?: CSSProperties }) {
  if (!error) return null;
  return (
    <div className="field-error" role="alert" id={id} style={style}>
      {error}
    </div>
  );
}
