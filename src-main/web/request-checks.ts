/**
 * What the bridge lets through, decided from a request's line and headers
 * alone (no sockets here, so each rule is tested on its own):
 *
 * - Host must name the bridge itself (`127.0.0.1:PORT` or `localhost:PORT`):
 *   a page on another name that resolves to loopback (DNS rebinding) gets
 *   nothing.
 * - Plain HTTP is GET or HEAD, for static files; the WebSocket path answers
 *   only upgrades.
 * - An upgrade needs the WebSocket path, the bridge's own Origin and the
 *   per-launch token (compared in constant time).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN_PARAM, WS_PATH } from '../../src-shared/transport';

export const LOOPBACK = '127.0.0.1';

/** Why a request is turned away: the status and its text, plus what the log says about it. */
export interface Refusal {
  status: number;
  text: string;
  /** Added to the log line, e.g. which check failed. */
  detail?: string;
  /** Extra response headers (e.g. Allow). */
  headers?: Record<string, string>;
}

/** What a check looks at. */
export interface RequestHead {
  method?: string | undefined;
  url?: string | undefined;
  headers: Pick<IncomingHttpHeaders, 'host' | 'origin'>;
}

/** The Host header, lower-cased, when it names the bridge on `port`. */
export function ownHost(value: string | undefined, port: number): string | undefined {
  const host = value?.toLowerCase();
  return host === `${LOOPBACK}:${port}` || host === `localhost:${port}` ? host : undefined;
}

export function isOwnOrigin(value: string | undefined, port: number): boolean {
  return value === `http://${LOOPBACK}:${port}` || value === `http://localhost:${port}`;
}

export function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A plain HTTP request: the Host it named (to build the page's CSP from), or why it is refused. */
export function checkHttpRequest(req: RequestHead, port: number): { host: string } | { refusal: Refusal } {
  const host = ownHost(req.headers.host, port);
  if (!host) return { refusal: { status: 421, text: `Wrong Host: open http://${LOOPBACK}:${port}/` } };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { refusal: { status: 405, text: 'Method not allowed', headers: { Allow: 'GET, HEAD' } } };
  }
  if ((req.url ?? '/').split('?', 1)[0] === WS_PATH) return { refusal: { status: 426, text: 'This endpoint speaks WebSocket only' } };
  return { host };
}

/** A WebSocket upgrade: undefined when it may connect, else why not. */
export function checkUpgrade(req: RequestHead, port: number, token: string): Refusal | undefined {
  if (!ownHost(req.headers.host, port)) return { status: 421, text: 'Misdirected Request' };
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
  } catch {
    return { status: 400, text: 'Bad Request' };
  }
  if (url.pathname !== WS_PATH) return { status: 404, text: 'Not Found' };
  if (!isOwnOrigin(req.headers.origin, port)) return { status: 403, text: 'Forbidden', detail: 'origin' };
  if (!sameToken(url.searchParams.get(TOKEN_PARAM), token)) return { status: 401, text: 'Unauthorized', detail: 'token' };
  return undefined;
}
