/** Where the registry is (a path after the host scopes the connection) and the name shown in the list. */
import { TextField } from '../form/TextField';
import type { ConnectionFormPart } from './useConnectionForm';

export function AddressFields({ values, set, errors }: ConnectionFormPart) {
  return (
    <>
      <TextField
        id="conn-host"
        label="Host"
        value={values.host}
        onChange={(v) => set('host', v)}
        error={errors.host}
        hint="A path after the host scopes the connection, e.g. registry.example.com/team."
        placeholder="registry.example.com, localhost:5000, ghcr.io"
        autoFocus
      />
      <TextField
        id="conn-name"
        label="Name"
        value={values.name}
        onChange={(v) => set('name', v)}
        error={errors.name}
        placeholder={values.host.trim() || 'Shown in the list'}
      />
    </>
  );
}
