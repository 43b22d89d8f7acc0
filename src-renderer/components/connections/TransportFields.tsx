/** How to talk to the registry: plain HTTP, TLS verification, a private CA. */
import { ChoiceField } from '../form/Field';
import { TextField } from '../form/TextField';
import type { ConnectionFormPart } from './useConnectionForm';

export function TransportFields({ values, set, errors }: ConnectionFormPart) {
  return (
    <>
      <ChoiceField id="conn-transport" label="Transport">
        <label className="check">
          <input type="checkbox" checked={values.plainHttp} onChange={(e) => set('plainHttp', e.target.checked)} />
          Plain HTTP (no TLS)
        </label>
        <label className="check">
          {/* Without TLS there is no certificate to verify. */}
          <input
            type="checkbox"
            checked={values.tlsSkipVerify}
            disabled={values.plainHttp}
            onChange={(e) => set('tlsSkipVerify', e.target.checked)}
          />
          Skip TLS certificate verification
        </label>
      </ChoiceField>
      <TextField
        id="conn-ca"
        label="CA certificate"
        rows={3}
        value={values.caPem}
        onChange={(v) => set('caPem', v)}
        error={errors.caPem}
        placeholder="-----BEGIN CERTIFICATE----- (PEM; for a registry signed by a private CA)"
      />
    </>
  );
}
