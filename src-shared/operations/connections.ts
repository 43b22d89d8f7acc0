/**
 * Connections and where their secrets are kept: the results, the draft a
 * connection is saved from, and the operations (part of the contract's table).
 */
import { z } from 'zod';
import type { AppError } from '../errors';
import {
  authKindSchema,
  caPemSchema,
  connectionIdSchema,
  displayNameSchema,
  importKeySchema,
  registryHostSchema,
  secretSchema,
  tokenTypeSchema,
  usernameSchema,
} from '../schemas';
import { operation, empty, uniqueList } from '../operation-spec';

export type AuthKind = z.infer<typeof authKindSchema>;
export type TokenType = z.infer<typeof tokenTypeSchema>;

/** A saved connection. The secret itself never leaves main; `secret` says whether one is kept, and where. */
export interface Connection {
  id: string;
  name: string;
  /** `host[:port][/path]`, no scheme. */
  host: string;
  authKind: AuthKind;
  /** For auth kind `token`. */
  tokenType?: TokenType;
  username?: string;
  plainHttp: boolean;
  tlsSkipVerify: boolean;
  caPem?: string;
  /** `none`: no secret kept; `keychain`: in the OS keychain; `session`: in memory until the app quits. */
  secret: 'none' | 'keychain' | 'session';
  /** Set for the profiles created on first launch. */
  preset?: 'docker-hub' | 'ghcr';
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionTestResult {
  /** Reachable, TLS fine and credentials (if any) accepted. */
  ok: boolean;
  /** `host[/path]` as the client names it. */
  registry: string;
  /** A connection was made (also when only the TLS handshake on it failed). */
  reachable: boolean;
  /** `ok`: verified; `not-verified`: skip-verify is on; `not-used`: plain HTTP; `failed`: handshake or certificate failed. */
  tls: 'ok' | 'not-verified' | 'not-used' | 'failed' | 'unknown';
  /**
   * Only when the TLS handshake failed because the server does not speak TLS: whether `GET http://<host>/v2/`
   * (sent once, without credentials) answered as a registry does, so that turning on plain HTTP would work.
   */
  plainHttpAnswers?: boolean;
  /** `anonymous`: none were given; `unknown`: could not be told (unreachable, or the registry never asked). */
  credentials: 'accepted' | 'rejected' | 'anonymous' | 'unknown';
  catalog: 'supported' | 'unsupported' | 'unknown';
  elapsedMs: number;
  /** Why it is not ok. */
  error?: AppError;
}

export interface CredentialsStatus {
  /** Where new secrets go. */
  storage: 'keychain' | 'session';
  keychainAvailable: boolean;
  /** For the UI, e.g. why there is no keychain and what that means. */
  message: string;
}

export interface ImportCandidate {
  /** Pass to connections.import. `<source>:<server as written in the file>`. */
  key: string;
  source: 'docker' | 'podman';
  /** The config file it was found in. */
  file: string;
  /** The server as written in the file, e.g. `https://index.docker.io/v1/`. */
  server: string;
  /** Normalised: `docker.io`, `ghcr.io`, `localhost:5000`. */
  host: string;
  plainHttp: boolean;
  authKind: 'basic' | 'token';
  tokenType?: TokenType;
  /** Unknown for credential helpers until the secret is fetched at import. */
  username?: string;
  /** Where the secret is: in the file, a credsStore or a credHelper. */
  via: 'file' | 'credsStore' | 'credHelper';
  /** The helper's name (`docker-credential-<helper>`). */
  helper?: string;
  /** A saved connection to the same host and user, which an import would update. */
  existing?: string;
}

export interface ImportCandidatesResult {
  candidates: ImportCandidate[];
  /** Every file looked at. */
  sources: { file: string; source: 'docker' | 'podman'; found: boolean; error?: string }[];
}

export interface ImportResult {
  imported: { key: string; connection: Connection; updated: boolean }[];
  failed: { key: string; error: AppError }[];
}

const connectionFields = {
  name: displayNameSchema,
  host: registryHostSchema,
  authKind: authKindSchema,
  tokenType: tokenTypeSchema.optional(),
  username: usernameSchema.optional(),
  plainHttp: z.boolean({ error: 'plainHttp must be true or false' }).default(false),
  tlsSkipVerify: z.boolean({ error: 'tlsSkipVerify must be true or false' }).default(false),
  caPem: caPemSchema.nullable().optional(),
  /** A string sets the secret, null removes it, absent keeps what is stored. */
  secret: secretSchema.nullable().optional(),
};

function checkAuth(
  v: { authKind: AuthKind; username?: string | undefined; tokenType?: TokenType | undefined; secret?: string | null | undefined },
  ctx: z.RefinementCtx,
): void {
  if (v.authKind === 'anonymous') {
    if (v.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'An anonymous connection has no username' });
    if (v.secret) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'An anonymous connection has no secret' });
  }
  if (v.authKind === 'basic' && !v.username) {
    ctx.addIssue({ code: 'custom', path: ['username'], message: 'Basic auth needs a username' });
  }
  if (v.authKind !== 'token' && v.tokenType !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['tokenType'], message: 'tokenType applies to auth kind "token" only' });
  }
}

export const connectionDraftSchema = z.strictObject({ id: connectionIdSchema.optional(), ...connectionFields }).superRefine(checkAuth);

export const connectionOperations = {
  'connections.list': operation<Connection[]>()('query', 'Saved connections (the presets on first launch)', empty),
  'connections.save': operation<Connection>()(
    'command',
    'Creates (no id) or updates a connection; secret: string sets, null removes, absent keeps',
    connectionDraftSchema,
  ),
  'connections.remove': operation<{ id: string }>()(
    'command',
    'Removes a connection and its secret',
    z.strictObject({ id: connectionIdSchema }),
  ),
  'connections.test': operation<ConnectionTestResult>()(
    'command',
    'Tests a saved connection (id) or an unsaved draft: reachable, TLS, credentials, catalog',
    z
      .strictObject({ id: connectionIdSchema.optional(), draft: connectionDraftSchema.optional() })
      .refine((v) => (v.id === undefined) !== (v.draft === undefined), 'Give either "id" or "draft"'),
  ),
  'connections.importCandidates': operation<ImportCandidatesResult>()(
    'query',
    'Logins found in ~/.docker/config.json (auths, credsStore, credHelpers) and Podman auth.json; no secrets',
    empty,
  ),
  'connections.import': operation<ImportResult>()(
    'command',
    'Imports candidates by key: the secret goes to the keychain (or the session), a connection is created or updated',
    z.strictObject({ keys: uniqueList(importKeySchema, 100, 'keys').refine((k) => k.length > 0, 'Give at least one key') }),
  ),
  'credentials.status': operation<CredentialsStatus>()('query', 'Where secrets are kept: the OS keychain, or this session only', empty),
} as const;
