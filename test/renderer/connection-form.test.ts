/** The connection dialog's form without React (src-renderer/components/connections/connection-form.ts): values, draft, checks. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import {
  affectsTest,
  checkDraft,
  initialValues,
  toDraft,
  type ConnectionFormValues,
} from '../../src-renderer/components/connections/connection-form';

const saved: Connection = {
  id: 'conn-0123456789abcdef',
  name: 'Team',
  host: 'registry.example.com/team',
  authKind: 'basic',
  username: 'bob',
  plainHttp: false,
  tlsSkipVerify: false,
  caPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
  secret: 'keychain',
  createdAt: '',
  updatedAt: '',
};

const blank = (changes: Partial<ConnectionFormValues> = {}): ConnectionFormValues => ({ ...initialValues(), ...changes });

describe('initialValues', () => {
  it('starts from the saved connection, never with its secret', () => {
    expect(initialValues(saved)).toEqual({
      name: 'Team',
      host: 'registry.example.com/team',
      authKind: 'basic',
      tokenType: 'bearer',
      username: 'bob',
      secret: '',
      plainHttp: false,
      tlsSkipVerify: false,
      caPem: saved.caPem,
    });
  });

  it('starts a new one from a seed (the reference bar names an unknown host)', () => {
    expect(initialValues(undefined, { host: 'registry.invalid:5000' })).toMatchObject({
      host: 'registry.invalid:5000',
      name: '',
      authKind: 'anonymous',
    });
  });
});

describe('toDraft', () => {
  it('names a new connection after its host, and reads http:// as plain HTTP', () => {
    expect(toDraft(blank({ host: ' http://localhost:5000/ ' }))).toEqual({
      name: 'localhost:5000',
      host: 'http://localhost:5000/',
      authKind: 'anonymous',
      plainHttp: true,
      tlsSkipVerify: false,
    });
  });

  it('sends a typed secret, keeps a stored one when the field is empty, removes it for anonymous', () => {
    expect(toDraft({ ...initialValues(saved), secret: 'new' }, saved)).toMatchObject({ id: saved.id, secret: 'new', username: 'bob' });
    expect(toDraft(initialValues(saved), saved)).not.toHaveProperty('secret');
    expect(toDraft({ ...initialValues(saved), authKind: 'anonymous' }, saved)).toMatchObject({ authKind: 'anonymous', secret: null });
    expect(toDraft({ ...initialValues(saved), authKind: 'anonymous' }, saved)).not.toHaveProperty('username');
  });

  it('removes a cleared CA, and sends the token type only for tokens', () => {
    expect(toDraft({ ...initialValues(saved), caPem: '  ' }, saved)).toMatchObject({ caPem: null });
    expect(toDraft(blank({ host: 'ghcr.io', authKind: 'token', tokenType: 'identity', secret: 't' }))).toMatchObject({
      tokenType: 'identity',
      secret: 't',
    });
    expect(toDraft(blank({ host: 'ghcr.io', tokenType: 'identity' }))).not.toHaveProperty('tokenType');
  });
});

describe('checkDraft', () => {
  it('passes a good draft', () => {
    expect(checkDraft(blank({ host: 'ghcr.io' }))).toMatchObject({ ok: true, draft: { host: 'ghcr.io', name: 'ghcr.io' } });
    // Editing: the stored password stays.
    expect(checkDraft(initialValues(saved), saved)).toMatchObject({ ok: true });
  });

  it('says what is wrong beside the field main would refuse', () => {
    const result = checkDraft(blank({ host: 'not a host', authKind: 'basic', secret: 'pw' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['host', 'username']);
    expect(result.errors.username).toBe('Basic auth needs a username');
  });

  it('asks for the password or token when none is typed or stored', () => {
    expect(checkDraft(blank({ host: 'ghcr.io', authKind: 'basic', username: 'bob' }))).toEqual({
      ok: false,
      errors: { secret: 'Enter the password' },
    });
    expect(checkDraft(blank({ host: 'ghcr.io', authKind: 'token' }))).toEqual({ ok: false, errors: { secret: 'Enter the token' } });
    // Switching a saved basic connection to a token: the stored password is no token.
    expect(checkDraft({ ...initialValues(saved), authKind: 'token' }, saved)).toEqual({ ok: false, errors: { secret: 'Enter the token' } });
  });

  it('shows a problem with a field the form has no place for under the form, not nowhere', () => {
    const result = checkDraft(blank({ host: 'ghcr.io' }), { ...saved, id: 'not-an-id', secret: 'none' });
    expect(result).toMatchObject({ ok: false, errors: { form: expect.stringContaining('Connection id is invalid') } });
  });
});

it('every field but the name changes what a Test finds', () => {
  expect(affectsTest('name')).toBe(false);
  for (const field of ['host', 'authKind', 'tokenType', 'username', 'secret', 'plainHttp', 'tlsSkipVerify', 'caPem'] as const)
    expect(affectsTest(field)).toBe(true);
});
