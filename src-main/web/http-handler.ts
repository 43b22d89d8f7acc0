/**
 * The bridge's plain HTTP side: after the request checks, the built renderer's
 * static files (static-files.ts picks the file), and nothing else. Every
 * answer carries the security headers; pages carry the strict CSP.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rendererCsp } from '../../src-shared/transport';
import { checkHttpRequest, type Refusal } from './request-checks';
import { resolveStatic } from './static-files';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
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

export interface HttpHandlerOptions {
  /** The built renderer, as a real (symlink-free) absolute path. */
  root: string;
  port: number;
  /** Told about refused requests. */
  onRefused?: ((what: string, reason: string) => void) | undefined;
}

export function createHttpHandler(options: HttpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const refuse = (res: ServerResponse, refusal: Refusal, what: string): void => {
    options.onRefused?.(what, refusal.text);
    res.writeHead(refusal.status, {
      ...SECURITY_HEADERS,
      ...refusal.headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(`${refusal.text}\n`);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, what: string): Promise<void> => {
    const checked = checkHttpRequest(req, options.port);
    if ('refusal' in checked) return refuse(res, checked.refusal, what);
    const found = await resolveStatic(options.root, req.url ?? '/');
    if (found.kind === 'refused') return refuse(res, { status: 400, text: `Bad path: ${found.reason}` }, what);
    if (found.kind === 'missing') return refuse(res, { status: 404, text: 'Not found' }, what);
    const html = found.contentType.startsWith('text/html');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': bridgeCsp(checked.host),
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

  return (req, res) => {
    const what = `${req.method} ${String(req.url).slice(0, 200)}`;
    serve(req, res, what).catch(() => {
      if (!res.headersSent) refuse(res, { status: 500, text: 'Internal error' }, 'request');
      else res.destroy();
    });
  };
}
