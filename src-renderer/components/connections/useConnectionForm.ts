/** The connection dialog's state: the values, the problems found on the last Test or Save, and the checked draft. */
import type { Connection } from '../../../src-shared/contract';
import type { ConnectionDraftSeed } from '../../context/ui';
import { useFieldErrors, type FieldErrors } from '../../hooks/useFieldErrors';
import { useFormValues, type SetField } from '../../hooks/useFormValues';
import {
  checkDraft,
  hasStoredSecret,
  initialValues,
  type ConnectionDraft,
  type ConnectionErrorField,
  type ConnectionFormValues,
} from './connection-form';

/** What a part of the form (address, sign-in, transport) reads and changes. */
export interface ConnectionFormPart {
  values: ConnectionFormValues;
  set: SetField<ConnectionFormValues>;
  errors: FieldErrors<ConnectionErrorField>;
}

export function useConnectionForm(connection?: Connection, seed?: ConnectionDraftSeed) {
  const [values, set] = useFormValues(() => initialValues(connection, seed));
  const { errors, check } = useFieldErrors<ConnectionErrorField>();
  /**
   * The draft to send, or null when something is wrong (then said beside its field). `of` checks values
   * just set, before the re-render shows them (a one-click "switch to plain HTTP, test again").
   */
  const checked = (of: ConnectionFormValues = values): ConnectionDraft | null => {
    const result = checkDraft(of, connection);
    check(result.ok ? {} : result.errors);
    return result.ok ? result.draft : null;
  };
  return { values, set, errors, checked, storedSecret: hasStoredSecret(values, connection) };
}
