/**
 * Secrets (passwords, tokens) of connections: in the OS keychain through
 * keytar (service `Lading`, account = connection id), never in
 * connections.json. When no Secret Service is reachable (a headless Linux
 * box: keytar rejects with "Cannot autolaunch D-Bus without X11 $DISPLAY"),
 * secrets are kept in memory for this session only, and status() says so.
 */
import type { CredentialsStatus } from '../../src-shared/contract';

export const KEYCHAIN_SERVICE = 'Lading';

/** The part of keytar used here; tests may pass another implementation. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface CredentialStoreOptions {
  /** Keychain service name. Default `Lading`. */
  service?: string | undefined;
  /** Default: keytar, loaded on first use. */
  backend?: KeychainBackend | (() => Promise<KeychainBackend>) | undefined;
  /** How long the first keychain call may take before the keychain counts as unavailable. Default 5 s. */
  probeTimeoutMs?: number;
}

export type SecretLocation = 'keychain' | 'session';

async function loadKeytar(): Promise<KeychainBackend> {
  const mod = (await import('keytar')) as unknown as { default?: KeychainBackend } & KeychainBackend;
  return mod.default ?? mod;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref?.();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}

export class CredentialStore {
  readonly service: string;
  private readonly session = new Map<string, string>();
  private readonly seen = new Set<string>();
  private keychain: Promise<KeychainBackend | undefined> | undefined;
  private unavailableReason: string | undefined;

  constructor(private readonly options: CredentialStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
  }

  /** Where secrets go, and why. Probes the keychain on first call. */
  async status(): Promise<CredentialsStatus> {
    const keychain = await this.backend();
    if (keychain) {
      return {
        storage: 'keychain',
        keychainAvailable: true,
        message: 'Passwords and tokens are kept in the system keychain.',
      };
    }
    return {
      storage: 'session',
      keychainAvailable: false,
      message:
        `No system keychain (Secret Service) is available (${this.unavailableReason ?? 'unknown reason'}). ` +
        'Passwords and tokens are kept in memory for this session only: enter them again after restarting Lading.',
    };
  }

  async get(id: string): Promise<string | undefined> {
    const inSession = this.session.get(id);
    if (inSession !== undefined) return this.remember(inSession);
    const keychain = await this.backend();
    if (!keychain) return undefined;
    try {
      const secret = await keychain.getPassword(this.service, id);
      return secret === null ? undefined : this.remember(secret);
    } catch (err) {
      this.lose(err);
      return undefined;
    }
  }

  /** Stores a secret; says where it went. */
  async set(id: string, secret: string): Promise<SecretLocation> {
    this.remember(secret);
    const keychain = await this.backend();
    if (keychain) {
      try {
        await keychain.setPassword(this.service, id, secret);
        this.session.delete(id);
        return 'keychain';
      } catch (err) {
        this.lose(err);
      }
    }
    this.session.set(id, secret);
    return 'session';
  }

  async delete(id: string): Promise<void> {
    this.session.delete(id);
    const keychain = await this.backend();
    if (!keychain) return;
    try {
      await keychain.deletePassword(this.service, id);
    } catch (err) {
      this.lose(err);
    }
  }

  /** Which connection ids have a secret, and where. */
  async locations(): Promise<Map<string, SecretLocation>> {
    const out = new Map<string, SecretLocation>();
    const keychain = await this.backend();
    if (keychain) {
      try {
        for (const { account } of await keychain.findCredentials(this.service)) out.set(account, 'keychain');
      } catch (err) {
        this.lose(err);
      }
    }
    for (const id of this.session.keys()) out.set(id, 'session');
    return out;
  }

  /** Every secret this process has handled: responses are scrubbed of them as a last line of defence. */
  knownSecrets(): string[] {
    return [...this.seen];
  }

  /** Notes a secret that passed through without being stored (e.g. testing an unsaved connection). */
  noteSecret(secret: string): void {
    this.seen.add(secret);
  }

  private remember(secret: string): string {
    this.seen.add(secret);
    return secret;
  }

  /** The keychain stopped working mid-session: from now on, secrets stay in memory. */
  private lose(err: unknown): void {
    this.unavailableReason = reasonOf(err);
    this.keychain = Promise.resolve(undefined);
  }

  private backend(): Promise<KeychainBackend | undefined> {
    if (!this.keychain) {
      this.keychain = (async () => {
        try {
          const opt = this.options.backend;
          const backend = opt === undefined ? await loadKeytar() : typeof opt === 'function' ? await opt() : opt;
          // One real call tells whether a Secret Service answers.
          await withTimeout(backend.getPassword(this.service, '__lading_probe__'), this.options.probeTimeoutMs ?? 5000, 'The keychain');
          return backend;
        } catch (err) {
          this.unavailableReason = reasonOf(err);
          return undefined;
        }
      })();
    }
    return this.keychain;
  }
}
