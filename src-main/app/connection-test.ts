/**
 * Testing a connection: is the registry reachable, does TLS work, are the
 * credentials accepted, does it offer a catalog. One catalog request tells
 * all of that (the client turns a 401/403/404 catalog into "not supported"
 * unless the credentials themselves were refused). When the TLS handshake
 * failed because the server speaks plain HTTP, one more request, `GET /v2/`
 * over plain HTTP without credentials, tells whether turning on plain HTTP
 * would work, so the UI offers it only then.
 */
import type { ConnectionTestResult } from '../../src-shared/contract';
import { tlsFailure } from '../../src-shared/errors';
import { createClient, type ClientOptions } from '../registry/index';
import { clientOptionsFor, USER_AGENT } from './clients';
import type { StoredConnection } from './connections';
import { appErrorFromThrown } from './errors';

export type TestTarget = Pick<
  StoredConnection,
  'name' | 'host' | 'authKind' | 'tokenType' | 'username' | 'plainHttp' | 'tlsSkipVerify' | 'caPem'
>;

/** How long the plain-HTTP probe may take at most: it only decides whether an offer is shown. */
const PROBE_TIMEOUT_MS = 5_000;

export async function testConnection(
  target: TestTarget,
  secret: string | undefined,
  opts: {
    timeoutMs?: number;
    signal?: AbortSignal | undefined;
    extra?: Omit<ClientOptions, 'auth' | 'insecure' | 'tlsSkipVerify' | 'ca'>;
  } = {},
): Promise<ConnectionTestResult> {
  const started = Date.now();
  const tlsWhenOk: ConnectionTestResult['tls'] = target.plainHttp ? 'not-used' : target.tlsSkipVerify ? 'not-verified' : 'ok';
  const hasCredentials = target.authKind !== 'anonymous';
  const base = { registry: target.host };
  let client;
  try {
    const options = clientOptionsFor(target, secret, {
      userAgent: USER_AGENT,
      timeoutMs: opts.timeoutMs ?? 15_000,
      maxRetries: 1,
      ...opts.extra,
    });
    client = createClient(target.host, options);
  } catch (err) {
    // The profile cannot make a client (no secret stored, a malformed host or CA): nothing was sent.
    return {
      ...base,
      ok: false,
      reachable: false,
      tls: 'unknown',
      credentials: 'unknown',
      catalog: 'unknown',
      elapsedMs: Date.now() - started,
      error: appErrorFromThrown(err),
    };
  }
  const registry = client.getRegistry();
  try {
    await client.listRepositories({ limit: 1, ...(opts.signal ? { signal: opts.signal } : {}) });
    return {
      registry,
      ok: true,
      reachable: true,
      tls: tlsWhenOk,
      credentials: hasCredentials ? 'accepted' : 'anonymous',
      catalog: 'supported',
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    const error = appErrorFromThrown(err);
    const elapsedMs = Date.now() - started;
    switch (error.code) {
      case 'catalog-unsupported':
        return {
          registry,
          ok: true,
          reachable: true,
          tls: tlsWhenOk,
          credentials: hasCredentials ? 'accepted' : 'anonymous',
          catalog: 'unsupported',
          elapsedMs,
        };
      case 'access-denied':
        return {
          registry,
          ok: false,
          reachable: true,
          tls: tlsWhenOk,
          credentials: hasCredentials ? 'rejected' : 'anonymous',
          catalog: 'unknown',
          elapsedMs,
          error,
        };
      case 'unreachable': {
        const tls = target.plainHttp ? undefined : tlsFailure(error);
        if (!tls) {
          return { registry, ok: false, reachable: false, tls: 'unknown', credentials: 'unknown', catalog: 'unknown', elapsedMs, error };
        }
        // A connection was made; only the TLS handshake on it failed.
        const plainHttpAnswers = tls === 'not-tls' ? await answersPlainHttp(target.host, opts) : undefined;
        return {
          registry,
          ok: false,
          reachable: true,
          tls: 'failed',
          credentials: 'unknown',
          catalog: 'unknown',
          ...(plainHttpAnswers === undefined ? {} : { plainHttpAnswers }),
          elapsedMs: Date.now() - started,
          error,
        };
      }
      default:
        // It answered, but with something unusable.
        return {
          registry,
          ok: false,
          reachable: true,
          tls: tlsWhenOk,
          credentials: 'unknown',
          catalog: 'unknown',
          elapsedMs,
          error,
        };
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * Does `http://<host>/v2/` answer as a registry: 200, or 401 asking for credentials (the distribution
 * spec's version check)? Sent without credentials, which must never travel unencrypted unasked.
 */
async function answersPlainHttp(
  host: string,
  opts: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined },
): Promise<boolean> {
  const authority = host.split('/', 1)[0]!;
  const timeout = AbortSignal.timeout(Math.min(opts.timeoutMs ?? PROBE_TIMEOUT_MS, PROBE_TIMEOUT_MS));
  try {
    const res = await fetch(`http://${authority}/v2/`, {
      redirect: 'manual',
      headers: { 'user-agent': USER_AGENT },
      signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
    });
    await res.body?.cancel().catch(() => undefined);
    return res.status === 200 || res.status === 401;
  } catch {
    return false;
  }
}
