/**
 * connections.test against real registries: reachable, TLS, credentials
 * accepted or refused, catalog offered or not; saved connections and unsaved
 * drafts.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { anonymous, basic, token } = lading.registries;
let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  for (const line of app.transcript) {
    expect(line).not.toContain(basic.credentials.password);
    expect(line).not.toContain(token.credentials.password);
  }
  await app?.close();
});

describe('connections.test', () => {
  it('an anonymous registry: reachable, catalog offered', async () => {
    const c = await connect(app, anonymous, 'anonymous');
    const result = await app.ok('connections.test', { id: c.id });
    expect(result).toMatchObject({ ok: true, registry: anonymous.host, reachable: true, tls: 'not-used', credentials: 'anonymous', catalog: 'supported' });
    expect(result.error).toBeUndefined();
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('Basic auth: the right password is accepted, a wrong one refused', async () => {
    const good = await connect(app, basic, basic.credentials);
    expect(await app.ok('connections.test', { id: good.id })).toMatchObject({ ok: true, credentials: 'accepted', catalog: 'supported' });
    const bad = await connect(app, basic, { username: basic.credentials.username, password: 'wrong-password-1' });
    const result = await app.ok('connections.test', { id: bad.id });
    expect(result).toMatchObject({ ok: false, reachable: true, credentials: 'rejected', error: { code: 'access-denied' } });
  });

  it('token auth: the right password is accepted, a wrong one refused', async () => {
    const good = await connect(app, token, token.credentials);
    expect(await app.ok('connections.test', { id: good.id })).toMatchObject({ ok: true, credentials: 'accepted', catalog: 'supported' });
    const bad = await connect(app, token, { username: token.credentials.username, password: 'wrong-password-2' });
    expect(await app.ok('connections.test', { id: bad.id })).toMatchObject({ ok: false, reachable: true, credentials: 'rejected', error: { code: 'access-denied' } });
  });

  it('anonymous on a token registry: reachable, but no catalog for this account', async () => {
    const c = await connect(app, token, 'anonymous');
    expect(await app.ok('connections.test', { id: c.id })).toMatchObject({ ok: true, reachable: true, credentials: 'anonymous', catalog: 'unsupported' });
  });

  it('a port nobody listens on: unreachable', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const result = await app.ok('connections.test', { draft: { name: 'gone', host: `127.0.0.1:${port}`, authKind: 'anonymous', plainHttp: true } });
    expect(result).toMatchObject({ ok: false, reachable: false, credentials: 'unknown', catalog: 'unknown', error: { code: 'unreachable' } });
  });

  it('HTTPS to a plain-HTTP registry: TLS fails, and the message says so', async () => {
    const result = await app.ok('connections.test', { draft: { name: 'tls', host: anonymous.host, authKind: 'anonymous' } });
    expect(result.ok).toBe(false);
    expect(result.reachable).toBe(false);
    expect(result.error?.code).toBe('unreachable');
    expect(result.error?.message).toMatch(/HTTP|TLS/);
  });

  it('a draft: with its own password, or the stored one of the connection it edits', async () => {
    const draft = { name: 'draft', host: `http://${basic.host}`, authKind: 'basic' as const, username: basic.credentials.username };
    expect(await app.ok('connections.test', { draft: { ...draft, secret: basic.credentials.password } })).toMatchObject({ ok: true, credentials: 'accepted' });
    expect(await app.ok('connections.test', { draft: { ...draft, secret: 'nope-nope-nope' } })).toMatchObject({ ok: false, credentials: 'rejected' });
    const saved = await connect(app, basic, basic.credentials, 'saved');
    expect(await app.ok('connections.test', { draft: { ...draft, id: saved.id } })).toMatchObject({ ok: true, credentials: 'accepted' });
    // No password anywhere: said plainly, nothing sent.
    expect(await app.ok('connections.test', { draft })).toMatchObject({
      ok: false, reachable: false, error: { code: 'access-denied', message: 'No password is stored for connection "draft": enter it in the connection\'s settings' },
    });
  });
});
