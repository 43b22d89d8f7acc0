/**
 * Adding or editing a connection: where (AddressFields), how to sign in
 * (SignInFields), how to talk to it (TransportFields), and a Test that says
 * what works and what does not. The secret goes to main once (on Test or
 * Save) and is never shown again.
 */
import type { Connection } from '../../../src-shared/contract';
import { useUi, type ConnectionDraftSeed } from '../../context/ui';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { ErrorNotice } from '../common/ErrorNotice';
import { FieldError } from '../form/FieldError';
import { AddressFields } from './AddressFields';
import { affectsTest } from './connection-form';
import { RemoveConnection } from './RemoveConnection';
import { SignInFields } from './SignInFields';
import { TestResultView } from './TestResultView';
import { TransportFields } from './TransportFields';
import { useConnectionCommands } from './useConnectionCommands';
import { useConnectionForm, type ConnectionFormPart } from './useConnectionForm';

interface Props {
  connection?: Connection;
  seed?: ConnectionDraftSeed;
}

export function ConnectionDialog({ connection, seed }: Props) {
  const ui = useUi();
  const form = useConnectionForm(connection, seed);
  const { test, save, remove } = useConnectionCommands(ui.close);

  // A test result is only shown for the values it was found with.
  const set: ConnectionFormPart['set'] = (field, value) => {
    form.set(field, value);
    if (affectsTest(field)) test.reset();
  };
  const part: ConnectionFormPart = { values: form.values, set, errors: form.errors };

  const onTest = () => {
    const draft = form.checked();
    if (draft) test.mutate(draft);
  };
  const onSave = () => {
    const draft = form.checked();
    if (draft) save.mutate(draft);
  };

  // "Use plain HTTP" in a test result: tick the box and test again with the new values at once.
  const usePlainHttp = () => {
    set('plainHttp', true);
    const draft = form.checked({ ...form.values, plainHttp: true });
    if (draft) test.mutate(draft);
  };

  return (
    <Dialog
      name="connection"
      title={connection ? `Edit ${connection.name}` : 'Add a connection'}
      onClose={ui.close}
      onSubmit={onSave}
      footer={
        <DialogButtons submitLabel="Save" pendingLabel="Saving…" pending={save.isPending} onCancel={ui.close}>
          {connection ? (
            <RemoveConnection name={connection.name} onRemove={() => remove.mutate(connection.id)} />
          ) : (
            <button type="button" className="left" onClick={() => ui.open({ kind: 'import' })}>
              Import from Docker config…
            </button>
          )}
          <button type="button" onClick={onTest} disabled={test.isPending}>
            {test.isPending ? 'Testing…' : 'Test'}
          </button>
        </DialogButtons>
      }
    >
      <div className="form-grid">
        <AddressFields {...part} />
        <SignInFields {...part} storedSecret={form.storedSecret} />
        <TransportFields {...part} />
      </div>
      <FieldError error={form.errors.form} />
      {test.data && <TestResultView result={test.data} onUsePlainHttp={usePlainHttp} />}
      {test.isError && <ErrorNotice error={test.error} />}
      {save.isError && <ErrorNotice error={save.error} />}
      {remove.isError && <ErrorNotice error={remove.error} />}
    </Dialog>
  );
}
