/**
 * The web bridge: serves the built renderer and the contract over a
 * WebSocket, on 127.0.0.1 only, for a browser on the same machine (and the
 * end-to-end tests). It is a thin adapter over the operation dispatcher, like the IPC one.
 *
 * It listens on 127.0.0.1 (a random port unless one is given) and puts
 * together, one concern a file:
 * - request-checks.ts: Host, Origin and the per-launch token (the page learns
 *   it from the URL fragment, which browsers never send to a server);
 * - http-handler.ts and static-files.ts: the renderer folder's files, with a
 *   strict Content-Security-Policy;
 * - upgrade-handler.ts and ws-protocol.ts: the WebSocket and its messages,
 *   bounded in size and number in flight;
 * - shutdown.ts: closing without waiting for the browser.
 */
import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { MAX_WS_MESSAGE_BYTES, TOKEN_PARAM } from '../../src-shared/transport';
import type { OperationDispatcher } from '../app/operation-dispatcher';
import { createHttpHandler } from './http-handler';
import { LOOPBACK } from './request-checks';
import { closeBridge } from './shutdown';
import { createUpgradeHandler } from './upgrade-handler';
import { serveSocket } from './ws-protocol';

export interface WebBridgeOptions {
  dispatcher: Pick<OperationDispatcher, 'call' | 'subscribe'>;
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
  onRefused?: ((what: string, reason: string) => void) | undefined;
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

/** Listens on 127.0.0.1; resolves with the port (the system's choice when `port` is 0). */
function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const { dispatcher, onRefused } = options;
  const root = await realpath(options.rendererDir);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const server = createServer();
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? MAX_WS_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  const maxInFlight = options.maxInFlight ?? 64;

  const port = await listenOnLoopback(server, options.port ?? 0);
  // The checks need the port, known once listening. Attached in the same turn of the event loop, before it can hand over a connection.
  server.on('request', createHttpHandler({ root, port, onRefused }));
  server.on(
    'upgrade',
    createUpgradeHandler({ wss, port, token, onRefused, onConnection: (ws) => serveSocket(ws, { dispatcher, maxInFlight }) }),
  );

  const origin = `http://${LOOPBACK}:${port}`;
  return {
    url: `${origin}/#${TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    close: () => closeBridge(server, wss),
  };
}
