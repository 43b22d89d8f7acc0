/**
 * The web bridge (src-main/web/server.ts) over real sockets, with the real
 * services behind it and the renderer's own client (src-renderer/bridge) on
 * the other end: it refuses a missing or wrong token, a foreign Origin and a
 * non-loopback Host; serves the renderer folder and nothing outside it, with
 * a strict CSP; answers the contract over a WebSocket and pushes job events;
 * and no message it sends carries a password.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { bridgeCsp } from '../../src-main/web/http-handler';
import { startWebBridge, type WebBridge } from '../../src-main/web/server';
import { isLadingError, webClient, type LadingClient } from '../../src-renderer/bridge/index';
import { BRIDGE_UNREACHABLE, WsBridgeClient } from '../../src-renderer/bridge/ws-client';
import type { JobEvent } from '../../src-shared/contract';
import { MAX_WS_MESSAGE_BYTES, type WsServerMessage } from '../../src-shared/transport';
import { makeTempDir } from '../harness/tmp';
import { startApp, type TestApp } from '../app/helpers';
import { nodeSocketFactory, rawGet, rawUpgrade } from './helpers';

const lading = inject('lading');
const { anonymous, basic } = lading.registries;
const { ociImage } = lading.fixtures;

const INDEX_HTML = '<!doctype html><html><head><title>Lading</title></head><body><div id="root"></div></body></html>\n';
const SECRET_OUTSIDE = 'this file is outside the renderer folder';

let app: TestApp;
let work: string;
let root: string;
let bridge: WebBridge;
let host: string;

beforeAll(async () => {
  work = await makeTempDir('lading-web-');
  root = join(work, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), INDEX_HTML);
  await writeFile(join(root, 'assets', 'app.js'), 'console.log("lading")\n');
  await writeFile(join(root, '.env'), SECRET_OUTSIDE);
  await writeFile(join(work, 'secret.txt'), SECRET_OUTSIDE);
  await symlink(join(work, 'secret.txt'), join(root, 'escape.txt'));
  await symlink(work, join(root, 'up'));
  app = await startApp();
  bridge = await startWebBridge({ dispatcher: app.dispatcher, rendererDir: root });
  host = `127.0.0.1:${bridge.port}`;
});

afterAll(async () => {
  await bridge?.close();
  await app?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function wsPath(token = bridge.token): string {
  return `/ws?token=${encodeURIComponent(token)}`;
}

function client(tap?: (text: string) => void): { api: LadingClient; ws: WsBridgeClient } {
  const ws = new WsBridgeClient({ url: `ws://${host}${wsPath()}`, createSocket: nodeSocketFactory(bridge.origin, tap) });
  return { api: webClient(ws), ws };
}

describe('launch', () => {
  it('listens on 127.0.0.1 on a random port, with a long random token in the URL fragment', async () => {
    expect(bridge.origin).toBe(`http://127.0.0.1:${bridge.port}`);
    expect(bridge.url).toBe(`${bridge.origin}/#token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startWebBridge({ dispatcher: app.dispatcher, rendererDir: root });
    try {
      expect(other.port).not.toBe(bridge.port);
      expect(other.token).not.toBe(bridge.token);
    } finally {
      await other.close();
    }
  });
});

describe('static files', () => {
  it('serves index.html with a strict CSP and no caching', async () => {
    for (const name of [host, `localhost:${bridge.port}`, `LOCALHOST:${bridge.port}`]) {
      const res = await rawGet(bridge.port, '/', { Host: name });
      expect(res.status).toBe(200);
      expect(res.body).toBe(INDEX_HTML);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toBe(bridgeCsp(name.toLowerCase()));
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://${name.toLowerCase()}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect((await rawGet(bridge.port, '/index.html?x=1', { Host: host })).body).toBe(INDEX_HTML);
  });

  it('serves assets with their types, answers HEAD without a body, refuses other methods', async () => {
    const js = await rawGet(bridge.port, '/assets/app.js', { Host: host });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const head = await rawGet(bridge.port, '/', { Host: host }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(INDEX_HTML.length));
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await rawGet(bridge.port, '/', { Host: host }, method);
      expect(res.status, method).toBe(405);
    }
    expect((await rawGet(bridge.port, '/nope.js', { Host: host })).status).toBe(404);
    expect((await rawGet(bridge.port, '/assets/', { Host: host })).status).toBe(404);
    expect((await rawGet(bridge.port, '/ws', { Host: host })).status).toBe(426);
  });

  it('refuses .. and everything else that could leave the renderer folder', async () => {
    const paths = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/../index.html',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/./index.html',
      '//etc/passwd',
      '/index.html%00.js',
      '/%ff%fe',
      '/.env',
      '/escape.txt',
      '/up/secret.txt',
      'http://127.0.0.1/etc/passwd',
    ];
    for (const path of paths) {
      const res = await rawGet(bridge.port, path, { Host: host });
      expect(res.status, path).toBe(400);
      expect(res.body, path).not.toContain(SECRET_OUTSIDE);
    }
  });

  it('refuses a Host that is not the bridge itself (DNS rebinding)', async () => {
    for (const name of [
      'evil.example',
      `evil.example:${bridge.port}`,
      `127.0.0.1:${bridge.port + 1}`,
      '127.0.0.1',
      `localhost.evil.example:${bridge.port}`,
      `[::1]:${bridge.port}`,
      '',
    ]) {
      const res = await rawGet(bridge.port, '/', { Host: name });
      expect(res.status, name).toBe(421);
      expect(res.body).not.toContain('<html');
    }
  });
});

describe('the WebSocket upgrade', () => {
  const origin = () => bridge.origin;

  it('accepts the token, the own origin (127.0.0.1 or localhost) and the own Host', async () => {
    expect(await rawUpgrade(bridge.port, wsPath(), { Host: host, Origin: origin() })).toBe(101);
    expect(await rawUpgrade(bridge.port, wsPath(), { Host: `localhost:${bridge.port}`, Origin: `http://localhost:${bridge.port}` })).toBe(
      101,
    );
  });

  it('refuses a missing or wrong token', async () => {
    const headers = { Host: host, Origin: origin() };
    expect(await rawUpgrade(bridge.port, '/ws', headers)).toBe(401);
    expect(await rawUpgrade(bridge.port, '/ws?token=', headers)).toBe(401);
    expect(await rawUpgrade(bridge.port, wsPath('x'.repeat(bridge.token.length)), headers)).toBe(401);
    expect(await rawUpgrade(bridge.port, wsPath(bridge.token.slice(0, -1)), headers)).toBe(401);
    expect(await rawUpgrade(bridge.port, wsPath(`${bridge.token}x`), headers)).toBe(401);
    expect(await rawUpgrade(bridge.port, `/ws?Token=${bridge.token}`, headers)).toBe(401);
  });

  it('refuses a foreign or missing Origin', async () => {
    for (const o of [
      'http://evil.example',
      `http://evil.example:${bridge.port}`,
      `http://127.0.0.1:${bridge.port + 1}`,
      `https://127.0.0.1:${bridge.port}`,
      'null',
      'file://',
    ]) {
      expect(await rawUpgrade(bridge.port, wsPath(), { Host: host, Origin: o }), o).toBe(403);
    }
    expect(await rawUpgrade(bridge.port, wsPath(), { Host: host })).toBe(403);
  });

  it('refuses a non-loopback Host, and paths other than /ws', async () => {
    expect(await rawUpgrade(bridge.port, wsPath(), { Host: `evil.example:${bridge.port}`, Origin: origin() })).toBe(421);
    expect(await rawUpgrade(bridge.port, wsPath(), { Host: `192.168.1.10:${bridge.port}`, Origin: origin() })).toBe(421);
    expect(await rawUpgrade(bridge.port, `/other?token=${bridge.token}`, { Host: host, Origin: origin() })).toBe(404);
  });

  it('tells the page plainly when it cannot connect (wrong token)', async () => {
    const ws = new WsBridgeClient({ url: `ws://${host}${wsPath('wrong')}`, createSocket: nodeSocketFactory(bridge.origin) });
    const outcome = await ws.call('connections.list', {});
    expect(outcome).toEqual({ ok: false, error: { code: 'unreachable', message: BRIDGE_UNREACHABLE, details: { bridge: true } } });
    ws.close();
  });
});

describe('the contract over the WebSocket', () => {
  it('round-trips connections.list and errors, through the renderer client', async () => {
    const { api, ws } = client();
    try {
      const list = await api['connections.list']({});
      expect(list).toEqual(await app.services.connections.list());
      const saved = await api['connections.save']({ name: 'anon', host: anonymous.host, plainHttp: true, authKind: 'anonymous' });
      expect((await api['connections.list']({})).map((c) => c.id)).toContain(saved.id);
      const tags = await api['browse.tags']({ connectionId: saved.id, repository: ociImage.repository });
      expect(tags.tags).toContain(ociImage.tag);
      const invalid = await api['browse.tags']({ connectionId: saved.id, repository: '../etc' }).catch((e: unknown) => e);
      expect(isLadingError(invalid) && invalid.code).toBe('invalid-input');
      expect(api.host).toBe('web');
      expect(api.canPickFolder).toBe(false);
      expect(await api.pickFolder()).toBeNull();
    } finally {
      ws.close();
    }
  });

  it('runs a job and pushes its events, in order, to every connected page', async () => {
    const first = client();
    const second = client();
    const seenFirst: JobEvent[] = [];
    const seenSecond: JobEvent[] = [];
    first.api.onJobEvent((e) => seenFirst.push(e));
    second.api.onJobEvent((e) => seenSecond.push(e));
    try {
      const conn = await first.api['connections.save']({ name: 'anon', host: anonymous.host, plainHttp: true, authKind: 'anonymous' });
      const dir = join(work, 'layers');
      await mkdir(dir);
      // Both pages are connected before the job starts.
      await second.api['jobs.list']({});
      const started = await first.api['jobs.saveLayers']({
        connectionId: conn.id,
        repository: ociImage.repository,
        reference: ociImage.tag,
        targetDir: dir,
      });
      await expect.poll(() => seenFirst.some((e) => e.jobId === started.jobId && e.type !== 'progress'), { timeout: 30_000 }).toBe(true);
      const events = seenFirst.filter((e) => e.jobId === started.jobId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.at(-1)!.type).toBe('done');
      expect(events.some((e) => e.type === 'progress')).toBe(true);
      const end = events.at(-1) as Extract<JobEvent, { type: 'done' }>;
      expect(end.result.kind).toBe('saveLayers');
      await expect.poll(() => seenSecond.filter((e) => e.jobId === started.jobId).length).toBe(events.length);
      expect(seenSecond.filter((e) => e.jobId === started.jobId)).toEqual(events);
      const info = (await first.api['jobs.list']({})).find((j) => j.id === started.jobId);
      expect(info?.state).toBe('done');
    } finally {
      first.ws.close();
      second.ws.close();
    }
  });

  it('never sends a password: answers, errors and events with a Basic-auth connection', async () => {
    const transcript: string[] = [];
    const { api, ws } = client((text) => transcript.push(text));
    const events: JobEvent[] = [];
    api.onJobEvent((e) => events.push(e));
    try {
      const draft = { name: 'basic', host: basic.host, plainHttp: true, authKind: 'basic' as const, username: basic.credentials.username };
      const saved = await api['connections.save']({ ...draft, secret: basic.credentials.password });
      expect((await api['connections.test']({ id: saved.id })).ok).toBe(true);
      expect((await api['connections.test']({ draft: { ...draft, secret: `${basic.credentials.password}!` } })).credentials).toBe(
        'rejected',
      );
      await api['browse.children']({ connectionId: saved.id });
      await api['browse.manifest']({ connectionId: saved.id, repository: ociImage.repository, reference: ociImage.tag });
      await api['browse.config']({ connectionId: saved.id, repository: ociImage.repository, reference: ociImage.tag });
      await api['browse.manifest']({ connectionId: saved.id, repository: ociImage.repository, reference: 'missing' }).catch(
        () => undefined,
      );
      const started = await api['jobs.extract']({
        connectionId: saved.id,
        repository: ociImage.repository,
        reference: ociImage.tag,
        targetDir: join(work, 'rootfs'),
      });
      await expect.poll(() => events.some((e) => e.jobId === started.jobId && e.type !== 'progress'), { timeout: 30_000 }).toBe(true);
      expect(events.filter((e) => e.jobId === started.jobId).at(-1)!.type).toBe('done');
      await api['connections.remove']({ id: saved.id });
    } finally {
      ws.close();
    }
    expect(transcript.length).toBeGreaterThan(8);
    expect(transcript.join('\n')).toContain(`"username":"${basic.credentials.username}"`);
    for (const text of transcript) expect(text.includes(basic.credentials.password), text.slice(0, 200)).toBe(false);
  });
});

describe('messages', () => {
  async function socket(): Promise<{ ws: WebSocket; next: () => Promise<WsServerMessage> }> {
    const ws = new WebSocket(`ws://${host}${wsPath()}`, { origin: bridge.origin });
    const queue: WsServerMessage[] = [];
    const waiting: ((m: WsServerMessage) => void)[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse((data as Buffer).toString('utf8')) as WsServerMessage;
      if ('event' in m) return;
      const w = waiting.shift();
      if (w) w(m);
      else queue.push(m);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return { ws, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r))) };
  }

  it('answers an unknown operation, unreadable JSON, a missing id and binary data with invalid-input', async () => {
    const { ws, next } = await socket();
    try {
      ws.send(JSON.stringify({ id: 7, op: 'system.exec', input: { cmd: 'id' } }));
      expect(await next()).toEqual({
        id: 7,
        outcome: { ok: false, error: { code: 'invalid-input', message: 'Unknown operation "system.exec"' } },
      });
      ws.send('{not json');
      expect(await next()).toMatchObject({ id: null, outcome: { ok: false, error: { code: 'invalid-input' } } });
      ws.send(JSON.stringify({ op: 'connections.list' }));
      expect(await next()).toMatchObject({ id: null, outcome: { ok: false, error: { code: 'invalid-input' } } });
      ws.send(JSON.stringify([1, 2]));
      expect(await next()).toMatchObject({ id: null, outcome: { ok: false } });
      ws.send(JSON.stringify({ id: 8 }));
      expect(await next()).toMatchObject({ id: 8, outcome: { ok: false, error: { code: 'invalid-input' } } });
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await next()).toMatchObject({ id: null, outcome: { ok: false, error: { code: 'invalid-input' } } });
      // Input is validated: wrong types are refused, a missing input means {}.
      ws.send(JSON.stringify({ id: 9, op: 'browse.tags', input: { connectionId: 5 } }));
      expect(await next()).toMatchObject({ id: 9, outcome: { ok: false, error: { code: 'invalid-input' } } });
      ws.send(JSON.stringify({ id: 10, op: 'connections.list' }));
      expect(await next()).toMatchObject({ id: 10, outcome: { ok: true } });
    } finally {
      ws.close();
    }
  });

  it('closes a connection that sends a message above the size limit', async () => {
    const { ws } = await socket();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ id: 1, op: 'connections.list', input: { pad: 'x'.repeat(MAX_WS_MESSAGE_BYTES) } }));
    expect(await closed).toBe(1009);
  });

  it('fails calls with unreachable once the bridge is gone', async () => {
    const own = await startWebBridge({ dispatcher: app.dispatcher, rendererDir: root });
    const ws = new WsBridgeClient({ url: `ws://127.0.0.1:${own.port}/ws?token=${own.token}`, createSocket: nodeSocketFactory(own.origin) });
    const api = webClient(ws);
    expect(Array.isArray(await api['connections.list']({}))).toBe(true);
    await own.close();
    const error = await api['connections.list']({}).catch((e: unknown) => e);
    expect(isLadingError(error) && error.code).toBe('unreachable');
    ws.close();
  });
});
