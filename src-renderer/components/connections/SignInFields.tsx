/** How to sign in: anonymous, username and password, or a token (sent as is, or an OAuth2 refresh token). */
import type { AuthKind, TokenType } from '../../../src-shared/contract';
import { ChoiceField, Field } from '../form/Field';
import { TextField } from '../form/TextField';
import type { ConnectionFormPart } from './useConnectionForm';

const AUTH_KINDS: { kind: AuthKind; label: string }[] = [
  { kind: 'anonymous', label: 'Anonymous' },
  { kind: 'basic', label: 'Username and password' },
  { kind: 'token', label: 'Token' },
];

export function SignInFields({ values, set, errors, storedSecret }: ConnectionFormPart & { storedSecret: boolean }) {
  const { authKind } = values;
  return (
    <>
      <ChoiceField id="conn-auth" label="Sign in" radio>
        {AUTH_KINDS.map(({ kind, label }) => (
          <label key={kind} className="radio">
            <input type="radio" name="authKind" value={kind} checked={authKind === kind} onChange={() => set('authKind', kind)} />
            {label}
          </label>
        ))}
      </ChoiceField>

      {authKind === 'token' && (
        <Field id="conn-token-type" label="Token type">
          <select id="conn-token-type" value={values.tokenType} onChange={(e) => set('tokenType', e.target.value as TokenType)}>
            <option value="bearer">Registry token (sent as is)</option>
            <option value="identity">Identity token (OAuth2 refresh token)</option>
          </select>
        </Field>
      )}

      {authKind !== 'anonymous' && (
        <>
          <TextField
            id="conn-username"
            label={authKind === 'token' ? 'Username (optional)' : 'Username'}
            value={values.username}
            onChange={(v) => set('username', v)}
            error={errors.username}
            autoComplete="off"
          />
          <TextField
            id="conn-secret"
            label={authKind === 'basic' ? 'Password' : 'Token'}
            type="password"
            value={values.secret}
            onChange={(v) => set('secret', v)}
            error={errors.secret}
            // The stored secret never comes back to the page: an empty field keeps it.
            placeholder={storedSecret ? 'Saved: leave empty to keep it' : ''}
            autoComplete="new-password"
          />
        </>
      )}
    </>
  );
}
