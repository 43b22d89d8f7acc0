/** Raw HTTP and WebSocket-upgrade requests with full control of the path and headers, for the web bridge tests. */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import type { WebSocketLike } from '../../src-renderer/bridge/ws-client';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `path` as is (no normalisation), with exactly these headers (Host included). */
export function rawGet(port: number, path: string, headers: Record<string, string>, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade request; resolves with 101 when accepted, else the refusal's status. */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      setHost: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A socket factory for WsBridgeClient in Node: the `ws` package, with the Origin a browser on the bridge's page would send. */
export function nodeSocketFactory(origin: string, tap?: (text: string) => void): (url: string) => WebSocketLike {
  return (url) => {
    const ws = new WebSocket(url, { origin });
    if (tap) ws.on('message', (data) => tap((data as Buffer).toString('utf8')));
    return ws as unknown as WebSocketLike;
  };
}
