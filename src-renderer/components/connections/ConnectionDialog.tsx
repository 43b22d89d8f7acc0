/**
 * Adding or editing a connection: host, how to sign in, plain HTTP, TLS
 * verification, a CA; a Test button that says what works and what does not.
 * The secret goes to main once (on Test or Save) and is never shown again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { connectionDraftSchema, type AuthKind, type Connection, type ConnectionTestResult, type InputOf, type TokenType } from '../../../src-shared/contract';
import { connKey } from '../../hooks/queries';
import { useApi } from '../../context/api';
import { useNavigation } from '../../context/navigation';
import { useUi, type ConnectionDraftSeed } from '../../context/ui';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { TestResultView } from './TestResultView';

type Draft = InputOf<'connections.save'>;

interface Props {
  connection?: Connection;
  seed?: ConnectionDraftSeed;
}

export function ConnectionDialog({ connection, seed }: Props) {
  const api = useApi();
  const ui = useUi();
  const client = useQueryClient();
  const { dispatch } = useNavigation();
  const [name, setName] = useState(connection?.name ?? seed?.name ?? '');
  const [host, setHost] = useState(connection?.host ?? seed?.host ?? '');
  const [authKind, setAuthKind] = useState<AuthKind>(connection?.authKind ?? 'anonymous');
  const [tokenType, setTokenType] = useState<TokenType>(connection?.tokenType ?? 'bearer');
  const [username, setUsername] = useState(connection?.username ?? '');
  const [secret, setSecret] = useState('');
  const [plainHttp, setPlainHttp] = useState(connection?.plainHttp ?? false);
  const [tlsSkipVerify, setTlsSkipVerify] = useState(connection?.tlsSkipVerify ?? false);
  const [caPem, setCaPem] = useState(connection?.caPem ?? '');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const hasStoredSecret = connection !== undefined && connection.secret !== 'none' && connection.authKind === authKind;

  const draft = (): Draft => ({
    ...(connection ? { id: connection.id } : {}),
    name: name.trim() || host.trim().replace(/^https?:\/\//, '').replace(/\/+$/, ''),
    host: host.trim(),
    authKind,
    ...(authKind === 'token' ? { tokenType } : {}),
    ...(authKind !== 'anonymous' && username.trim() ? { username: username.trim() } : {}),
    plainHttp: plainHttp || /^http:\/\//i.test(host.trim()),
    tlsSkipVerify,
    ...(caPem.trim() ? { caPem: caPem.trim() } : connection?.caPem ? { caPem: null } : {}),
    ...(authKind === 'anonymous'
      ? connection && connection.secret !== 'none'
        ? { secret: null }
        : {}
      : secret
        ? { secret }
        : {}),
  });

  /** Checks the draft as main will; shows the problems next to their fields. */
  const checked = (): Draft | null => {
    const value = draft();
    const parsed = connectionDraftSchema.safeParse(value);
    if (parsed.success) {
      if (authKind !== 'anonymous' && !secret && !hasStoredSecret) {
        setIssues({ secret: authKind === 'basic' ? 'Enter the password' : 'Enter the token' });
        return null;
      }
      setIssues({});
      return value;
    }
    const next: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'form');
      next[field] ??= issue.message;
    }
    setIssues(next);
    return null;
  };

  const test = useMutation<ConnectionTestResult, unknown, Draft>({ mutationFn: (d) => api['connections.test']({ draft: d }) });
  const save = useMutation({
    mutationFn: (d: Draft) => api['connections.save'](d),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ['connections'] });
      await client.resetQueries({ queryKey: connKey(saved.id) });
      ui.close();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api['connections.remove']({ id }),
    onSuccess: async (_, id) => {
      dispatch({ type: 'forgetConnection', connectionId: id });
      await client.invalidateQueries({ queryKey: ['connections'] });
      client.removeQueries({ queryKey: connKey(id) });
      ui.close();
    },
  });

  // A result is only shown for the values it was found with.
  const resetTest = test.reset;
  useEffect(() => {
    resetTest();
  }, [resetTest, host, authKind, tokenType, username, secret, plainHttp, tlsSkipVerify, caPem]);

  const onTest = () => {
    const d = checked();
    if (d) test.mutate(d);
  };
  const onSave = () => {
    const d = checked();
    if (d) save.mutate(d);
  };

  const field = (key: string) => (issues[key] ? <div className="field-error" role="alert">{issues[key]}</div> : null);

  return (
    <Dialog
      name="connection"
      title={connection ? `Edit ${connection.name}` : 'Add a connection'}
      onClose={ui.close}
      onSubmit={onSave}
      footer={
        <>
          {!connection && (
            <button type="button" className="left" onClick={() => ui.open({ kind: 'import' })}>
              Import from Docker config…
            </button>
          )}
          {connection &&
            (confirmRemove ? (
              <span className="left confirm">
                Remove {connection.name}?{' '}
                <button type="button" className="danger" onClick={() => remove.mutate(connection.id)}>
                  Yes, remove
                </button>{' '}
                <button type="button" onClick={() => setConfirmRemove(false)}>
                  Keep
                </button>
              </span>
            ) : (
              <button type="button" className="left danger-outline" onClick={() => setConfirmRemove(true)}>
                Remove…
              </button>
            ))}
          <button type="button" onClick={onTest} disabled={test.isPending}>
            {test.isPending ? 'Testing…' : 'Test'}
          </button>
          <button type="button" onClick={ui.close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label htmlFor="conn-host">Host</label>
        <div>
          <input
            id="conn-host"
            type="text"
            value={host}
            autoFocus
            spellCheck={false}
            placeholder="registry.example.com, localhost:5000, ghcr.io"
            aria-invalid={issues.host ? true : undefined}
            onChange={(e) => setHost(e.target.value)}
          />
          {field('host')}
          <div className="field-help">A path after the host scopes the connection, e.g. registry.example.com/team.</div>
        </div>

        <label htmlFor="conn-name">Name</label>
        <div>
          <input id="conn-name" type="text" value={name} placeholder={host.trim() || 'Shown in the list'} onChange={(e) => setName(e.target.value)} />
          {field('name')}
        </div>

        <span className="label" id="conn-auth-label">Sign in</span>
        <div role="radiogroup" aria-labelledby="conn-auth-label" className="radio-row">
          {(['anonymous', 'basic', 'token'] as const).map((kind) => (
            <label key={kind} className="radio">
              <input type="radio" name="authKind" value={kind} checked={authKind === kind} onChange={() => setAuthKind(kind)} />
              {kind === 'anonymous' ? 'Anonymous' : kind === 'basic' ? 'Username and password' : 'Token'}
            </label>
          ))}
        </div>

        {authKind === 'token' && (
          <>
            <label htmlFor="conn-token-type">Token type</label>
            <select id="conn-token-type" value={tokenType} onChange={(e) => setTokenType(e.target.value as TokenType)}>
              <option value="bearer">Registry token (sent as is)</option>
              <option value="identity">Identity token (OAuth2 refresh token)</option>
            </select>
          </>
        )}

        {authKind !== 'anonymous' && (
          <>
            <label htmlFor="conn-username">Username{authKind === 'token' ? ' (optional)' : ''}</label>
            <div>
              <input id="conn-username" type="text" value={username} autoComplete="off" spellCheck={false} onChange={(e) => setUsername(e.target.value)} />
              {field('username')}
            </div>
            <label htmlFor="conn-secret">{authKind === 'basic' ? 'Password' : 'Token'}</label>
            <div>
              <input
                id="conn-secret"
                type="password"
                value={secret}
                autoComplete="new-password"
                placeholder={hasStoredSecret ? 'Saved: leave empty to keep it' : ''}
                aria-invalid={issues.secret ? true : undefined}
                onChange={(e) => setSecret(e.target.value)}
              />
              {field('secret')}
            </div>
          </>
        )}

        <span className="label">Transport</span>
        <div className="checks">
          <label className="check">
            <input type="checkbox" checked={plainHttp} onChange={(e) => setPlainHttp(e.target.checked)} />
            Plain HTTP (no TLS)
          </label>
          <label className="check">
            <input type="checkbox" checked={tlsSkipVerify} disabled={plainHttp} onChange={(e) => setTlsSkipVerify(e.target.checked)} />
            Skip TLS certificate verification
          </label>
        </div>

        <label htmlFor="conn-ca">CA certificate</label>
        <div>
          <textarea
            id="conn-ca"
            rows={3}
            value={caPem}
            spellCheck={false}
            placeholder="-----BEGIN CERTIFICATE----- (PEM; for a registry signed by a private CA)"
            onChange={(e) => setCaPem(e.target.value)}
          />
          {field('caPem')}
        </div>
      </div>
      {issues.form && <div className="field-error" role="alert">{issues.form}</div>}
      {test.data && <TestResultView result={test.data} />}
      {test.isError && <ErrorNotice error={test.error} />}
      {save.isError && <ErrorNotice error={save.error} />}
      {remove.isError && <ErrorNotice error={remove.error} />}
    </Dialog>
  );
}
