/**
 * The HTTP layer: one request in, one response out, with the wrappers every
 * registry call needs: user agent, timeouts, retries with backoff and
 * Retry-After, redirects that never carry Authorization to another host and
 * never step down from https to http, cancellation, and a log line per
 * request (method, redacted URL, status; never a header value).
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from './undici-parts';
import { causeChain, errorCode } from '../error-code';
import { ConnectionError, RegistryError } from '../errors';
import { redactUrl } from '../redact';
import type { Logger } from '../types';
import { backoffMs, isRetryableCode, isRetryableStatus, parseRetryAfter, sleep } from './retry';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** A Uint8Array or string can be replayed on retry; a stream cannot, and is sent once. */
  body?: Uint8Array | string | Readable | undefined;
  /** Sent only to the origin of `url`, never after a redirect to another host. */
  authorization?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Follow 3xx answers (default true). Uploads read `Location` themselves. */
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The method and URL that answered, after redirects (a 303 turns a POST into a GET). */
  method: HttpMethod;
  url: string;
  body: Dispatcher.ResponseData['body'];
}

export interface HttpTransportOptions {
  dispatcher: Dispatcher;
  userAgent: string;
  logger?: Logger | undefined;
  maxRetries: number;
  timeoutMs: number;
  /** Longest Retry-After we wait for; a longer one fails at once with a clear message. */
  maxRetryAfterMs?: number;
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function header(res: { headers: HttpResponse['headers'] }, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads an unwanted body to its end, so the connection goes back to the pool;
 * undici keeps a socket busy until its answer's body is consumed. A body that
 * fails while being discarded has nothing left to say.
 */
export async function discardBody(res: Pick<HttpResponse, 'body'>): Promise<void> {
  await res.body.dump().catch(() => undefined);
}

/** Can this request body be sent again (a retry, a 401 answered with a token)? Bytes can; a stream was consumed. */
export function isReplayable(body: HttpRequest['body']): boolean {
  return body === undefined || typeof body === 'string' || body instanceof Uint8Array;
}

export class HttpTransport {
  constructor(private readonly options: HttpTransportOptions) {}

  /** The per-request timeout, for wording errors raised while a body is read. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Sends a request, following redirects and retrying what may be retried. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const authOrigin = new URL(req.url).origin;
    let url = req.url;
    let method = req.method;
    let body = req.body;
    for (let redirects = 0; ; redirects++) {
      const authorization = new URL(url).origin === authOrigin ? req.authorization : undefined;
      const res = await this.sendWithRetries({ ...req, url, method, body, authorization });
      if (!REDIRECT_STATUSES.has(res.status) || req.followRedirects === false) return res;
      const location = header(res, 'location');
      if (!location) return res;
      await discardBody(res);
      if (redirects >= MAX_REDIRECTS) {
        throw new RegistryError(`Too many redirects (more than ${MAX_REDIRECTS}) starting at ${redactUrl(req.url)}`, {
          method,
          url: req.url,
        });
      }
      const next = new URL(location, url);
      if (new URL(url).protocol === 'https:' && next.protocol !== 'https:') {
        throw new RegistryError(`Refused a redirect from https to ${next.protocol.replace(':', '')}: ${redactUrl(next.toString())}`, {
          method,
          url,
          status: res.status,
        });
      }
      if (res.status === 303) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      } else if (!isReplayable(body)) {
        throw new RegistryError(`Cannot follow a ${res.status} redirect of a streamed upload to ${redactUrl(next.toString())}`, {
          method,
          url,
        });
      }
      url = next.toString();
    }
  }

  private async sendWithRetries(req: HttpRequest): Promise<HttpResponse> {
    const replayable = isReplayable(req.body);
    for (let attempt = 0; ; attempt++) {
      const canRetry = replayable && attempt < this.options.maxRetries;
      let res: HttpResponse;
      try {
        res = await this.sendOnce(req, attempt);
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason;
        // Our own errors (a request body that failed verification) pass through unchanged.
        if (err instanceof RegistryError) throw err;
        const code = networkCode(err);
        if (canRetry && isRetryableCode(code)) {
          const wait = backoffMs(attempt);
          this.options.logger?.warn(`${req.method} ${redactUrl(req.url)} failed (${code}); retrying in ${wait} ms`);
          await sleep(wait, req.signal);
          continue;
        }
        throw toConnectionError(err, req, this.options.timeoutMs);
      }
      if (!canRetry || !isRetryableStatus(res.status)) return res;
      const retryAfter = parseRetryAfter(header(res, 'retry-after'));
      const maxRetryAfter = this.options.maxRetryAfterMs ?? 60_000;
      if (retryAfter !== undefined && retryAfter > maxRetryAfter) return res;
      const wait = retryAfter ?? backoffMs(attempt);
      await discardBody(res);
      this.options.logger?.warn(`${req.method} ${redactUrl(req.url)} answered ${res.status}; retrying in ${wait} ms`);
      await sleep(wait, req.signal);
    }
  }

  private async sendOnce(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    const started = Date.now();
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...req.headers };
    if (req.authorization) headers.authorization = req.authorization;
    const res = await request(req.url, {
      method: req.method,
      headers,
      body: req.body ?? null,
      signal: req.signal,
      dispatcher: this.options.dispatcher,
      // undici closes the connection after every HEAD unless told not to (for
      // servers that wrongly send a body after one). Registries answer HEADs
      // correctly, and a new TCP connection per HEAD made "is this tag still
      // that digest?" cost about a third more of the registry's CPU and time.
      ...(req.method === 'HEAD' ? { reset: false } : {}),
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    this.options.logger?.debug(`${req.method} ${redactUrl(req.url)} ${res.statusCode}`, {
      method: req.method,
      url: redactUrl(req.url),
      status: res.statusCode,
      ms: Date.now() - started,
      attempt,
    });
    return { status: res.statusCode, headers: res.headers, method: req.method, url: req.url, body: res.body };
  }
}

/** The code that says what went wrong on the network, looked for down the cause chain. */
function networkCode(err: unknown): string | undefined {
  for (const e of causeChain(err, 4)) {
    const code = errorCode(e);
    // undici wraps the socket's error: its generic codes say less than the cause's own.
    if (code && code !== 'UND_ERR' && (code !== 'UND_ERR_SOCKET' || !(e as { cause?: unknown }).cause)) return code;
  }
  return errorCode(err);
}

const TLS_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_)/;

/** Turns a socket-level failure into a ConnectionError a person can act on. */
export function toConnectionError(err: unknown, req: { method: string; url: string }, timeoutMs: number): ConnectionError {
  if (err instanceof ConnectionError) return err;
  const code = networkCode(err);
  const target = new URL(req.url);
  const host = target.host;
  let message: string;
  switch (true) {
    case code === 'ENOTFOUND' || code === 'EAI_AGAIN':
      message = `Cannot resolve host "${target.hostname}": check the registry name`;
      break;
    case code === 'ECONNREFUSED':
      message = `Connection refused by ${host}: is the registry running, and is the port right?`;
      break;
    case code === 'EHOSTUNREACH' || code === 'ENETUNREACH':
      message = `Cannot reach ${host}: no route to host`;
      break;
    case code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'ETIMEDOUT':
      message = `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`;
      break;
    case code === 'EPROTO' ||
      code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
      code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
      /wrong version number|packet length too long/i.test(String((err as Error)?.message)):
      message = `TLS handshake with ${host} failed: does this registry speak plain HTTP? Then turn on "plain HTTP"`;
      break;
    case code !== undefined && TLS_CODES.test(code):
      message = `The TLS certificate of ${host} is not trusted (${code}): add its CA certificate, or turn on "skip TLS verify" if you trust this network`;
      break;
    case code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED' || code === 'EPIPE':
      message = `The connection to ${host} was dropped`;
      break;
    default:
      message = `Request to ${host} failed: ${(err as Error)?.message ?? String(err)}`;
  }
  return new ConnectionError(message, code, { method: req.method, url: req.url, cause: err });
}
