/**
 * Testing a connection: is the registry reachable, does TLS work, are the
 * credentials accepted, does it offer a catalog. One catalog request tells
 * all of that (the client turns a 401/403/404 catalog into "not supported"
 * unless the credentials themselves were refused).
 */
import type { ConnectionTestResult } from '../../src-shared/contract';
import { createClient, type ClientOptions } from '../registry/index';
import { clientOptionsFor, USER_AGENT } from './clients';
import type { StoredConnection } from './connections';
import { appErrorFromThrown } from './errors';

export type TestTarget = Pick<StoredConnection, 'name' | 'host' | 'authKind' | 'tokenType' | 'username' | 'plainHttp' | 'tlsSkipVerify' | 'caPem'>;

const TLS_PROBLEM = /certificate|CERT_|SSL|TLS|self[- ]signed|handshake|EPROTO/i;

export async function testConnection(
  target: TestTarget,
  secret: string | undefined,
  opts: { timeoutMs?: number; signal?: AbortSignal; extra?: Omit<ClientOptions, 'auth' | 'insecure' | 'tlsSkipVerify' | 'ca'> } = {},
): Promise<ConnectionTestResult> {
  const started = Date.now();
  const tlsWhenOk: ConnectionTestResult['tls'] = target.plainHttp ? 'not-used' : target.tlsSkipVerify ? 'not-verified' : 'ok';
  const hasCredentials = target.authKind !== 'anonymous';
  const base = { registry: target.host };
  let client;
  try {
    const options = clientOptionsFor(target, secret, { userAgent: USER_AGENT, timeoutMs: opts.timeoutMs ?? 15_000, maxRetries: 1, ...opts.extra });
    client = createClient(target.host, options);
  } catch (err) {
    // The profile cannot make a client (no secret stored, a malformed host or CA): nothing was sent.
    return {
      ...base, ok: false, reachable: false, tls: 'unknown', credentials: 'unknown', catalog: 'unknown',
      elapsedMs: Date.now() - started, error: appErrorFromThrown(err),
    };
  }
  const registry = client.getRegistry();
  try {
    await client.listRepositories({ limit: 1, ...(opts.signal ? { signal: opts.signal } : {}) });
    return {
      registry, ok: true, reachable: true, tls: tlsWhenOk, credentials: hasCredentials ? 'accepted' : 'anonymous', catalog: 'supported',
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    const error = appErrorFromThrown(err);
    const elapsedMs = Date.now() - started;
    switch (error.code) {
      case 'catalog-unsupported':
        return {
          registry, ok: true, reachable: true, tls: tlsWhenOk, credentials: hasCredentials ? 'accepted' : 'anonymous', catalog: 'unsupported',
          elapsedMs,
        };
      case 'access-denied':
        return {
          registry, ok: false, reachable: true, tls: tlsWhenOk, credentials: hasCredentials ? 'rejected' : 'anonymous', catalog: 'unknown',
          elapsedMs, error,
        };
      case 'unreachable': {
        const tlsFailed = !target.plainHttp && TLS_PROBLEM.test(`${error.message} ${String(error.details?.networkCode ?? '')}`);
        return {
          registry, ok: false, reachable: false, tls: tlsFailed ? 'failed' : 'unknown', credentials: 'unknown', catalog: 'unknown',
          elapsedMs, error,
        };
      }
      default:
        // It answered, but with something unusable.
        return {
          registry, ok: false, reachable: true, tls: tlsWhenOk, credentials: 'unknown', catalog: 'unknown', elapsedMs, error,
        };
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}
