/** A form's values in one object, changed one field at a time (instead of a useState per field). */
import { useCallback, useState } from 'react';

export type SetField<T> = <K extends keyof T>(field: K, value: T[K]) => void;

export function useFormValues<T extends object>(initial: () => T): [T, SetField<T>] {
  const [values, setValues] = useState(initial);
  const set = useCallback<SetField<T>>((field, value) => setValues((v) => ({ ...v, [field]: value })), []);
  return [values, set];
}
