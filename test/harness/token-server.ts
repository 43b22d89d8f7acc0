/**
 * A loopback token endpoint that behaves like the ones in front of real
 * registries (Docker Hub, Harbor, GitLab): GET with `service` and repeated
 * `scope` (Basic credentials for a user, none for anonymous) and the OAuth2
 * POST form (`grant_type=password` / `refresh_token`).
 *
 * Every request is recorded (never the password) so tests can check what a
 * client asked for. Tests running in other processes than the one that started
 * the server read and reset the record over HTTP at `/_harness/requests`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenIssuer, type AccessEntry } from './jwt.js';
import { loadTokenKeyPair, type TokenKeyPair } from './token-keys.js';
import { grant, splitScopes } from './token-policy.js';

export interface TokenServerOptions {
  keyPair: TokenKeyPair;
  /** The `aud` of every token; the registry's `auth.token.service`. */
  service?: string;
  /** The `iss` of every token; the registry's `auth.token.issuer`. */
  issuer?: string;
  /** username -> password. */
  users?: Record<string, string>;
  /** Token lifetime in seconds (default 300). */
  expiresIn?: number;
  /** When false, POST answers 404 so clients must fall back to GET (default true). */
  postSupported?: boolean;
  /** 'pull' (default): anonymous callers may pull; 'deny': anonymous GETs get 401. */
  anonymous?: 'pull' | 'deny';
}

export type CredentialKind = 'none' | 'basic' | 'password' | 'refresh_token';

export interface TokenRequestRecord {
  method: string;
  /** POST only. */
  grantType?: string | undefined;
  service?: string | undefined;
  clientId?: string | undefined;
  /** Every requested scope, split into single scopes. */
  scopes: string[];
  /** Whether any credential (Basic, password or refresh token) came with the request. */
  withCredentials: boolean;
  credentialKind: CredentialKind;
  username?: string;
  status: number;
  /** Epoch milliseconds. */
  time: number;
}

export interface TokenResponseBody {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
  refresh_token?: string;
}

export interface RunningTokenServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The realm to put in a registry config: `${url}/token`. */
  realm: string;
  service: string;
  issuer: string;
  keyPair: TokenKeyPair;
  /** Live record of requests; `resetRequests()` empties it. */
  readonly requests: TokenRequestRecord[];
  resetRequests(): void;
  /** Mints a token directly, to hand to a client as a pre-issued registry token. */
  issueToken(user: string, access: AccessEntry[], expiresIn?: number): string;
  stop(): Promise<void>;
}

export const DEFAULT_SERVICE = 'lading-registry';
export const DEFAULT_ISSUER = 'lading-token-issuer';
/** Path under the token server that exposes the request record to other processes. */
export const REQUESTS_PATH = '/_harness/requests';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Decodes `Authorization: Basic`, or undefined when absent or not Basic. */
function basicCredentials(req: IncomingMessage): { username: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) throw new HttpError(400, 'invalid_request', 'unsupported Authorization header');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new HttpError(400, 'invalid_request', 'malformed Basic credentials');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startTokenServer(opts: TokenServerOptions): Promise<RunningTokenServer> {
  const service = opts.service ?? DEFAULT_SERVICE;
  const issuerName = opts.issuer ?? DEFAULT_ISSUER;
  const users = opts.users ?? {};
  const postSupported = opts.postSupported ?? true;
  const anonymous = opts.anonymous ?? 'pull';
  const issuer = new TokenIssuer({
    keys: await loadTokenKeyPair(opts.keyPair),
    issuer: issuerName,
    service,
    expiresIn: opts.expiresIn ?? 300,
  });
  /** refresh token -> username */
  const refreshTokens = new Map<string, string>();
  const requests: TokenRequestRecord[] = [];

  const checkUser = (username: string, password: string): void => {
    if (users[username] === undefined || users[username] !== password) {
      throw new HttpError(401, 'UNAUTHORIZED', 'invalid username or password');
    }
  };

  const checkService = (given: string | undefined): void => {
    if (given !== undefined && given !== service) {
      throw new HttpError(400, 'invalid_request', `unknown service ${JSON.stringify(given)}`);
    }
  };

  const answer = (user: string | undefined, scopes: string[], withRefresh: boolean): TokenResponseBody => {
    const issued = issuer.issue(user ?? '', grant(scopes, user));
    const body: TokenResponseBody = {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
    };
    if (withRefresh && user !== undefined) {
      const refresh = randomBytes(24).toString('base64url');
      refreshTokens.set(refresh, user);
      body.refresh_token = refresh;
    }
    return body;
  };

  const handleGet = (url: URL, req: IncomingMessage, record: TokenRequestRecord): TokenResponseBody => {
    record.service = url.searchParams.get('service') ?? undefined;
    record.clientId = url.searchParams.get('client_id') ?? undefined;
    record.scopes = splitScopes(url.searchParams.getAll('scope'));
    const creds = basicCredentials(req);
    if (creds !== undefined) {
      record.withCredentials = true;
      record.credentialKind = 'basic';
      record.username = creds.username;
      checkUser(creds.username, creds.password);
    } else if (anonymous === 'deny') {
      throw new HttpError(401, 'UNAUTHORIZED', 'anonymous access is denied');
    }
    checkService(record.service);
    const offline = url.searchParams.get('offline_token') === 'true';
    return answer(creds?.username, record.scopes, offline);
  };

  const handlePost = (form: URLSearchParams, record: TokenRequestRecord): TokenResponseBody => {
    record.grantType = form.get('grant_type') ?? undefined;
    record.service = form.get('service') ?? undefined;
    record.clientId = form.get('client_id') ?? undefined;
    record.scopes = splitScopes(form.getAll('scope'));
    if (record.grantType === 'password') {
      const username = form.get('username') ?? '';
      record.withCredentials = true;
      record.credentialKind = 'password';
      record.username = username;
      checkUser(username, form.get('password') ?? '');
      checkService(record.service);
      return answer(username, record.scopes, true);
    }
    if (record.grantType === 'refresh_token') {
      record.withCredentials = true;
      record.credentialKind = 'refresh_token';
      const user = refreshTokens.get(form.get('refresh_token') ?? '');
      if (user === undefined) throw new HttpError(401, 'invalid_grant', 'unknown refresh token');
      record.username = user;
      checkService(record.service);
      return answer(user, record.scopes, false);
    }
    throw new HttpError(400, 'unsupported_grant_type', `unsupported grant_type ${JSON.stringify(record.grantType)}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === REQUESTS_PATH) {
      if (req.method === 'DELETE') {
        requests.length = 0;
        res.writeHead(204).end();
      } else {
        sendJson(res, 200, requests);
      }
      return;
    }
    if (url.pathname !== '/token') {
      sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
      return;
    }
    const record: TokenRequestRecord = {
      method: req.method ?? '',
      scopes: [],
      withCredentials: false,
      credentialKind: 'none',
      status: 0,
      time: Date.now(),
    };
    requests.push(record);
    try {
      let body: TokenResponseBody;
      if (req.method === 'GET') {
        body = handleGet(url, req, record);
      } else if (req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        if (!postSupported) {
          record.grantType = form.get('grant_type') ?? undefined;
          throw new HttpError(404, 'NOT_FOUND', 'POST is not supported by this token server');
        }
        body = handlePost(form, record);
      } else {
        throw new HttpError(405, 'UNSUPPORTED', `method ${req.method ?? ''} not allowed`);
      }
      record.status = 200;
      sendJson(res, 200, body);
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, 'INTERNAL', String(err));
      record.status = e.status;
      // Both shapes: the registry error envelope and OAuth2's error/error_description.
      sendJson(
        res,
        e.status,
        { errors: [{ code: e.code, message: e.message }], error: e.code, error_description: e.message },
        e.status === 401 ? { 'www-authenticate': `Basic realm="${service}"` } : {},
      );
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ code: 'INTERNAL', message: String(err) }] });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the kernel picks a free port atomically, no race.
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    realm: `${url}/token`,
    service,
    issuer: issuerName,
    keyPair: opts.keyPair,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    issueToken: (user, access, expiresIn) => issuer.issue(user, access, expiresIn).token,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A token minter over an existing key pair, without a server: for tests that
 * hand a client a pre-issued registry token (the key pair is in inject('lading')).
 */
export async function createTokenIssuer(opts: {
  keyPair: TokenKeyPair;
  service?: string;
  issuer?: string;
  expiresIn?: number;
}): Promise<TokenIssuer> {
  return new TokenIssuer({
    keys: await loadTokenKeyPair(opts.keyPair),
    service: opts.service ?? DEFAULT_SERVICE,
    issuer: opts.issuer ?? DEFAULT_ISSUER,
    expiresIn: opts.expiresIn ?? 300,
  });
}

/** Reads the request record of a token server running in another process. */
export async function fetchTokenRequests(tokenServerUrl: string): Promise<TokenRequestRecord[]> {
  const res = await fetch(`${tokenServerUrl}${REQUESTS_PATH}`);
  if (!res.ok) throw new Error(`token server record: HTTP ${res.status}`);
  return (await res.json()) as TokenRequestRecord[];
}

/** Empties the request record of a token server running in another process. */
export async function resetTokenRequests(tokenServerUrl: string): Promise<void> {
  const res = await fetch(`${tokenServerUrl}${REQUESTS_PATH}`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`token server record reset: HTTP ${res.status}`);
}
