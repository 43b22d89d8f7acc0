/**
 * The web bridge's HTTP side, its upgrade handshake and its shutdown, each
 * mounted on its own on a bare loopback server (src-main/web/http-handler.ts,
 * upgrade-handler.ts, shutdown.ts): what a refusal logs and answers, that only
 * a checked upgrade reaches the protocol, and that closing does not wait for
 * the browser. The assembled bridge is tested in server.test.ts.
 */
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createHttpHandler, SECURITY_HEADERS } from '../../src-main/web/http-handler';
import { closeBridge } from '../../src-main/web/shutdown';
import { createUpgradeHandler } from '../../src-main/web/upgrade-handler';
import { makeTempDir } from '../harness/tmp';
import { rawGet, rawUpgrade } from './helpers';

let work: string;
let root: string;
let server: Server | undefined;

beforeAll(async () => {
  work = await makeTempDir('lading-web-handlers-');
  root = join(await realpath(work), 'renderer');
  await mkdir(root);
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Lading</title>\n');
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function listen(s: Server): Promise<number> {
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

describe('createHttpHandler', () => {
  it('answers a refusal as plain text with the security headers, and logs what was refused and why', async () => {
    const refused: [string, string][] = [];
    const s = createServer();
    const port = await listen(s);
    s.on('request', createHttpHandler({ root, port, onRefused: (what, reason) => refused.push([what, reason]) }));
    const res = await rawGet(port, '/ws?token=x', { Host: `127.0.0.1:${port}` }, 'DELETE');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name.toLowerCase()], name).toBe(value);
    expect(res.body).toBe('Method not allowed\n');
    expect((await rawGet(port, '/../x', { Host: `127.0.0.1:${port}` })).body).toBe('Bad path: dot segment in path\n');
    expect(refused).toEqual([
      ['DELETE /ws?token=x', 'Method not allowed'],
      ['GET /../x', 'Bad path: dot segment in path'],
    ]);
  });

  it('serves a file under the root with the CSP of the Host it was asked on', async () => {
    const s = createServer();
    const port = await listen(s);
    s.on('request', createHttpHandler({ root, port }));
    const res = await rawGet(port, '/', { Host: `localhost:${port}` });
    expect(res.status).toBe(200);
    expect(res.body).toBe('<!doctype html><title>Lading</title>\n');
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ws://localhost:${port}`);
  });
});

describe('createUpgradeHandler', () => {
  it('hands only a checked upgrade to the protocol, and logs which check refused the others', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const connected: WebSocket[] = [];
    const refused: [string, string][] = [];
    const s = createServer();
    const port = await listen(s);
    const token = 't'.repeat(43);
    s.on(
      'upgrade',
      createUpgradeHandler({
        wss,
        port,
        token,
        onConnection: (ws) => connected.push(ws),
        onRefused: (what, reason) => refused.push([what, reason]),
      }),
    );
    const origin = `http://127.0.0.1:${port}`;
    const host = `127.0.0.1:${port}`;
    expect(await rawUpgrade(port, `/ws?token=${token}`, { Host: host, Origin: 'http://evil.example' })).toBe(403);
    expect(await rawUpgrade(port, '/ws?token=wrong', { Host: host, Origin: origin })).toBe(401);
    expect(await rawUpgrade(port, `/ws?token=${token}`, { Host: `evil.example:${port}`, Origin: origin })).toBe(421);
    expect(connected).toHaveLength(0);
    expect(refused).toEqual([
      ['upgrade /ws: origin', 'Forbidden'],
      ['upgrade /ws: token', 'Unauthorized'],
      ['upgrade /ws', 'Misdirected Request'],
    ]);
    expect(await rawUpgrade(port, `/ws?token=${token}`, { Host: host, Origin: origin })).toBe(101);
    await expect.poll(() => connected.length).toBe(1);
    expect(wss.clients.size).toBe(1);
    await closeBridge(s, wss);
  });
});

describe('closeBridge', () => {
  it('closes at once, though a page keeps a WebSocket open and a request unanswered', async () => {
    const wss = new WebSocketServer({ noServer: true });
    let received = false;
    // This server never answers, like a page's request still being served.
    const s = createServer(() => {
      received = true;
    });
    const port = await listen(s);
    s.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => undefined));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const wsClosed = new Promise<number>((resolve) => ws.once('close', resolve));
      const pending = request({ host: '127.0.0.1', port, path: '/' });
      const dropped = new Promise<string>((resolve) => pending.once('error', (err: NodeJS.ErrnoException) => resolve(String(err.code))));
      pending.end();
      await expect.poll(() => received).toBe(true);
      const late = new Promise<string>((resolve) => setTimeout(() => resolve('still closing after 2 s'), 2_000).unref());
      expect(await Promise.race([closeBridge(s, wss).then(() => 'closed'), late])).toBe('closed');
      expect(await wsClosed).toBe(1006);
      expect(await dropped).toBe('ECONNRESET');
      expect(s.listening).toBe(false);
    } finally {
      // Whatever closeBridge failed to close, so that the other tests' clean-up does not wait for it.
      ws.terminate();
      s.closeAllConnections();
    }
  });
});
