/**
 * One registry Client per connection, built with its credentials and kept
 * while in use. A connection that changes (or goes) is dropped from the
 * cache at once; its old client is closed when the last call or job using it
 * lets go, so editing a connection never breaks a running job.
 */
import { createClient, type AuthConfig, type Client, type ClientOptions, type Logger } from '../registry/index';
import type { CredentialStore } from './credentials';
import type { ConnectionStore, StoredConnection } from './connections';
import { AppFailure } from './errors';

export const USER_AGENT = 'Lading/0.1.0';

export interface ClientPoolOptions {
  store: ConnectionStore;
  credentials: CredentialStore;
  userAgent?: string;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
}

interface Entry {
  ready: Promise<{ client: Client; connection: StoredConnection }>;
  leases: number;
  stale: boolean;
}

/** The library's options for a profile and its secret. */
export function clientOptionsFor(
  connection: Pick<StoredConnection, 'name' | 'authKind' | 'tokenType' | 'username' | 'plainHttp' | 'tlsSkipVerify' | 'caPem'>,
  secret: string | undefined,
  extra: Omit<ClientOptions, 'auth' | 'insecure' | 'tlsSkipVerify' | 'ca'> = {},
): ClientOptions {
  let auth: AuthConfig | undefined;
  if (connection.authKind !== 'anonymous') {
    if (secret === undefined) {
      const what = connection.authKind === 'basic' ? 'password' : 'token';
      throw new AppFailure(
        'access-denied',
        `No ${what} is stored for connection "${connection.name}": enter it in the connection's settings`,
        { reason: 'missing-secret' },
      );
    }
    if (connection.authKind === 'basic') auth = { username: connection.username ?? '', password: secret };
    else auth = connection.tokenType === 'bearer' ? { registryToken: secret } : { identityToken: secret };
  }
  return {
    ...extra,
    ...(auth ? { auth } : {}),
    insecure: connection.plainHttp,
    tlsSkipVerify: connection.tlsSkipVerify,
    ...(connection.caPem ? { ca: connection.caPem } : {}),
  };
}

export class ClientPool {
  private readonly entries = new Map<string, Entry>();
  private readonly retired = new Set<Entry>();

  constructor(private readonly options: ClientPoolOptions) {}

  /**
   * Runs `fn` with the connection's client, held until `fn` settles (a job holds it for as long as it runs).
   * Unknown ids fail with `not-found`.
   */
  async use<T>(id: string, fn: (client: Client, connection: StoredConnection) => Promise<T>): Promise<T> {
    const entry = this.entryFor(id);
    entry.leases++;
    try {
      const { client, connection } = await entry.ready;
      return await fn(client, connection);
    } finally {
      entry.leases--;
      // A connection edited while in use keeps its old client until the last user lets go.
      if (entry.stale && entry.leases === 0) this.closeEntry(entry);
    }
  }

  /** Forget the connection's client: the next call builds a new one from the saved profile and secret. */
  invalidate(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.stale = true;
    if (entry.leases === 0) this.closeEntry(entry);
    else this.retired.add(entry);
  }

  async close(): Promise<void> {
    const all = [...this.entries.values(), ...this.retired];
    this.entries.clear();
    this.retired.clear();
    await Promise.all(all.map((e) => e.ready.then((v) => v.client.close()).catch(() => undefined)));
  }

  private entryFor(id: string): Entry {
    const cached = this.entries.get(id);
    if (cached) return cached;
    const built: Entry = { ready: this.build(id), leases: 0, stale: false };
    this.entries.set(id, built);
    // A failed build is not cached: the next call tries again.
    built.ready.catch(() => {
      if (this.entries.get(id) === built) this.entries.delete(id);
    });
    return built;
  }

  private closeEntry(entry: Entry): void {
    this.retired.delete(entry);
    entry.ready.then((v) => v.client.close()).catch(() => undefined);
  }

  private async build(id: string): Promise<{ client: Client; connection: StoredConnection }> {
    const connection = await this.options.store.require(id);
    const secret = connection.authKind === 'anonymous' ? undefined : await this.options.credentials.get(id);
    const options = clientOptionsFor(connection, secret, {
      userAgent: this.options.userAgent ?? USER_AGENT,
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    return { client: createClient(connection.host, options), connection };
  }
}
