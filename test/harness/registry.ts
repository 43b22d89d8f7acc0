/**
 * Starts a real distribution 2.8 registry (`docker-registry serve`) on a free
 * loopback port, plain HTTP, with no auth, htpasswd Basic auth, or token auth.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './daemon.js';
import { registryConfig, type AuthConfig } from './registry-config.js';
import { makeTempDir } from './tmp.js';
import { freePort, requireTool, run } from './tools.js';
import { toYaml } from './yaml.js';

/** What a token registry needs to know about its token server. */
export interface TokenServerRef {
  realm: string;
  service: string;
  issuer: string;
  keyPair: { certPath: string };
}

export interface StartRegistryOptions {
  auth: 'none' | 'basic' | 'token';
  rootDirectory: string;
  /** username -> password, for 'basic'. */
  users?: Record<string, string>;
  /** Required for 'token'. */
  tokenServer?: TokenServerRef;
  /** Where config.yml, htpasswd and registry.log go (default: a new temp dir, removed by stop()). */
  workDir?: string;
  /** Shared by registries over one root so uploads may span instances (default: random). */
  httpSecret?: string;
  /** Basic auth realm (default 'lading-basic'). */
  realm?: string;
  /** `storage.delete.enabled` (default true). */
  deleteEnabled?: boolean;
}

export interface RunningRegistry {
  /** '127.0.0.1:PORT' */
  host: string;
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  auth: 'none' | 'basic' | 'token';
  configPath: string;
  /** The registry's stdout+stderr (logrus text and access log), appended as it runs. */
  logFile: string;
  /** The log so far, from memory. */
  log(): string;
  /** Log lines matching `pattern`, e.g. /mounted blob|blob mounted/i. */
  grepLog(pattern: RegExp): string[];
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const BIND_ATTEMPTS = 3;

async function writeHtpasswd(dir: string, users: Record<string, string>): Promise<string> {
  const htpasswd = requireTool('htpasswd', 'apache2-utils');
  // -B: bcrypt, the only scheme distribution accepts.
  const lines = await Promise.all(
    Object.entries(users).map(async ([user, pass]) => (await run(htpasswd, ['-Bbn', user, pass])).stdout.trim()),
  );
  const path = join(dir, 'htpasswd');
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return path;
}

async function authConfig(opts: StartRegistryOptions, workDir: string): Promise<AuthConfig> {
  switch (opts.auth) {
    case 'none':
      return { kind: 'none' };
    case 'basic': {
      if (opts.users === undefined || Object.keys(opts.users).length === 0) {
        throw new Error('startRegistry: basic auth needs at least one user');
      }
      return { kind: 'basic', htpasswdPath: await writeHtpasswd(workDir, opts.users), realm: opts.realm ?? 'lading-basic' };
    }
    case 'token': {
      const ts = opts.tokenServer;
      if (ts === undefined) throw new Error('startRegistry: token auth needs tokenServer');
      return {
        kind: 'token',
        token: { realm: ts.realm, service: ts.service, issuer: ts.issuer, rootCertBundle: ts.keyPair.certPath },
      };
    }
  }
}

/** Polls GET /v2/ until it answers 200 or 401, or the process dies. */
async function waitReady(url: string, daemon: Daemon): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (daemon.hasExited()) throw new Error(`registry exited before it was ready:\n${daemon.log()}`);
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`registry at ${url} not ready after ${READY_TIMEOUT_MS} ms:\n${daemon.log()}`);
}

export async function startRegistry(opts: StartRegistryOptions): Promise<RunningRegistry> {
  requireTool('docker-registry', 'docker-registry');
  const ownsWorkDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? (await makeTempDir('lading-registry-'));
  await mkdir(workDir, { recursive: true });
  const removeOwnWorkDir = async (): Promise<void> => {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
  };
  try {
    return await startIn(opts, workDir, removeOwnWorkDir);
  } catch (err) {
    await removeOwnWorkDir();
    throw err;
  }
}

async function startIn(opts: StartRegistryOptions, workDir: string, removeOwnWorkDir: () => Promise<void>): Promise<RunningRegistry> {
  const binary = requireTool('docker-registry', 'docker-registry');
  await mkdir(opts.rootDirectory, { recursive: true });
  const auth = await authConfig(opts, workDir);
  const httpSecret = opts.httpSecret ?? randomBytes(16).toString('hex');
  const configPath = join(workDir, 'config.yml');
  const logFile = join(workDir, 'registry.log');

  let lastError: unknown;
  for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
    const port = await freePort();
    const config = registryConfig({ port, rootDirectory: opts.rootDirectory, httpSecret, auth, deleteEnabled: opts.deleteEnabled ?? true });
    await writeFile(configPath, toYaml(config));
    const daemon = startDaemon(binary, ['serve', configPath], { logFile, cwd: workDir });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url, daemon);
    } catch (err) {
      await daemon.stop(500);
      lastError = err;
      // freePort is racy: another process may have taken the port. Retry only that.
      if (/address already in use/i.test(daemon.log())) continue;
      throw err;
    }
    return {
      host: `127.0.0.1:${port}`,
      url,
      port,
      auth: opts.auth,
      configPath,
      logFile,
      log: () => daemon.log(),
      grepLog: (pattern) =>
        daemon
          .log()
          .split('\n')
          .filter((line) => pattern.test(line)),
      stop: async () => {
        await daemon.stop();
        await removeOwnWorkDir();
      },
    };
  }
  throw lastError;
}
