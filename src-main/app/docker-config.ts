/**
 * Importing existing logins: Docker's `config.json` (`auths` with base64
 * `auth` or `identitytoken`, `credsStore`, `credHelpers`) and Podman's
 * `auth.json` (`${XDG_RUNTIME_DIR}/containers/auth.json`,
 * `~/.config/containers/auth.json`, `$REGISTRY_AUTH_FILE`). Candidates are
 * listed without secrets; import fetches the secret (from the file or the
 * helper), puts it in the CredentialStore, and creates or updates a
 * connection.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, ImportCandidate, ImportCandidatesResult, ImportResult } from '../../src-shared/contract';
import { importKeySchema } from '../../src-shared/schemas';
import { DOCKER_HUB_HOST, isDockerHub } from '../../src-shared/docker-hub';
import type { ConnectionsService } from './connections';
import { AppFailure, toAppError } from './errors';
import { helperGet, helperList, isValidHelperName } from './credential-helper';

export interface DockerConfigOptions {
  /** The user's home folder. */
  homeDir: string;
  /** DOCKER_CONFIG, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, REGISTRY_AUTH_FILE, and the PATH helpers are found on. */
  env: NodeJS.ProcessEnv;
  helperTimeoutMs?: number;
}

interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface ConfigFile {
  auths: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

interface SourceFile {
  source: 'docker' | 'podman';
  file: string;
}

/** A candidate plus what import needs to fetch its secret (never returned as is). */
interface Found {
  candidate: ImportCandidate;
  entry?: AuthEntry;
}

const TOKEN_USERNAME = '<token>';

/** `https://index.docker.io/v1/` -> `docker.io`; `http://localhost:5000` -> `localhost:5000` (plain HTTP). */
export function normalizeServer(server: string): { host: string; plainHttp: boolean } {
  const trimmed = server.trim();
  const plainHttp = /^http:\/\//i.test(trimmed);
  let rest = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  rest = rest.replace(/\/v[12]$/i, '');
  const slash = rest.indexOf('/');
  let host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash);
  if (isDockerHub(host)) host = DOCKER_HUB_HOST;
  return { host: host + path, plainHttp };
}

function decodeAuth(auth: string | undefined): { username: string; password: string } | undefined {
  if (!auth) return undefined;
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function parseConfig(text: string): ConfigFile {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a JSON object');
  const auths: Record<string, AuthEntry> = {};
  if (raw.auths && typeof raw.auths === 'object') {
    for (const [server, value] of Object.entries(raw.auths as Record<string, unknown>)) {
      if (!value || typeof value !== 'object') continue;
      const v = value as Record<string, unknown>;
      auths[server] = {
        ...(typeof v.auth === 'string' && v.auth ? { auth: v.auth } : {}),
        ...(typeof v.identitytoken === 'string' && v.identitytoken ? { identitytoken: v.identitytoken } : {}),
        ...(typeof v.registrytoken === 'string' && v.registrytoken ? { registrytoken: v.registrytoken } : {}),
      };
    }
  }
  const credHelpers: Record<string, string> = {};
  if (raw.credHelpers && typeof raw.credHelpers === 'object') {
    for (const [server, helper] of Object.entries(raw.credHelpers as Record<string, unknown>)) {
      if (typeof helper === 'string' && helper) credHelpers[server] = helper;
    }
  }
  return { auths, credHelpers, ...(typeof raw.credsStore === 'string' && raw.credsStore ? { credsStore: raw.credsStore } : {}) };
}

export class DockerConfigImporter {
  constructor(
    private readonly options: DockerConfigOptions,
    private readonly connections: ConnectionsService,
  ) {}

  /** The files looked at, in precedence order. */
  files(): SourceFile[] {
    const { env, homeDir } = this.options;
    const out: SourceFile[] = [{ source: 'docker', file: join(env.DOCKER_CONFIG || join(homeDir, '.docker'), 'config.json') }];
    if (env.REGISTRY_AUTH_FILE) out.push({ source: 'podman', file: env.REGISTRY_AUTH_FILE });
    if (env.XDG_RUNTIME_DIR) out.push({ source: 'podman', file: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') });
    out.push({ source: 'podman', file: join(env.XDG_CONFIG_HOME || join(homeDir, '.config'), 'containers', 'auth.json') });
    const seen = new Set<string>();
    return out.filter((f) => !seen.has(f.file) && !!seen.add(f.file));
  }

  async candidates(): Promise<ImportCandidatesResult> {
    const { found, sources } = await this.scan();
    return { candidates: found.map((f) => f.candidate), sources };
  }

  async import(keys: string[]): Promise<ImportResult> {
    const { found } = await this.scan();
    const byKey = new Map(found.map((f) => [f.candidate.key, f]));
    const result: ImportResult = { imported: [], failed: [] };
    for (const key of keys) {
      try {
        const f = byKey.get(key);
        if (!f) throw new AppFailure('not-found', `No login "${key}" in the Docker or Podman configuration (any more)`);
        const { connection, updated } = await this.importOne(f);
        result.imported.push({ key, connection, updated });
      } catch (err) {
        result.failed.push({ key, error: toAppError(err) });
      }
    }
    return result;
  }

  private async importOne(f: Found): Promise<{ connection: Connection; updated: boolean }> {
    const c = f.candidate;
    let username = c.username ?? '';
    let secret: string;
    let tokenType: 'identity' | 'bearer' | undefined = c.tokenType;
    if (c.via === 'file') {
      const entry = f.entry ?? {};
      const decoded = decodeAuth(entry.auth);
      if (entry.identitytoken) {
        secret = entry.identitytoken;
        tokenType = 'identity';
      } else if (entry.registrytoken) {
        secret = entry.registrytoken;
        tokenType = 'bearer';
      } else if (decoded) {
        username = decoded.username;
        secret = decoded.password;
      } else {
        throw new AppFailure('not-found', `The login for ${c.server} in ${c.file} holds no credentials`);
      }
    } else {
      const got = await helperGet(c.helper!, c.server, { env: this.options.env, timeoutMs: this.options.helperTimeoutMs });
      secret = got.secret;
      if (got.username === TOKEN_USERNAME) {
        tokenType = 'identity';
        username = '';
      } else {
        username = got.username;
        tokenType = undefined;
      }
    }
    if (!secret) throw new AppFailure('not-found', `The login for ${c.server} has an empty password or token`);
    const authKind = tokenType ? 'token' : 'basic';
    if (authKind === 'basic' && !username) throw new AppFailure('invalid-input', `The login for ${c.server} has no username`);
    if (username.includes(':') || username.length > 256) throw new AppFailure('invalid-input', `The login for ${c.server} has an unusable username`);

    const existing = (await this.connections.list()).find(
      (x) => x.host === c.host && x.authKind === authKind && (x.username ?? '') === (authKind === 'basic' ? username : x.username ?? ''),
    );
    const name = c.host === 'docker.io' ? 'Docker Hub' : c.host;
    const connection = await this.connections.save({
      ...(existing ? { id: existing.id } : {}),
      name: existing?.name ?? (username && authKind === 'basic' ? `${name} (${username})`.slice(0, 100) : name.slice(0, 100)),
      host: c.host,
      authKind,
      ...(tokenType ? { tokenType } : {}),
      ...(authKind === 'basic' ? { username } : {}),
      plainHttp: existing?.plainHttp ?? c.plainHttp,
      tlsSkipVerify: existing?.tlsSkipVerify ?? false,
      secret,
    });
    return { connection, updated: existing !== undefined };
  }

  private async scan(): Promise<{ found: Found[]; sources: ImportCandidatesResult['sources'] }> {
    const sources: ImportCandidatesResult['sources'] = [];
    const found: Found[] = [];
    const keys = new Set<string>();
    const saved = await this.connections.list();
    const add = (f: Found) => {
      if (keys.has(f.candidate.key) || !importKeySchema.safeParse(f.candidate.key).success) return;
      const existing = saved.find((x) => x.host === f.candidate.host && x.authKind !== 'anonymous' && (!f.candidate.username || x.username === f.candidate.username));
      if (existing) f.candidate.existing = existing.id;
      keys.add(f.candidate.key);
      found.push(f);
    };
    for (const { source, file } of this.files()) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        const code = (err as { code?: string }).code;
        sources.push({ file, source, found: false, ...(code === 'ENOENT' ? {} : { error: toAppError(err).message }) });
        continue;
      }
      let config: ConfigFile;
      try {
        config = parseConfig(text);
      } catch (err) {
        sources.push({ file, source, found: true, error: `Not a valid auth file: ${(err as Error).message}` });
        continue;
      }
      const errors: string[] = [];
      const base = (server: string) => {
        const { host, plainHttp } = normalizeServer(server);
        return { key: `${source}:${server}`, source, file, server, host, plainHttp };
      };
      // Docker's precedence: a credHelper for the server, else the credsStore, else the file.
      const helperFor = (server: string) => config.credHelpers[server] ?? config.credHelpers[normalizeServer(server).host];
      for (const [server, helper] of Object.entries(config.credHelpers)) {
        if (!isValidHelperName(helper)) {
          errors.push(`credHelpers: "${helper.slice(0, 64)}" is not a valid helper name`);
          continue;
        }
        add({ candidate: { ...base(server), authKind: 'basic', via: 'credHelper', helper } });
      }
      let stored: Record<string, string> = {};
      if (config.credsStore) {
        if (!isValidHelperName(config.credsStore)) errors.push(`credsStore: "${config.credsStore.slice(0, 64)}" is not a valid helper name`);
        else {
          try {
            stored = await helperList(config.credsStore, { env: this.options.env, timeoutMs: this.options.helperTimeoutMs });
          } catch (err) {
            errors.push(toAppError(err).message);
          }
          for (const [server, user] of Object.entries(stored)) {
            if (helperFor(server)) continue;
            const token = user === TOKEN_USERNAME;
            add({
              candidate: {
                ...base(server),
                authKind: token ? 'token' : 'basic',
                ...(token ? { tokenType: 'identity' as const } : user ? { username: user } : {}),
                via: 'credsStore',
                helper: config.credsStore,
              },
            });
          }
        }
      }
      for (const [server, entry] of Object.entries(config.auths)) {
        if (helperFor(server)) continue;
        const hasOwn = !!(entry.auth || entry.identitytoken || entry.registrytoken);
        if (!hasOwn) {
          // An empty entry: the credsStore holds it (when `list` could not tell us about it).
          if (config.credsStore && isValidHelperName(config.credsStore) && !(server in stored)) {
            add({ candidate: { ...base(server), authKind: 'basic', via: 'credsStore', helper: config.credsStore } });
          }
          continue;
        }
        const decoded = decodeAuth(entry.auth);
        if (entry.identitytoken || entry.registrytoken) {
          add({
            candidate: { ...base(server), authKind: 'token', tokenType: entry.identitytoken ? 'identity' : 'bearer', via: 'file' },
            entry,
          });
        } else if (decoded) {
          add({ candidate: { ...base(server), authKind: 'basic', username: decoded.username, via: 'file' }, entry });
        } else {
          errors.push(`auths["${server.slice(0, 100)}"]: "auth" is not base64 of user:password`);
        }
      }
      sources.push({ file, source, found: true, ...(errors.length ? { error: errors.join('; ') } : {}) });
    }
    return { found, sources };
  }
}
