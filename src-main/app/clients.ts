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
  logger?: Logger;
  timeoutMs?: number;
}

export interface Lease {
  client: Client;
  connection: StoredConnection;
  release(): void;
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

  /** The connection's client; call release() when done. Unknown ids fail with `not-found`. */
  async acquire(id: string): Promise<Lease> {
    let entry = this.entries.get(id);
    if (!entry) {
      const built: Entry = { ready: this.build(id), leases: 0, stale: false };
      entry = built;
      this.entries.set(id, built);
      built.ready.catch(() => {
        if (this.entries.get(id) === built) this.entries.delete(id);
      });
    }
    entry.leases++;
    let value: { client: Client; connection: StoredConnection };
    try {
      value = await entry.ready;
    } catch (err) {
      entry.leases--;
      throw err;
    }
    let released = false;
    const held = entry;
    return {
      ...value,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        if (held.stale && held.leases === 0) this.closeEntry(held);
      },
    };
  }

  /** Runs `fn` with the connection's client. */
  async use<T>(id: string, fn: (client: Client, connection: StoredConnection) => Promise<T>): Promise<T> {
    const lease = await this.acquire(id);
    try {
      return await fn(lease.client, lease.connection);
    } finally {
      lease.release();
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
