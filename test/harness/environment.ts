/**
 * The shared test environment: one storage root, one token server, three
 * registries over that root (anonymous, Basic, token), and the fixtures.
 * Started once per run by global-setup.ts; usable from a script too.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CleanupStack } from './cleanup.js';
import { createFixtures } from './fixtures.js';
import type { LadingInfo, RegistryEndpoint } from './lading-info.js';
import { startRegistry, type RunningRegistry } from './registry.js';
import type { Credentials } from './skopeo.js';
import { createTokenKeyPair } from './token-keys.js';
import { REQUESTS_PATH, startTokenServer } from './token-server.js';
import { makeTempDir } from './tmp.js';
import { requireTool } from './tools.js';

export const BASIC_USER = 'alice';
export const TOKEN_USER = 'bob';

export interface Environment {
  info: LadingInfo;
  teardown(): Promise<void>;
}

/** Fails at once, naming the package, when a tool the harness uses is missing. */
function requireTools(): void {
  requireTool('docker-registry', 'docker-registry');
  requireTool('skopeo', 'skopeo');
  requireTool('htpasswd', 'apache2-utils');
  requireTool('openssl', 'openssl');
  requireTool('tar', 'tar');
}

function randomPassword(): string {
  // Random per run so no test can pass by hard-coding it.
  return randomBytes(12).toString('base64url');
}

function endpoint(r: RunningRegistry): RegistryEndpoint {
  return { host: r.host, url: r.url, logFile: r.logFile, configPath: r.configPath };
}

export async function startEnvironment(): Promise<Environment> {
  const started = Date.now();
  requireTools();
  const cleanup = new CleanupStack();
  try {
    const workDir = await makeTempDir('lading-test-');
    cleanup.add('remove work dir', () => rm(workDir, { recursive: true, force: true }));
    const storageRoot = join(workDir, 'storage');
    await mkdir(storageRoot);
    const httpSecret = randomBytes(16).toString('hex');
    const basicCreds: Credentials = { username: BASIC_USER, password: randomPassword() };
    const tokenCreds: Credentials = { username: TOKEN_USER, password: randomPassword() };

    const keyPair = await createTokenKeyPair(workDir);
    const tokenServer = await startTokenServer({ keyPair, users: { [tokenCreds.username]: tokenCreds.password } });
    cleanup.add('stop token server', () => tokenServer.stop());

    const start = async (name: string, opts: Parameters<typeof startRegistry>[0]): Promise<RunningRegistry> => {
      const registry = await startRegistry(opts);
      cleanup.add(`stop ${name} registry`, () => registry.stop());
      return registry;
    };
    // allSettled: if one fails, the others still get registered for cleanup.
    const results = await Promise.allSettled([
      start('anonymous', { auth: 'none', rootDirectory: storageRoot, workDir: join(workDir, 'registry-anonymous'), httpSecret }),
      start('basic', {
        auth: 'basic',
        rootDirectory: storageRoot,
        workDir: join(workDir, 'registry-basic'),
        httpSecret,
        users: { [basicCreds.username]: basicCreds.password },
      }),
      start('token', { auth: 'token', rootDirectory: storageRoot, workDir: join(workDir, 'registry-token'), httpSecret, tokenServer }),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [anonymous, basic, token] = results.map((r) => (r as PromiseFulfilledResult<RunningRegistry>).value) as [
      RunningRegistry,
      RunningRegistry,
      RunningRegistry,
    ];

    const fixtures = await createFixtures(anonymous, workDir);

    const info: LadingInfo = {
      workDir,
      storageRoot,
      httpSecret,
      registries: {
        anonymous: endpoint(anonymous),
        basic: { ...endpoint(basic), credentials: basicCreds },
        token: { ...endpoint(token), credentials: tokenCreds },
      },
      tokenServer: {
        url: tokenServer.url,
        realm: tokenServer.realm,
        service: tokenServer.service,
        issuer: tokenServer.issuer,
        credentials: tokenCreds,
        keyPath: keyPair.keyPath,
        certPath: keyPair.certPath,
        requestsUrl: `${tokenServer.url}${REQUESTS_PATH}`,
      },
      fixtures,
      setupMs: Date.now() - started,
    };
    return { info, teardown: () => cleanup.run() };
  } catch (err) {
    // Nothing may outlive a failed setup: stop what started, then report the cause.
    await cleanup.run().catch(() => undefined);
    throw err;
  }
}
