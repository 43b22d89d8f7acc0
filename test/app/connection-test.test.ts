/**
 * connections.test against real registries: reachable, TLS, credentials
 * accepted or refused, catalog offered or not; saved connections and unsaved
 * drafts.
 */
import { rm } from 'node:fs/promises';
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FaultServer } from '../faults/fault-server';
import { selfSignedLoopbackCert } from '../harness/loopback-cert';
import { makeTempDir } from '../harness/tmp';
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
    expect(result).toMatchObject({
      ok: true,
      registry: anonymous.host,
      reachable: true,
      tls: 'not-used',
      credentials: 'anonymous',
      catalog: 'supported',
    });
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
    expect(await app.ok('connections.test', { id: bad.id })).toMatchObject({
      ok: false,
      reachable: true,
      credentials: 'rejected',
      error: { code: 'access-denied' },
    });
  });

  it('anonymous on a token registry: reachable, but no catalog for this account', async () => {
    const c = await connect(app, token, 'anonymous');
    expect(await app.ok('connections.test', { id: c.id })).toMatchObject({
      ok: true,
      reachable: true,
      credentials: 'anonymous',
      catalog: 'unsupported',
    });
  });

  it('a port nobody listens on: unreachable', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const result = await app.ok('connections.test', {
      draft: { name: 'gone', host: `127.0.0.1:${port}`, authKind: 'anonymous', plainHttp: true },
    });
    expect(result).toMatchObject({
      ok: false,
      reachable: false,
      credentials: 'unknown',
      catalog: 'unknown',
      error: { code: 'unreachable' },
    });
  });

  it('HTTPS to a plain-HTTP registry: reachable, TLS failed, and plain HTTP would work; with it, the test passes', async () => {
    const draft = { name: 'tls', host: anonymous.host, authKind: 'anonymous' as const };
    const result = await app.ok('connections.test', { draft });
    expect(result).toMatchObject({
      ok: false,
      reachable: true,
      tls: 'failed',
      plainHttpAnswers: true,
      credentials: 'unknown',
      catalog: 'unknown',
    });
    expect(result.error).toMatchObject({ code: 'unreachable', details: { networkCode: 'ERR_SSL_WRONG_VERSION_NUMBER' } });
    expect(result.error?.message).toMatch(/TLS handshake .* failed: does this registry speak plain HTTP/);
    expect(await app.ok('connections.test', { draft: { ...draft, plainHttp: true } })).toMatchObject({
      ok: true,
      tls: 'not-used',
      catalog: 'supported',
    });
  });

  it('the plain-HTTP probe sends no credentials: a 401 from a registry with Basic auth still counts as an answer', async () => {
    const relay = await startRecordingRelay(basic.host);
    try {
      const draft = {
        name: 'basic-tls',
        host: relay.host,
        authKind: 'basic' as const,
        username: basic.credentials.username,
        secret: basic.credentials.password,
      };
      const result = await app.ok('connections.test', { draft });
      expect(result).toMatchObject({ ok: false, reachable: true, tls: 'failed', plainHttpAnswers: true });
      const sent = relay.sent();
      expect(sent).toContain('GET /v2/ HTTP/1.1');
      expect(sent).not.toMatch(/authorization/i);
      expect(sent).not.toContain(basic.credentials.password);
    } finally {
      await relay.close();
    }
  });

  it('a plain-HTTP server that is not a registry: reachable, TLS failed, no plain-HTTP offer', async () => {
    // A stand-in web server (no routes: 404 for /v2/); the harness's registries all answer /v2/.
    const web = await FaultServer.start();
    try {
      const result = await app.ok('connections.test', { draft: { name: 'web', host: web.host, authKind: 'anonymous' } });
      expect(result).toMatchObject({ ok: false, reachable: true, tls: 'failed', plainHttpAnswers: false });
      expect(web.requests('/v2/', 'GET')).toHaveLength(1);
    } finally {
      await web.close();
    }
  });

  it('an untrusted certificate: reachable, TLS failed, and plain HTTP is not probed (it is no cure for a certificate)', async () => {
    // A stand-in HTTPS server with a self-signed certificate (no registry here serves TLS).
    const dir = await makeTempDir('lading-conn-tls-');
    try {
      const server = await FaultServer.start({ tls: selfSignedLoopbackCert(dir, 'server') });
      try {
        const result = await app.ok('connections.test', { draft: { name: 'self-signed', host: server.host, authKind: 'anonymous' } });
        expect(result).toMatchObject({ ok: false, reachable: true, tls: 'failed' });
        expect(result.plainHttpAnswers).toBeUndefined();
        expect(result.error?.message).toMatch(/certificate .* is not trusted/);
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a draft: with its own password, or the stored one of the connection it edits', async () => {
    const draft = { name: 'draft', host: `http://${basic.host}`, authKind: 'basic' as const, username: basic.credentials.username };
    expect(await app.ok('connections.test', { draft: { ...draft, secret: basic.credentials.password } })).toMatchObject({
      ok: true,
      credentials: 'accepted',
    });
    expect(await app.ok('connections.test', { draft: { ...draft, secret: 'nope-nope-nope' } })).toMatchObject({
      ok: false,
      credentials: 'rejected',
    });
    const saved = await connect(app, basic, basic.credentials, 'saved');
    expect(await app.ok('connections.test', { draft: { ...draft, id: saved.id } })).toMatchObject({ ok: true, credentials: 'accepted' });
    // No password anywhere: said plainly, nothing sent.
    expect(await app.ok('connections.test', { draft })).toMatchObject({
      ok: false,
      reachable: false,
      error: { code: 'access-denied', message: 'No password is stored for connection "draft": enter it in the connection\'s settings' },
    });
  });
});

/** A TCP relay in front of a real registry that records every byte the client sent through it. */
async function startRecordingRelay(upstream: string): Promise<{ host: string; sent(): string; close(): Promise<void> }> {
  const [upHost, upPort] = upstream.split(':') as [string, string];
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const up = tcpConnect(Number(upPort), upHost);
    for (const s of [client, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (d: Buffer) => chunks.push(d));
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => Buffer.concat(chunks).toString('latin1'),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
