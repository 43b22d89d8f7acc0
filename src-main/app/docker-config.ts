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
import { BlockList, isIP } from 'node:net';
import { join } from 'node:path';
import type { Connection, ImportCandidate, ImportCandidatesResult, ImportResult } from '../../src-shared/contract';
import { importKeySchema } from '../../src-shared/schemas';
import { DOCKER_HUB_HOST, isDockerHub } from '../../src-shared/docker-hub';
import type { ConnectionsService } from './connections';
import { AppFailure, appErrorFromThrown } from './errors';
import { helperGet, helperList, isValidHelperName } from './credential-helper';

export interface DockerConfigOptions {
  /** The user's home folder. */
  homeDir: string;
  /** DOCKER_CONFIG, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, REGISTRY_AUTH_FILE, and the PATH helpers are found on. */
  env: NodeJS.ProcessEnv;
  helperTimeoutMs?: number;
}

/** What was read from a config file: a setting that is missing or empty is undefined. */
interface AuthEntry {
  auth: string | undefined;
  identitytoken: string | undefined;
  registrytoken: string | undefined;
}

interface ConfigFile {
  auths: Record<string, AuthEntry>;
  credsStore: string | undefined;
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

/** Docker's default insecure registries: 127.0.0.0/8 and ::1/128 (an IPv4-mapped ::ffff:127.x too). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost`, `127.0.0.1:5000`, `[::1]:5000` -> the name or address and the port (undefined without one). */
function splitHostPort(authority: string): { name: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  if (bracketed) return { name: bracketed[1]!, port: bracketed[2] };
  const colon = authority.lastIndexOf(':');
  // Two colons or more without brackets: a bare IPv6 address, no port.
  if (colon < 0 || authority.indexOf(':') !== colon) return { name: authority, port: undefined };
  return { name: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

/** `localhost` or a loopback address: what Docker and containerd treat as an insecure (plain-HTTP) registry. */
export function isLoopbackHost(authority: string): boolean {
  const name = splitHostPort(authority).name.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return true;
  const family = isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * `https://index.docker.io/v1/` -> `docker.io`; `http://localhost:5000` -> `localhost:5000` (plain HTTP).
 *
 * A server written without a scheme is HTTPS, except on the loopback: Docker treats 127.0.0.0/8 and ::1
 * (and names resolving there) as insecure registries by default, and containerd speaks plain HTTP to
 * `localhost` and loopback addresses on any port but 443 (its `MatchLocalhost`), so `docker login
 * localhost:5000` is a plain-HTTP registry. Without a port, or on 443, the port says TLS. Like containerd,
 * no name is resolved here: `localhost` is the one name taken as loopback.
 */
export function normalizeServer(server: string): { host: string; plainHttp: boolean } {
  const trimmed = server.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  let rest = trimmed.slice(scheme ? scheme[0].length : 0).replace(/\/+$/, '');
  rest = rest.replace(/\/v[12]$/i, '');
  const slash = rest.indexOf('/');
  let host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash);
  if (isDockerHub(host)) host = DOCKER_HUB_HOST;
  const port = splitHostPort(host).port;
  const plainHttp = scheme ? scheme[1]!.toLowerCase() === 'http' : isLoopbackHost(host) && port !== undefined && port !== '443';
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
      auths[server] = { auth: nonEmpty(v.auth), identitytoken: nonEmpty(v.identitytoken), registrytoken: nonEmpty(v.registrytoken) };
    }
  }
  const credHelpers: Record<string, string> = {};
  if (raw.credHelpers && typeof raw.credHelpers === 'object') {
    for (const [server, helper] of Object.entries(raw.credHelpers as Record<string, unknown>)) {
      if (typeof helper === 'string' && helper) credHelpers[server] = helper;
    }
  }
  return { auths, credHelpers, credsStore: nonEmpty(raw.credsStore) };
}

/** A setting that is a non-empty string; anything else counts as not set. */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
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
        result.failed.push({ key, error: appErrorFromThrown(err) });
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
      const entry = f.entry;
      const decoded = decodeAuth(entry?.auth);
      if (entry?.identitytoken) {
        secret = entry.identitytoken;
        tokenType = 'identity';
      } else if (entry?.registrytoken) {
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
    if (username.includes(':') || username.length > 256)
      throw new AppFailure('invalid-input', `The login for ${c.server} has an unusable username`);

    const existing = (await this.connections.list()).find(
      (x) => x.host === c.host && x.authKind === authKind && (x.username ?? '') === (authKind === 'basic' ? username : (x.username ?? '')),
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
      const existing = saved.find(
        (x) => x.host === f.candidate.host && x.authKind !== 'anonymous' && (!f.candidate.username || x.username === f.candidate.username),
      );
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
        sources.push({ file, source, found: false, ...(code === 'ENOENT' ? {} : { error: appErrorFromThrown(err).message }) });
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
        if (!isValidHelperName(config.credsStore))
          errors.push(`credsStore: "${config.credsStore.slice(0, 64)}" is not a valid helper name`);
        else {
          try {
            stored = await helperList(config.credsStore, { env: this.options.env, timeoutMs: this.options.helperTimeoutMs });
          } catch (err) {
            errors.push(appErrorFromThrown(err).message);
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
