/**
 * Upgrades to the WebSocket: the request checks run before the handshake
 * (request-checks.ts); a refused upgrade gets a plain HTTP answer and its
 * socket is closed, an accepted one is served by the protocol (ws-protocol.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { checkUpgrade, type Refusal } from './request-checks';

export interface UpgradeHandlerOptions {
  /** Created with `noServer: true`: this handler does the handshake. */
  wss: WebSocketServer;
  port: number;
  token: string;
  /** Serves an accepted connection. */
  onConnection: (ws: WebSocket) => void;
  /** Told about refused upgrades. */
  onRefused?: ((what: string, reason: string) => void) | undefined;
}

function reject(socket: Duplex, { status, text }: Refusal): void {
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}

export function createUpgradeHandler(options: UpgradeHandlerOptions): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { wss, port, token } = options;
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refusal = checkUpgrade(req, port, token);
    if (refusal) {
      const what = `upgrade ${String(req.url).split('?', 1)[0]?.slice(0, 200)}`;
      options.onRefused?.(refusal.detail ? `${what}: ${refusal.detail}` : what, refusal.text);
      return reject(socket, refusal);
    }
    wss.handleUpgrade(req, socket, head, options.onConnection);
  };
}
