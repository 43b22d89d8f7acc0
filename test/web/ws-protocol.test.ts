/**
 * The web bridge's WebSocket protocol (src-main/web/ws-protocol.ts) on its
 * own: how each message is read, and one served connection over a real
 * loopback WebSocket. Behind it is a stand-in for the services' call and
 * subscribe, so that a test can hold calls open (the in-flight bound) and see
 * the subscription end; the whole bridge with the real services is tested in
 * server.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { JobEvent } from '../../src-shared/contract';
import type { Outcome } from '../../src-shared/errors';
import type { WsServerMessage } from '../../src-shared/transport';
import { readRequest, serveSocket } from '../../src-main/web/ws-protocol';

const invalid = (id: number | null) => ({
  answer: { id, outcome: { ok: false, error: expect.objectContaining({ code: 'invalid-input' }) } },
});

describe('readRequest', () => {
  it('reads {id, op, input}; input may be missing', () => {
    expect(readRequest('{"id":1,"op":"jobs.list","input":{"a":[1]}}', false)).toEqual({
      request: { id: 1, op: 'jobs.list', input: { a: [1] } },
    });
    expect(readRequest(Buffer.from('{"id":2,"op":"jobs.list"}'), false)).toEqual({ request: { id: 2, op: 'jobs.list', input: undefined } });
  });

  it('answers invalid-input, with the id when there is a usable one', () => {
    expect(readRequest(Buffer.from('{"id":1,"op":"x"}'), true)).toEqual(invalid(null));
    for (const text of [
      '{not json',
      '[1,2]',
      'null',
      '"text"',
      '{"op":"x"}',
      '{"id":"1","op":"x"}',
      '{"id":1.5,"op":"x"}',
      `{"id":${2 ** 60},"op":"x"}`,
    ]) {
      expect(readRequest(text, false), text).toEqual(invalid(null));
    }
    expect(readRequest('{"id":3}', false)).toEqual(invalid(3));
    expect(readRequest('{"id":4,"op":7}', false)).toEqual(invalid(4));
  });
});

/** A stand-in for the services: calls wait until released; job-event listeners are counted. */
function standIn() {
  const waiting: { op: string; input: unknown; answer(outcome: Outcome<unknown>): void }[] = [];
  const listeners = new Set<(event: JobEvent) => void>();
  return {
    waiting,
    listeners,
    call: (op: string, input: unknown) => new Promise<Outcome<unknown>>((answer) => waiting.push({ op, input, answer })),
    subscribe(listener: (event: JobEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function connect(services: ReturnType<typeof standIn>, maxInFlight: number) {
  const wss = new WebSocketServer({ noServer: true });
  server = createServer();
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, { dispatcher: services, maxInFlight })),
  );
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const received: WsServerMessage[] = [];
  ws.on('message', (data) => received.push(JSON.parse((data as Buffer).toString('utf8')) as WsServerMessage));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, received };
}

describe('serveSocket', () => {
  it('answers each call by id, at most maxInFlight at a time, and refuses the rest at once', async () => {
    const services = standIn();
    const { ws, received } = await connect(services, 2);
    for (const id of [1, 2, 3]) ws.send(JSON.stringify({ id, op: 'jobs.list', input: { n: id } }));
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toEqual({
      id: 3,
      outcome: { ok: false, error: { code: 'invalid-input', message: 'Too many requests in flight (at most 2)' } },
    });
    expect(services.waiting.map((w) => [w.op, w.input])).toEqual([
      ['jobs.list', { n: 1 }],
      ['jobs.list', { n: 2 }],
    ]);
    // Answers go out in the order the calls finish, each under its own id; a finished call frees its place.
    services.waiting[1]!.answer({ ok: true, value: 'second' });
    await expect.poll(() => received.length).toBe(2);
    ws.send(JSON.stringify({ id: 4, op: 'jobs.list' }));
    await expect.poll(() => services.waiting.length).toBe(3);
    services.waiting[0]!.answer({ ok: true, value: 'first' });
    services.waiting[2]!.answer({ ok: true, value: 'fourth' });
    await expect.poll(() => received.length).toBe(4);
    expect(received.slice(1)).toEqual([
      { id: 2, outcome: { ok: true, value: 'second' } },
      { id: 1, outcome: { ok: true, value: 'first' } },
      { id: 4, outcome: { ok: true, value: 'fourth' } },
    ]);
    ws.close();
  });

  it('answers an unreadable message and keeps the connection open', async () => {
    const services = standIn();
    const { ws, received } = await connect(services, 2);
    ws.send('{not json');
    ws.send(JSON.stringify({ id: 5, op: 'jobs.list' }));
    await expect.poll(() => services.waiting.length).toBe(1);
    services.waiting[0]!.answer({ ok: true, value: [] });
    await expect.poll(() => received.length).toBe(2);
    expect(received[0]).toMatchObject({ id: null, outcome: { ok: false, error: { code: 'invalid-input' } } });
    expect(received[1]).toEqual({ id: 5, outcome: { ok: true, value: [] } });
    ws.close();
  });

  it('pushes job events while the connection is open, and unsubscribes when it closes', async () => {
    const services = standIn();
    const { ws, received } = await connect(services, 2);
    expect(services.listeners.size).toBe(1);
    const event: JobEvent = { jobId: 'j1', seq: 1, type: 'cancelled' };
    for (const listener of services.listeners) listener(event);
    await expect.poll(() => received).toEqual([{ event }]);
    ws.close();
    await expect.poll(() => services.listeners.size).toBe(0);
  });
});
