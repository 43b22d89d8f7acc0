/**
 * The connection dialog's form, without React: its values, the draft they
 * make for `connections.save` / `connections.test`, and the check main will
 * make of it (the contract's own schema), worded beside the fields.
 */
import { connectionDraftSchema, type AuthKind, type Connection, type InputOf, type TokenType } from '../../../src-shared/contract';

export type ConnectionDraft = InputOf<'connections.save'>;

export interface ConnectionFormValues {
  name: string;
  host: string;
  authKind: AuthKind;
  tokenType: TokenType;
  username: string;
  /** Typed in this dialog only: a saved secret is never sent back to the page. */
  secret: string;
  plainHttp: boolean;
  tlsSkipVerify: boolean;
  caPem: string;
}

/** The fields that show their own error; a problem with anything else is shown under the form. */
export type ConnectionErrorField = 'host' | 'name' | 'username' | 'secret' | 'caPem' | 'form';
const FIELDS_WITH_ERRORS = new Set<string>(['host', 'name', 'username', 'secret', 'caPem']);

/** A new connection may start from a seed (the reference bar's unknown host). */
export function initialValues(connection?: Connection, seed?: { host?: string; name?: string }): ConnectionFormValues {
  return {
    name: connection?.name ?? seed?.name ?? '',
    host: connection?.host ?? seed?.host ?? '',
    authKind: connection?.authKind ?? 'anonymous',
    tokenType: connection?.tokenType ?? 'bearer',
    username: connection?.username ?? '',
    secret: '',
    plainHttp: connection?.plainHttp ?? false,
    tlsSkipVerify: connection?.tlsSkipVerify ?? false,
    caPem: connection?.caPem ?? '',
  };
}

/** A secret is stored for this connection and sign-in kind: an empty secret field keeps it. */
export function hasStoredSecret(values: ConnectionFormValues, connection?: Connection): boolean {
  return connection !== undefined && connection.secret !== 'none' && connection.authKind === values.authKind;
}

/** What changes the answer of a Test: every field but the name. */
export function affectsTest(field: keyof ConnectionFormValues): boolean {
  return field !== 'name';
}

/** A host typed as a URL: the name shown is the host without its scheme or trailing slashes. */
function defaultName(host: string): string {
  return host
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
}

/**
 * The draft for main. The secret: a typed one is sent; an empty one keeps the
 * stored one; switching to anonymous removes it (null).
 */
export function toDraft(values: ConnectionFormValues, connection?: Connection): ConnectionDraft {
  const { authKind } = values;
  const host = values.host.trim();
  const username = values.username.trim();
  const caPem = values.caPem.trim();
  return {
    ...(connection ? { id: connection.id } : {}),
    name: values.name.trim() || defaultName(host),
    host,
    authKind,
    ...(authKind === 'token' ? { tokenType: values.tokenType } : {}),
    ...(authKind !== 'anonymous' && username ? { username } : {}),
    // "http://host" means plain HTTP even when the box is not ticked.
    plainHttp: values.plainHttp || /^http:\/\//i.test(host),
    tlsSkipVerify: values.tlsSkipVerify,
    ...(caPem ? { caPem } : connection?.caPem ? { caPem: null } : {}),
    ...(authKind === 'anonymous'
      ? connection && connection.secret !== 'none'
        ? { secret: null }
        : {}
      : values.secret
        ? { secret: values.secret }
        : {}),
  };
}

export type CheckedDraft = { ok: true; draft: ConnectionDraft } | { ok: false; errors: Partial<Record<ConnectionErrorField, string>> };

/** The draft, or the problems main would find in it (the first per field), plus a missing password or token. */
export function checkDraft(values: ConnectionFormValues, connection?: Connection): CheckedDraft {
  const draft = toDraft(values, connection);
  const parsed = connectionDraftSchema.safeParse(draft);
  if (!parsed.success) {
    const errors: Partial<Record<ConnectionErrorField, string>> = {};
    for (const issue of parsed.error.issues) {
      const path = String(issue.path[0] ?? '');
      errors[FIELDS_WITH_ERRORS.has(path) ? (path as ConnectionErrorField) : 'form'] ??= issue.message;
    }
    return { ok: false, errors };
  }
  if (values.authKind !== 'anonymous' && !values.secret && !hasStoredSecret(values, connection)) {
    return { ok: false, errors: { secret: values.authKind === 'basic' ? 'Enter the password' : 'Enter the token' } };
  }
  return { ok: true, draft };
}
