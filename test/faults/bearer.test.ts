/**
 * The Bearer token flow against token servers that behave in the ways real
 * ones do (and some a test registry cannot be configured into): anonymous
 * tokens, Basic credentials, OAuth2 identity tokens with the GET fallback,
 * registry tokens, expiry, insufficient_scope, concurrent callers. Throughout,
 * no password or token may reach the logger or an error message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccessDeniedError, createClient, RegistryError, type AuthConfig, type Client } from '../../src-main/registry/index';
import { FaultServer, OCI_MANIFEST, makeImage, recordingLogger, sendBytes, sendError, sendJson } from './fault-server';

const USER = 'alice';
const PASSWORD = 'pw-Bearer-9d2c7e11';
const IDENTITY_TOKEN = 'idt-Bearer-5be8f0a3';
const REGISTRY_TOKEN = 'rgt-Bearer-77aa3c19';
const SERVICE = 'fault-registry';
const image = makeImage();

interface TokenServerOptions {
  /** `expires_in` in token answers; omitted when undefined. */
  expiresIn?: number;
  /** Answer with `access_token` instead of `token`. */
  accessToken?: boolean;
  /** Delay token answers (ms), so concurrent callers overlap. */
  delayMs?: number;
  /** POST (OAuth2) answers 404, as on token servers without it. */
  noOAuth?: boolean;
}

let server: FaultServer;
let issued: Map<string, string[]>;
let logger: ReturnType<typeof recordingLogger>;
const clients: Client[] = [];
const errors: unknown[] = [];

/** Every secret of this file, and every token the server handed out. */
function secrets(): string[] {
  return [
    PASSWORD,
    IDENTITY_TOKEN,
    REGISTRY_TOKEN,
    Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
    Buffer.from(`<token>:${IDENTITY_TOKEN}`).toString('base64'),
    ...issued.keys(),
  ];
}

function challenge(extra = ''): string {
  return `Bearer realm="${server.origin}/token",service="${SERVICE}"${extra}`;
}

function bearer(req: IncomingMessage): string[] | undefined {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m ? issued.get(m[1]!) : undefined;
}

function issue(res: ServerResponse, scopes: string[], options: TokenServerOptions): void {
  const token = `tok-${issued.size + 1}-SECRET-${Math.random().toString(36).slice(2)}`;
  issued.set(token, scopes);
  const body: Record<string, unknown> = options.accessToken ? { access_token: token } : { token };
  if (options.expiresIn !== undefined) body.expires_in = options.expiresIn;
  const send = () => sendJson(res, 200, body);
  if (options.delayMs) setTimeout(send, options.delayMs);
  else send();
}

/** A registry that wants Bearer tokens, with its token endpoint at /token. */
function tokenRegistry(options: TokenServerOptions = {}, credentialsOk: (req: IncomingMessage) => boolean = () => true): void {
  server.route('GET', '/token', (req, res, { request }) => {
    if (!credentialsOk(req)) {
      sendError(res, 401, 'UNAUTHORIZED', 'bad credentials');
      return;
    }
    issue(res, request.query.getAll('scope'), options);
  });
  server.route('POST', '/token', (req, res, { request }) => {
    if (options.noOAuth) {
      sendError(res, 404, 'NOT_FOUND', 'no oauth here');
      return;
    }
    const form = new URLSearchParams(request.body.toString());
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== IDENTITY_TOKEN) {
      sendError(res, 401, 'UNAUTHORIZED', 'bad refresh token');
      return;
    }
    issue(res, (form.get('scope') ?? '').split(' ').filter(Boolean), options);
  });
  server.route('GET', '/v2/', (req, res) => {
    if (!bearer(req) && req.headers.authorization !== `Bearer ${REGISTRY_TOKEN}`) {
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': challenge() });
    } else sendJson(res, 200, {});
  });
  server.route('*', '/v2/app/manifests/v1', (req, res) => {
    const scopes = bearer(req);
    if (req.headers.authorization === `Bearer ${REGISTRY_TOKEN}` || scopes?.includes('repository:app:pull')) {
      sendBytes(res, image.manifest, OCI_MANIFEST);
    } else {
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', {
        'www-authenticate': challenge(',scope="repository:app:pull",error="invalid_token"'),
      });
    }
  });
}

function client(auth?: AuthConfig): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 1, logger: logger.logger, ...(auth ? { auth } : {}) });
  clients.push(c);
  return c.withSegment('app');
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  errors.push(err);
  return err;
}

const tokenRequests = () => server.requests('/token');

beforeEach(async () => {
  server = await FaultServer.start();
  issued = new Map();
  logger = recordingLogger();
});
afterEach(async () => {
  vi.restoreAllMocks();
  // Nothing secret in the log or in any error, whatever the test did.
  const text = logger.text();
  expect(logger.lines.length).toBeGreaterThan(0);
  for (const secret of secrets()) {
    expect(text).not.toContain(secret);
    for (const err of errors) {
      const e = err as RegistryError;
      expect(`${e.message} ${e.url ?? ''} ${e.stack ?? ''} ${JSON.stringify(e)}`).not.toContain(secret);
    }
  }
  errors.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe('getting a token', () => {
  it('anonymously: GET the realm with service and scope, no credentials', async () => {
    tokenRegistry({ expiresIn: 300 });
    const result = await client().getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    const [t] = tokenRequests();
    expect(tokenRequests()).toHaveLength(1);
    expect(t!.method).toBe('GET');
    expect(t!.headers.authorization).toBeUndefined();
    expect(t!.query.get('service')).toBe(SERVICE);
    expect(t!.query.getAll('scope')).toEqual(['repository:app:pull']);
    const [token] = issued.keys();
    expect(server.requests('/v2/app/manifests/v1')[0]!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('with Basic credentials, reading access_token', async () => {
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    tokenRegistry({ accessToken: true, expiresIn: 300 }, (req) => req.headers.authorization === basic);
    const result = await client({ username: USER, password: PASSWORD }).getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    const [t] = tokenRequests();
    expect(t!.headers.authorization).toBe(basic);
    expect(t!.query.get('account')).toBe(USER);
    expect(t!.query.getAll('scope')).toEqual(['repository:app:pull']);
  });

  it('with wrong Basic credentials: AccessDeniedError, without the password in it', async () => {
    tokenRegistry({}, () => false);
    const err = await failure(client({ username: USER, password: PASSWORD }).getManifest('v1'));
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as Error).message).toMatch(/rejected the credentials/);
  });

  it('with an identity token: the OAuth2 POST with grant_type=refresh_token', async () => {
    tokenRegistry({ accessToken: true, expiresIn: 300 });
    const result = await client({ identityToken: IDENTITY_TOKEN }).getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(tokenRequests()).toHaveLength(1);
    const [t] = tokenRequests();
    expect(t!.method).toBe('POST');
    expect(t!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(t!.body.toString());
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe(IDENTITY_TOKEN);
    expect(form.get('service')).toBe(SERVICE);
    expect(form.get('scope')).toBe('repository:app:pull');
    expect(form.get('client_id')).toBeTruthy();
  });

  it('with an identity token: GET with <token> credentials when the POST answers 404', async () => {
    const basic = `Basic ${Buffer.from(`<token>:${IDENTITY_TOKEN}`).toString('base64')}`;
    tokenRegistry({ noOAuth: true, expiresIn: 300 }, (req) => req.headers.authorization === basic);
    const result = await client({ identityToken: IDENTITY_TOKEN }).getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(tokenRequests().map((r) => r.method)).toEqual(['POST', 'GET']);
    const get = tokenRequests()[1]!;
    expect(get.headers.authorization).toBe(basic);
    expect(get.query.getAll('scope')).toEqual(['repository:app:pull']);
  });

  it('with a registry token: sent as is, no token request, no ping', async () => {
    tokenRegistry();
    const result = await client({ registryToken: REGISTRY_TOKEN }).getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(tokenRequests()).toHaveLength(0);
    expect(server.requests('/v2/')).toHaveLength(0);
    expect(server.requests('/v2/app/manifests/v1').map((r) => r.headers.authorization)).toEqual([`Bearer ${REGISTRY_TOKEN}`]);
  });

  it('a rejected registry token: AccessDeniedError after one request, without the token in it', async () => {
    tokenRegistry();
    server.route('*', '/v2/app/manifests/v1', (_req, res) =>
      sendError(res, 401, 'UNAUTHORIZED', 'token expired', { 'www-authenticate': challenge(',error="invalid_token"') }),
    );
    const err = await failure(client({ registryToken: REGISTRY_TOKEN }).getManifest('v1'));
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as AccessDeniedError).status).toBe(401);
    expect(server.requests('/v2/app/manifests/v1')).toHaveLength(1);
    expect(tokenRequests()).toHaveLength(0);
  });

  it('a token answer without a token is a clear RegistryError', async () => {
    tokenRegistry();
    server.route('GET', '/token', (_req, res) => sendJson(res, 200, { expires_in: 300 }));
    const err = await failure(client().getManifest('v1'));
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/without a token/);
  });
});

describe('the token cache', () => {
  it('two calls, one token request; a sibling client of the same root shares it', async () => {
    tokenRegistry({ expiresIn: 300 });
    const c = client();
    await c.getManifest('v1');
    await c.getDigest('v1');
    const sibling = clients[0]!.withSegment('app');
    await sibling.getManifest('v1');
    expect(tokenRequests()).toHaveLength(1);
    expect(server.requests('/v2/')).toHaveLength(1);
    expect(server.requests('/v2/app/manifests/v1')).toHaveLength(3);
  });

  it('expires_in below 60 s counts as 60 s: still cached 30 s later, renewed after a minute', async () => {
    tokenRegistry({ expiresIn: 1 });
    const realNow = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const c = client();
    await c.getManifest('v1');
    offset = 30_000;
    await c.getManifest('v1');
    expect(tokenRequests()).toHaveLength(1);
    offset = 61_000;
    await c.getManifest('v1');
    expect(tokenRequests()).toHaveLength(2);
    // The renewed token is the one used.
    const second = [...issued.keys()][1];
    expect(server.requests('/v2/app/manifests/v1').at(-1)!.headers.authorization).toBe(`Bearer ${second}`);
  });

  it('a token is renewed before it expires, not after', async () => {
    tokenRegistry({ expiresIn: 300 });
    const realNow = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const c = client();
    await c.getManifest('v1');
    offset = 200_000;
    await c.getManifest('v1');
    expect(tokenRequests()).toHaveLength(1);
    offset = 290_000; // 10 s before expiry
    await c.getManifest('v1');
    expect(tokenRequests()).toHaveLength(2);
  });

  it("without expires_in the spec's 60 s apply", async () => {
    tokenRegistry({});
    const realNow = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const c = client();
    await c.getManifest('v1');
    offset = 20_000;
    await c.getManifest('v1');
    expect(tokenRequests()).toHaveLength(1);
    offset = 70_000;
    await c.getManifest('v1');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('concurrent calls share one ping and one token request', async () => {
    tokenRegistry({ expiresIn: 300, delayMs: 150 });
    const c = client();
    const results = await Promise.all(Array.from({ length: 6 }, () => c.getManifest('v1')));
    for (const r of results) expect(r.descriptor.digest).toBe(image.digest);
    expect(server.requests('/v2/')).toHaveLength(1);
    expect(tokenRequests()).toHaveLength(1);
    const [token] = issued.keys();
    for (const r of server.requests('/v2/app/manifests/v1')) expect(r.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('concurrent calls after expiry share one renewal', async () => {
    tokenRegistry({ expiresIn: 120, delayMs: 100 });
    const realNow = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const c = client();
    await c.getManifest('v1');
    offset = 200_000;
    await Promise.all(Array.from({ length: 5 }, () => c.getManifest('v1')));
    expect(tokenRequests()).toHaveLength(2);
  });

  it('a failed token request is not cached: the next call asks again', async () => {
    tokenRegistry({ expiresIn: 300 });
    server.route('GET', '/token', (_req, res, { request, hit }) => {
      if (hit === 1) sendError(res, 400, 'BAD_REQUEST', 'try again');
      else issue(res, request.query.getAll('scope'), { expiresIn: 300 });
    });
    const c = client();
    const err = await failure(c.getManifest('v1'));
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/token service .* answered 400/);
    expect((await c.getManifest('v1')).descriptor.digest).toBe(image.digest);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('a token the registry no longer accepts is replaced once', async () => {
    tokenRegistry({ expiresIn: 300 });
    const c = client();
    await c.getManifest('v1');
    const [first] = issued.keys();
    issued.delete(first!); // the registry forgets it (revoked, or the server restarted)
    const result = await c.getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(tokenRequests()).toHaveLength(2);
  });
});

describe('insufficient_scope', () => {
  const wider = ['repository:app:pull', 'repository:other:pull'];
  function needsWiderScope(status: 401 | 403) {
    server.route('*', '/v2/app/manifests/v1', (req, res) => {
      const scopes = bearer(req) ?? [];
      if (scopes.includes('repository:other:pull')) {
        sendBytes(res, image.manifest, OCI_MANIFEST);
        return;
      }
      sendError(res, status, 'DENIED', 'insufficient scope', {
        'www-authenticate': challenge(`,scope="${wider.join(' ')}",error="insufficient_scope"`),
      });
    });
  }

  it.each([401, 403] as const)('a %i challenge naming a scope: one retry with that scope added', async (status) => {
    tokenRegistry({ expiresIn: 300 });
    needsWiderScope(status);
    const result = await client().getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(tokenRequests().map((r) => r.query.getAll('scope'))).toEqual([['repository:app:pull'], wider]);
    expect(server.requests('/v2/app/manifests/v1')).toHaveLength(2);
  });

  it('a registry that keeps refusing: one retry only, then AccessDeniedError', async () => {
    tokenRegistry({ expiresIn: 300 });
    server.route('*', '/v2/app/manifests/v1', (_req, res) =>
      sendError(res, 401, 'DENIED', 'no', { 'www-authenticate': challenge(`,scope="${wider.join(' ')}",error="insufficient_scope"`) }),
    );
    const err = await failure(client().getManifest('v1'));
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(server.requests('/v2/app/manifests/v1')).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(2);
  });
});

describe('a registry that answers 200 on /v2/ but protects repositories', () => {
  it('learns the challenge from the 401 and gets a token', async () => {
    tokenRegistry({ expiresIn: 300 });
    server.route('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    const result = await client().getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(tokenRequests()).toHaveLength(1);
    const manifestRequests = server.requests('/v2/app/manifests/v1');
    expect(manifestRequests).toHaveLength(2);
    expect(manifestRequests[0]!.headers.authorization).toBeUndefined();
  });
});
