/**
 * A small programmable HTTP(S) server on 127.0.0.1 for fault tests.
 *
 * This is a stand-in, used ONLY for faults that the real `distribution`
 * registry cannot be made to produce on demand: 429/503 with Retry-After,
 * dropped connections, stalled or corrupted bodies, redirects to another
 * origin, broken pagination, odd token servers, bad certificates. Everything
 * a real registry does by itself is tested against a real registry (see
 * test/harness/ and test/integration/), never against this.
 *
 * Each test registers the routes it needs; every request is logged with its
 * method, path, headers and body, so a test can assert what the client sent
 * (and what it did not send, e.g. an Authorization header to another origin).
 */
import { createHash } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface LoggedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Path only. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface RouteContext {
  /** The logged request (body already read). */
  request: LoggedRequest;
  /** How many times this route has been hit, including this one (1-based). */
  hit: number;
  /** The server, e.g. for its origin. */
  server: FaultServer;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: Handler;
  hits: number;
}

export interface FaultServerOptions {
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  tls?: { key: string; cert: string };
}

export class FaultServer {
  readonly log: LoggedRequest[] = [];
  private routes: Route[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly tls: boolean,
  ) {}

  /** Starts a server on 127.0.0.1 and a free port chosen by the system. */
  static async start(options: FaultServerOptions = {}): Promise<FaultServer> {
    // The listener exists before the server it belongs to: it finds it here once the port is known.
    const made: { fault?: FaultServer } = {};
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      void made.fault!.dispatch(req, res);
    };
    const server: Server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
      : createHttpServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const fault = new FaultServer(server, port, !!options.tls);
    made.fault = fault;
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      fault.sockets.add(socket);
      socket.once('close', () => fault.sockets.delete(socket));
    });
    // A TLS handshake that the client refuses is not an error of the server.
    server.on('tlsClientError', () => undefined);
    return fault;
  }

  /** `127.0.0.1:PORT`: what createClient takes. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:PORT` (or https). */
  get origin(): string {
    return `${this.tls ? 'https' : 'http'}://${this.host}`;
  }

  /**
   * Registers a handler. `method` may be `*`; `path` matches the path without
   * the query (a string exactly, a RegExp by test). A later route wins over an
   * earlier one, so a test can override a default.
   */
  route(method: string, path: string | RegExp, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), path, handler, hits: 0 });
    return this;
  }

  /** The logged requests whose path matches. */
  requests(path?: string | RegExp, method?: string): LoggedRequest[] {
    return this.log.filter(
      (r) => (path === undefined || matches(path, r.path)) && (method === undefined || r.method === method.toUpperCase()),
    );
  }

  /** Forgets routes and the log. */
  reset(): void {
    this.routes = [];
    this.log.length = 0;
  }

  /** Drops every open connection now (e.g. stalled responses), then stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    const parsed = new URL(req.url ?? '/', 'http://x');
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
      at: Date.now(),
    };
    this.log.push(logged);
    const route = [...this.routes].reverse().find((r) => (r.method === '*' || r.method === logged.method) && matches(r.path, logged.path));
    if (!route) {
      sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: `fault server: no route for ${logged.method} ${logged.path}` }] });
      return;
    }
    route.hits++;
    try {
      await route.handler(req, res, { request: logged, hit: route.hits, server: this });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ code: 'FAULT_SERVER', message: String(err) }] });
      else res.destroy();
    }
  }
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

// ---- helpers for handlers ----

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends bytes with a Content-Length, and with Docker-Content-Digest unless `digestHeader` is false. */
export function sendBytes(
  res: ServerResponse,
  bytes: Uint8Array | string,
  contentType: string,
  options: { digestHeader?: boolean; status?: number; headers?: Record<string, string | number> } = {},
): void {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  const headers: Record<string, string | number> = { 'content-type': contentType, 'content-length': buf.length, ...options.headers };
  if (options.digestHeader !== false) headers['docker-content-digest'] = sha256(buf);
  res.writeHead(options.status ?? 200, headers);
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

/**
 * A blob whose first answer breaks its connection half way; every later one
 * honours `Range: bytes=N-` (206 with a true Content-Range) or sends it whole.
 * What distribution cannot be made to do on cue: the resume tests' fault.
 */
export function dropsOnceThenRange(bytes: Buffer): Handler {
  return (req, res, { hit }) => {
    const start = Number(/^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))?.[1] ?? 0);
    const rest = bytes.subarray(start);
    res.writeHead(start ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': rest.length,
      ...(start ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (hit === 1) res.write(rest.subarray(0, rest.length >> 1), () => setTimeout(() => req.socket.destroy(), 20));
    else res.end(rest);
  };
}

/** A registry's `{"errors":[...]}` answer. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ code, message }] }, headers);
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface TestImage {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  digest: string;
  configDigest: string;
  layerDigest: string;
}

/** A small, valid OCI image (config + one layer of arbitrary bytes) built in memory. */
export function makeImage(layerSize = 4096, seed = 1): TestImage {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/bin'] },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const layer = Buffer.alloc(layerSize);
  for (let i = 0; i < layerSize; i++) layer[i] = (i * 31 + seed * 7) & 0xff;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, size: config.length, digest: sha256(config) },
      layers: [{ mediaType: OCI_LAYER, size: layer.length, digest: sha256(layer) }],
    }),
  );
  return { config, layer, manifest, digest: sha256(manifest), configDigest: sha256(config), layerDigest: sha256(layer) };
}

/** `GET /v2/` answers 200: an open registry. */
export function openRegistry(server: FaultServer): FaultServer {
  return server.route('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
}

/** Serves `image` under `repo` (manifest by tag `tag` and by digest, and both blobs). */
export function serveImage(server: FaultServer, repo: string, tag: string, image: TestImage): FaultServer {
  server.route('*', `/v2/${repo}/manifests/${tag}`, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST));
  server.route('*', `/v2/${repo}/manifests/${image.digest}`, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST));
  server.route('*', `/v2/${repo}/blobs/${image.configDigest}`, (_req, res) => sendBytes(res, image.config, 'application/octet-stream'));
  server.route('*', `/v2/${repo}/blobs/${image.layerDigest}`, (_req, res) => sendBytes(res, image.layer, 'application/octet-stream'));
  return server;
}

/** A logger that keeps everything it is given. */
export function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> | undefined }[] = [];
  const make = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    logger: { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') },
    /** Everything logged, as one string. */
    text(): string {
      return lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`).join('\n');
    },
  };
}

/** Reads a stream to the end. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
