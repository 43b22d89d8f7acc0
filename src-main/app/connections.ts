/**
 * Saved connection profiles: a JSON file `connections.json` in the data
 * folder, written atomically (temporary file, fsync, rename). The file holds
 * no secret: passwords and tokens live in the CredentialStore. On first
 * launch (no file yet) it starts with anonymous Docker Hub and GHCR presets.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuthKind, Connection, TokenType } from '../../src-shared/contract';
import { connectionDraftSchema } from '../../src-shared/contract';
import {
  authKindSchema,
  caPemSchema,
  connectionIdSchema,
  displayNameSchema,
  registryHostSchema,
  tokenTypeSchema,
  usernameSchema,
} from '../../src-shared/schemas';
import { SerialQueue, writeFileAtomically } from './atomic-file';
import type { CredentialStore, SecretLocation } from './credentials';
import { AppFailure } from './errors';
import { newConnectionId } from './ids';

export const CONNECTIONS_FILE = 'connections.json';
const FILE_VERSION = 1;

/** What the file holds per connection. */
export interface StoredConnection {
  id: string;
  name: string;
  host: string;
  authKind: AuthKind;
  tokenType?: TokenType;
  username?: string;
  plainHttp: boolean;
  tlsSkipVerify: boolean;
  caPem?: string;
  preset?: 'docker-hub' | 'ghcr';
  createdAt: string;
  updatedAt: string;
}

const storedSchema = z.object({
  id: connectionIdSchema,
  name: displayNameSchema,
  host: registryHostSchema,
  authKind: authKindSchema,
  tokenType: tokenTypeSchema.optional(),
  username: usernameSchema.optional(),
  plainHttp: z.boolean(),
  tlsSkipVerify: z.boolean(),
  caPem: caPemSchema.optional(),
  preset: z.enum(['docker-hub', 'ghcr']).optional(),
  createdAt: z.string().max(40),
  updatedAt: z.string().max(40),
});

const fileSchema = z.object({ version: z.literal(FILE_VERSION), connections: z.array(storedSchema).max(10_000) });

export type ConnectionDraft = z.output<typeof connectionDraftSchema>;

/** `https://Host:5000/path/` -> host `host:5000/path`, plain HTTP when the scheme was http. */
export function normalizeHost(input: string): { host: string; plainHttp: boolean } {
  const trimmed = input.trim();
  const plainHttp = /^http:\/\//i.test(trimmed);
  const rest = trimmed.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest.toLowerCase() : rest.slice(0, slash).toLowerCase() + rest.slice(slash);
  return { host, plainHttp };
}

/** The profile fields of a draft, its host normalised; `caPem` as resolved by the caller (a draft may keep or clear it). */
export function profileFromDraft(draft: ConnectionDraft, caPem: string | undefined) {
  const { host, plainHttp } = normalizeHost(draft.host);
  return {
    name: draft.name,
    host,
    authKind: draft.authKind,
    ...(draft.tokenType ? { tokenType: draft.tokenType } : {}),
    ...(draft.username ? { username: draft.username } : {}),
    plainHttp: draft.plainHttp || plainHttp,
    tlsSkipVerify: draft.tlsSkipVerify,
    ...(caPem ? { caPem } : {}),
  };
}

function presets(now: string): StoredConnection[] {
  return [
    {
      id: newConnectionId(),
      name: 'Docker Hub',
      host: 'docker.io',
      authKind: 'anonymous',
      plainHttp: false,
      tlsSkipVerify: false,
      preset: 'docker-hub',
      createdAt: now,
      updatedAt: now,
    },
    {
      id: newConnectionId(),
      name: 'GitHub Container Registry',
      host: 'ghcr.io',
      authKind: 'anonymous',
      plainHttp: false,
      tlsSkipVerify: false,
      preset: 'ghcr',
      createdAt: now,
      updatedAt: now,
    },
  ];
}

export interface ConnectionStoreOptions {
  /** The app's data folder; connections.json goes there. */
  dataDir: string;
  now?: () => Date;
  /** Told about every broken file that was set aside. */
  onWarning?: (message: string) => void;
}

/** The file, read once and kept in memory; every change is written through. */
export class ConnectionStore {
  readonly path: string;
  private loaded: Promise<StoredConnection[]> | undefined;
  private readonly writes = new SerialQueue();

  constructor(private readonly options: ConnectionStoreOptions) {
    this.path = join(options.dataDir, CONNECTIONS_FILE);
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  async list(): Promise<StoredConnection[]> {
    return (await this.load()).map((c) => ({ ...c }));
  }

  async get(id: string): Promise<StoredConnection | undefined> {
    const found = (await this.load()).find((c) => c.id === id);
    return found ? { ...found } : undefined;
  }

  /** The connection, or a `not-found` failure naming the id. */
  async require(id: string): Promise<StoredConnection> {
    const found = await this.get(id);
    if (!found) throw new AppFailure('not-found', `No connection with id ${id}: it may have been removed`);
    return found;
  }

  /** Creates (no id) or replaces a connection; returns it. */
  async put(fields: Omit<StoredConnection, 'id' | 'createdAt' | 'updatedAt'> & { id?: string }): Promise<StoredConnection> {
    return this.writes.run(async () => {
      const all = await this.load();
      const now = this.now();
      let saved: StoredConnection;
      if (fields.id !== undefined) {
        const index = all.findIndex((c) => c.id === fields.id);
        if (index < 0) throw new AppFailure('not-found', `No connection with id ${fields.id}: it may have been removed`);
        saved = clean({ ...fields, id: fields.id, createdAt: all[index]!.createdAt, updatedAt: now });
        const next = [...all];
        next[index] = saved;
        await this.persist(next);
      } else {
        saved = clean({ ...fields, id: newConnectionId(), createdAt: now, updatedAt: now });
        await this.persist([...all, saved]);
      }
      return { ...saved };
    });
  }

  async remove(id: string): Promise<boolean> {
    return this.writes.run(async () => {
      const all = await this.load();
      const next = all.filter((c) => c.id !== id);
      if (next.length === all.length) return false;
      await this.persist(next);
      return true;
    });
  }

  private async persist(connections: StoredConnection[]): Promise<void> {
    await this.writeFile(connections);
    this.loaded = Promise.resolve(connections);
  }

  /** Readable by this user only: it names the registries and the accounts used. */
  private writeFile(connections: StoredConnection[]): Promise<void> {
    return writeFileAtomically(this.path, `${JSON.stringify({ version: FILE_VERSION, connections }, null, 2)}\n`, 0o600);
  }

  private load(): Promise<StoredConnection[]> {
    if (!this.loaded) {
      const pending = this.read();
      this.loaded = pending;
      pending.catch(() => {
        if (this.loaded === pending) this.loaded = undefined;
      });
    }
    return this.loaded;
  }

  private async read(): Promise<StoredConnection[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      // First launch: the presets.
      return this.writePresets();
    }
    let parsed: z.output<typeof fileSchema> | undefined;
    let problem = '';
    try {
      const result = fileSchema.safeParse(JSON.parse(text));
      if (result.success) parsed = result.data;
      else problem = z.prettifyError(result.error).split('\n').slice(0, 4).join('; ');
    } catch (err) {
      problem = (err as Error).message;
    }
    if (parsed) return parsed.connections.map(clean);
    // Never overwrite what a person may want back: set the broken file aside, start afresh.
    const aside = `${this.path}.broken-${Date.now()}`;
    await rename(this.path, aside);
    this.options.onWarning?.(`${this.path} could not be read (${problem}); it was moved to ${aside} and the presets were restored`);
    return this.writePresets();
  }

  /**
   * The presets, written at once so their ids stay stable. Not through the
   * write queue: a put() may be what triggered the first read.
   */
  private async writePresets(): Promise<StoredConnection[]> {
    const initial = presets(this.now());
    await this.writeFile(initial);
    return initial;
  }
}

/** Drops undefined and inapplicable fields, so the file stays tidy. */
function clean(c: z.output<typeof storedSchema>): StoredConnection {
  const out: StoredConnection = {
    id: c.id,
    name: c.name,
    host: c.host,
    authKind: c.authKind,
    plainHttp: c.plainHttp,
    tlsSkipVerify: c.tlsSkipVerify,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
  if (c.authKind === 'token') out.tokenType = c.tokenType ?? 'identity';
  if (c.authKind !== 'anonymous' && c.username) out.username = c.username;
  if (c.caPem) out.caPem = c.caPem;
  if (c.preset) out.preset = c.preset;
  return out;
}

export function toConnection(c: StoredConnection, secret: SecretLocation | undefined): Connection {
  return { ...c, secret: c.authKind === 'anonymous' ? 'none' : (secret ?? 'none') };
}

export interface ConnectionsServiceOptions {
  store: ConnectionStore;
  credentials: CredentialStore;
  /** Called after a connection changed or was removed (the client cache drops it). */
  onChange?: (id: string) => void;
}

/** Profiles plus their secrets: what the contract's connections.* operations do. */
export class ConnectionsService {
  constructor(private readonly options: ConnectionsServiceOptions) {}

  get store(): ConnectionStore {
    return this.options.store;
  }

  async list(): Promise<Connection[]> {
    const [all, where] = await Promise.all([this.options.store.list(), this.options.credentials.locations()]);
    return all.map((c) => toConnection(c, where.get(c.id)));
  }

  async get(id: string): Promise<Connection> {
    const stored = await this.options.store.require(id);
    const where = await this.options.credentials.locations();
    return toConnection(stored, where.get(id));
  }

  async save(draft: ConnectionDraft): Promise<Connection> {
    const previous = draft.id === undefined ? undefined : await this.options.store.require(draft.id);
    const caPem = draft.caPem === null ? undefined : (draft.caPem ?? previous?.caPem);
    const saved = await this.options.store.put({
      ...(draft.id !== undefined ? { id: draft.id } : {}),
      ...profileFromDraft(draft, caPem),
      ...(previous?.preset ? { preset: previous.preset } : {}),
    });
    const credentials = this.options.credentials;
    if (saved.authKind === 'anonymous' || draft.secret === null) await credentials.delete(saved.id);
    else if (typeof draft.secret === 'string') await credentials.set(saved.id, draft.secret);
    this.options.onChange?.(saved.id);
    return this.get(saved.id);
  }

  async remove(id: string): Promise<{ id: string }> {
    const removed = await this.options.store.remove(id);
    if (!removed) throw new AppFailure('not-found', `No connection with id ${id}: it may have been removed`);
    await this.options.credentials.delete(id);
    this.options.onChange?.(id);
    return { id };
  }
}
