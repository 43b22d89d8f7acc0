/**
 * The problems a form found, by field, shown until the next check. Forms
 * check on Save (and Test), not while one types: a half-typed host is not
 * an error yet.
 */
import { useCallback, useState } from 'react';

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

/** Only the fields that have a problem. */
export function onlyProblems<K extends string>(found: Partial<Record<K, string | undefined>>): FieldErrors<K> {
  return Object.fromEntries(Object.entries(found).filter(([, message]) => message)) as FieldErrors<K>;
}

export function useFieldErrors<K extends string>() {
  const [errors, setErrors] = useState<FieldErrors<K>>({});
  /** Shows what was found (a field without a problem is cleared); true when nothing was. */
  const check = useCallback((found: Partial<Record<K, string | undefined>>): boolean => {
    const problems = onlyProblems(found);
    setErrors(problems);
    return Object.keys(problems).length === 0;
  }, []);
  return { errors, check };
}
