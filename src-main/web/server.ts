/**
 * The web bridge: serves the built renderer and the contract over a
 * WebSocket, on 127.0.0.1 only, for a browser on the same machine (and the
 * end-to-end tests). It is a thin adapter over createApi, like the IPC one.
 *
 * - Listens on 127.0.0.1 (a random port unless one is given).
 * - Every HTTP request and upgrade must name the bridge itself in Host
 *   (`127.0.0.1:PORT` or `localhost:PORT`): a page on another name that
 *   resolves to loopback (DNS rebinding) gets nothing.
 * - The WebSocket (`/ws?token=...`) needs the random per-launch token and an
 *   Origin that is the bridge's own; the page learns the token from the URL
 *   fragment, which browsers never send to a server.
 * - Static files come from the renderer folder only (static-files.ts); every
 *   response carries a strict Content-Security-Policy.
 * - Messages: `{id, op, input}` in, `{id, outcome}` out; job events are pushed
 *   as `{event}`. Incoming messages are bounded in size and number in flight.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AppError, Outcome } from '../../src-shared/errors';
import {
  MAX_WS_MESSAGE_BYTES, rendererCsp, TOKEN_PARAM, WS_PATH, type WsRequest, type WsServerMessage,
} from '../../src-shared/transport';
import type { Api } from '../app/api';
import { resolveStatic } from './static-files';

export interface WebBridgeOptions {
  api: Pick<Api, 'call' | 'subscribe'>;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Default 0: a free port chosen by the system. */
  port?: number;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** Largest incoming message. Default MAX_WS_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /** Requests a connection may have in flight. Default 64. */
  maxInFlight?: number;
  /** Told about refused requests and upgrades. */
  onRefused?(what: string, reason: string): void;
}

export interface WebBridge {
  /** The URL to open, token included: `http://127.0.0.1:PORT/#token=...`. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  token: string;
  /** Closes every WebSocket and the server. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The page's CSP as a header on this bridge: its own ws:// origin added explicitly. */
export function bridgeCsp(host: string): string {
  return `${rendererCsp({ 'connect-src': `ws://${host}` })}; frame-ancestors 'none'`;
}

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function invalid(message: string): Outcome<never> {
  const error: AppError = { code: 'invalid-input', message };
  return { ok: false, error };
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const { api } = options;
  const root = await realpath(options.rendererDir);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const maxMessageBytes = options.maxMessageBytes ?? MAX_WS_MESSAGE_BYTES;
  const maxInFlight = options.maxInFlight ?? 64;
  let port = 0;

  /** The Host header, when it names this bridge; lower-cased. */
  const ownHost = (value: string | undefined): string | undefined => {
    const host = value?.toLowerCase();
    return host === `${LOOPBACK}:${port}` || host === `localhost:${port}` ? host : undefined;
  };
  const ownOrigin = (value: string | undefined): boolean =>
    value === `http://${LOOPBACK}:${port}` || value === `http://localhost:${port}`;

  const refuse = (res: ServerResponse, status: number, text: string, what: string): void => {
    options.onRefused?.(what, text);
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${text}\n`);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const what = `${req.method} ${String(req.url).slice(0, 200)}`;
    const host = ownHost(req.headers.host);
    if (!host) return refuse(res, 421, `Wrong Host: open http://${LOOPBACK}:${port}/`, what);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Method not allowed', what);
    }
    const target = req.url ?? '/';
    if (target.split('?', 1)[0] === WS_PATH) return refuse(res, 426, 'This endpoint speaks WebSocket only', what);
    const found = await resolveStatic(root, target);
    if (found.kind === 'refused') return refuse(res, 400, `Bad path: ${found.reason}`, what);
    if (found.kind === 'missing') return refuse(res, 404, 'Not found', what);
    const html = found.contentType.startsWith('text/html');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': bridgeCsp(host),
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
      // The hashed assets may be cached; the page is always fetched again.
      'Cache-Control': html ? 'no-store' : 'private, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(found.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error', 'request');
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false });

  const rejectUpgrade = (socket: Duplex, status: number, text: string, what: string): void => {
    options.onRefused?.(what, text);
    const body = `${text}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.destroy();
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const what = `upgrade ${String(req.url).split('?', 1)[0]?.slice(0, 200)}`;
    if (!ownHost(req.headers.host)) return rejectUpgrade(socket, 421, 'Misdirected Request', what);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request', what);
    }
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found', what);
    if (!ownOrigin(req.headers.origin)) return rejectUpgrade(socket, 403, 'Forbidden', `${what}: origin`);
    if (!sameToken(url.searchParams.get(TOKEN_PARAM), token)) return rejectUpgrade(socket, 401, 'Unauthorized', `${what}: token`);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    const send = (message: WsServerMessage): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = api.subscribe((event) => send({ event }));
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return send({ id: null, outcome: invalid('Messages must be JSON text') });
      let request: Partial<WsRequest>;
      try {
        request = JSON.parse(data.toString()) as Partial<WsRequest>;
      } catch {
        return send({ id: null, outcome: invalid('A message must be JSON: {"id", "op", "input"}') });
      }
      if (!request || typeof request !== 'object' || Array.isArray(request)) {
        return send({ id: null, outcome: invalid('A message must be an object: {"id", "op", "input"}') });
      }
      const id = request.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
        return send({ id: null, outcome: invalid('A message needs a whole-number "id"') });
      }
      if (typeof request.op !== 'string') return send({ id, outcome: invalid('A message needs an operation name in "op"') });
      if (inFlight >= maxInFlight) return send({ id, outcome: invalid(`Too many requests in flight (at most ${maxInFlight})`) });
      inFlight++;
      // api.call validates the input (and the operation's name) and never throws.
      void api.call(request.op, request.input).then((outcome) => {
        inFlight--;
        send({ id, outcome });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;

  return {
    url: `${origin}/#${TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
