/**
 * What a client and all its withSegment() children share: one connection
 * pool, one authenticator, the registry's origin. Every registry call goes
 * through `Session.request`, which adds authorization and retries once after a
 * 401 with what the challenge asked for, and its answer through
 * `Session.check`, which holds it to the statuses the call expects.
 */
import { Authenticator } from './auth/authenticator';
import { AccessDeniedError, ImageNotFoundError, RegistryError, RepositoryNotFoundError, describeErrors, parseErrorBody } from './errors';
import { readText } from './auth/token';
import { rateLimitOf, type RateLimit } from './rate-limit';
import { redactUrl } from './redact';
import { createDispatcher } from './transport/dispatcher';
import { HttpTransport, discardBody, header, isReplayable, type HttpRequest, type HttpResponse } from './transport/http';
import type { ClientOptions, Logger } from './types';
import type { Agent } from './transport/undici-parts';

const DEFAULT_USER_AGENT = 'lading/0.1 (+https://github.com/lading)';
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 3;
const MAX_ERROR_BODY = 64 * 1024;

export interface SessionInit {
  /** The host requests go to (Docker Hub's API host for docker.io). */
  apiHost: string;
  /** The host as the user named it, for messages and getRegistry(). */
  displayHost: string;
  plainHttp: boolean;
  options: ClientOptions;
}

/** What a failed answer was about, for a precise error. */
export interface FailureContext {
  /** Words for the message, e.g. `image "app:v1"`. */
  subject: string;
  /** What a 404 means here. */
  notFound?: 'image' | 'repository' | 'blob' | 'other';
}

export interface CheckContext extends FailureContext {
  /** The caller reads the body of an expected answer (a manifest, a blob, a JSON page); otherwise it is discarded. */
  readBody?: boolean;
}

export class Session {
  readonly origin: string;
  readonly displayHost: string;
  readonly apiHost: string;
  readonly logger?: Logger | undefined;
  readonly transport: HttpTransport;
  readonly auth: Authenticator;
  /** Per-request timeout, for messages about streams that stall after the headers. */
  readonly timeoutMs: number;
  private readonly dispatcher: Agent;
  private lastRateLimit: RateLimit | undefined;

  constructor(init: SessionInit) {
    const { options } = init;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timeoutMs = timeoutMs;
    this.apiHost = init.apiHost;
    this.displayHost = init.displayHost;
    this.origin = `${init.plainHttp ? 'http' : 'https'}://${init.apiHost}`;
    this.logger = options.logger;
    this.dispatcher = createDispatcher({ tlsSkipVerify: options.tlsSkipVerify, ca: options.ca, timeoutMs });
    this.transport = new HttpTransport({
      dispatcher: this.dispatcher,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      logger: options.logger,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      timeoutMs,
    });
    this.auth = new Authenticator(this.transport, this.origin, options.auth, options.logger);
  }

  /**
   * Sends an authorized request for `scopes`. A 401 is answered once: with a
   * fresh token, or the wider scope an `insufficient_scope` challenge named.
   * The caller owns the answer: it hands it to `check` (or, for a probe
   * where every status is an answer, discards its body).
   */
  async request(req: Omit<HttpRequest, 'authorization'>, scopes: string[]): Promise<HttpResponse> {
    const authorization = await this.auth.authorization(scopes, req.signal);
    const res = this.noteRateLimit(await this.transport.send({ ...req, authorization }));
    if (res.status !== 401 && !(res.status === 403 && /insufficient_scope/.test(String(res.headers['www-authenticate'] ?? '')))) {
      return res;
    }
    if (!isReplayable(req.body)) return res;
    const retryScopes = await this.auth.onUnauthorized(res.headers['www-authenticate'], scopes);
    if (!retryScopes) return res;
    await discardBody(res);
    const retryAuthorization = await this.auth.authorization(retryScopes, req.signal);
    return this.noteRateLimit(await this.transport.send({ ...req, authorization: retryAuthorization }));
  }

  /** The pull rate limit the registry reported last (Docker Hub, on manifest answers); undefined until one does. */
  get rateLimit(): RateLimit | undefined {
    return this.lastRateLimit;
  }

  /** Every answer passes here: the one place the registry's rate-limit headers are read. */
  private noteRateLimit(res: HttpResponse): HttpResponse {
    const reported = rateLimitOf(res);
    if (reported) this.lastRateLimit = reported;
    return res;
  }

  /**
   * The one place an answer's status is checked, as go-containerregistry's
   * `transport.CheckError(resp, codes...)` does: a status in `expected` is
   * returned, its body discarded unless the caller reads it; any other status
   * becomes the typed error it means (errorFor), with the registry's error
   * body read for its codes.
   */
  async check(res: HttpResponse, expected: readonly number[], context: CheckContext): Promise<number> {
    if (!expected.includes(res.status)) return this.fail(res, context);
    if (!context.readBody) await discardBody(res);
    return res.status;
  }

  /** Reads a failed answer's body (HEAD answers have none) and throws the error its status and codes mean. */
  private async fail(res: HttpResponse, context: FailureContext): Promise<never> {
    let text = '';
    if (res.method === 'HEAD') await discardBody(res);
    else text = await readText(res.body, MAX_ERROR_BODY).catch(() => '');
    throw this.errorFor(res.status, parseErrorBody(text), res.method, res.url, context, header(res, 'retry-after'));
  }

  private errorFor(
    status: number,
    errors: ReturnType<typeof parseErrorBody>,
    method: string,
    url: string,
    context: FailureContext,
    retryAfter?: string,
  ): RegistryError {
    const init = { status, errors, method, url };
    const codes = errors.map((e) => e.code);
    const details = errors.length ? ` (${describeErrors(errors)})` : '';
    if (status === 401) {
      const message = this.auth.hasCredentials
        ? `Access to ${context.subject} was refused: the credentials were rejected or lack permission${details}`
        : `Access to ${context.subject} needs credentials${details}`;
      return new AccessDeniedError(message, init);
    }
    if (status === 403) {
      return new AccessDeniedError(`Access to ${context.subject} is forbidden for this account${details}`, init);
    }
    if (status === 404 || codes.includes('NAME_UNKNOWN') || codes.includes('MANIFEST_UNKNOWN')) {
      if (codes.includes('NAME_UNKNOWN') || context.notFound === 'repository') {
        return new RepositoryNotFoundError(`Not found: ${context.subject}${details}`, init);
      }
      if (context.notFound === 'image') {
        return new ImageNotFoundError(`Not found: ${context.subject}${details}`, init);
      }
      return new RegistryError(`Not found: ${context.subject}${details}`, init);
    }
    if (status === 429) {
      const after = retryAfter ? `; the registry asks to wait ${retryAfter}${/^\d+$/.test(retryAfter) ? ' s' : ''}` : '';
      return new RegistryError(`${this.displayHost} is rate-limiting requests (429)${after}${details}`, init);
    }
    return new RegistryError(`${method} ${redactUrl(url)} answered ${status}${details}`, init);
  }

  /** Closes the connection pool. Calls in flight fail. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
