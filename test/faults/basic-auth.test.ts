/**
 * Basic auth (as ECR and htpasswd registries answer) in the shapes a test
 * registry is not configured into: protection only below /v2/, wrong
 * credentials, and several challenges in separate WWW-Authenticate headers.
 */
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError, createClient, type AuthConfig, type Client } from '../../src-main/registry/index';
import { FaultServer, OCI_MANIFEST, makeImage, recordingLogger, sendBytes, sendError, sendJson } from './fault-server';

const USER = 'alice';
const PASSWORD = 'pw-Basic-40e1b2d9';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const MANIFEST_PATH = '/v2/app/manifests/v1';
const image = makeImage();

let server: FaultServer;
let logger: ReturnType<typeof recordingLogger>;
const clients: Client[] = [];

function app(auth?: AuthConfig): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 1, logger: logger.logger, ...(auth ? { auth } : {}) });
  clients.push(c);
  return c.withSegment('app');
}

beforeEach(async () => {
  server = await FaultServer.start();
  logger = recordingLogger();
});
afterEach(async () => {
  expect(logger.text()).not.toContain(PASSWORD);
  expect(logger.text()).not.toContain(BASIC.slice('Basic '.length));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

const ok = (req: IncomingMessage) => req.headers.authorization === BASIC;

describe('Basic auth', () => {
  it('credentials are sent once /v2/ has asked for them', async () => {
    server.route('GET', '/v2/', (req, res) =>
      ok(req) ? sendJson(res, 200, {}) : sendError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': 'Basic realm="r"' }),
    );
    server.route('GET', MANIFEST_PATH, (req, res) =>
      ok(req) ? sendBytes(res, image.manifest, OCI_MANIFEST) : sendError(res, 401, 'UNAUTHORIZED', 'x'),
    );
    expect((await app({ username: USER, password: PASSWORD }).getManifest('v1')).descriptor.digest).toBe(image.digest);
    expect(server.requests('/v2/')[0]!.headers.authorization).toBeUndefined();
    expect(server.requests(MANIFEST_PATH).map((r) => r.headers.authorization)).toEqual([BASIC]);
  });

  it('a registry open at /v2/ but protecting repositories: one retry with credentials', async () => {
    server.route('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    server.route('GET', MANIFEST_PATH, (req, res) =>
      ok(req)
        ? sendBytes(res, image.manifest, OCI_MANIFEST)
        : sendError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': 'Basic realm="r"' }),
    );
    expect((await app({ username: USER, password: PASSWORD }).getManifest('v1')).descriptor.digest).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH).map((r) => r.headers.authorization)).toEqual([undefined, BASIC]);
  });

  it('wrong credentials: AccessDeniedError after one try, no password in the message', async () => {
    server.route('*', /.*/, (_req, res) =>
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="r"' }),
    );
    const err = await app({ username: USER, password: PASSWORD })
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as AccessDeniedError).status).toBe(401);
    expect((err as Error).message).toMatch(/credentials were rejected/);
    expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain(PASSWORD);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(1);
  });

  it('no credentials for a Basic registry: AccessDeniedError that says credentials are needed', async () => {
    server.route('*', /.*/, (_req, res) =>
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="r"' }),
    );
    const err = await app()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as Error).message).toMatch(/needs credentials/);
  });

  it('Basic and Bearer offered in separate WWW-Authenticate headers: Bearer is used', async () => {
    const bearer = `Bearer realm="${server.origin}/token",service="svc"`;
    const challenge = (res: import('node:http').ServerResponse) => {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': ['Basic realm="r"', bearer] });
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    };
    server.route('GET', '/token', (_req, res) => sendJson(res, 200, { token: 'anon-token', expires_in: 300 }));
    server.route('GET', '/v2/', (req, res) =>
      req.headers.authorization === 'Bearer anon-token' ? sendJson(res, 200, {}) : challenge(res),
    );
    server.route('GET', MANIFEST_PATH, (req, res) =>
      req.headers.authorization === 'Bearer anon-token' ? sendBytes(res, image.manifest, OCI_MANIFEST) : challenge(res),
    );
    expect((await app().getManifest('v1')).descriptor.digest).toBe(image.digest);
    expect(server.requests('/token')).toHaveLength(1);
  });
});
