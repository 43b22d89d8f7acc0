/**
 * Lading as `npm run web` runs it, in-process: the real services over a
 * temporary data folder (and a keychain service name of its own), the real
 * web bridge serving the built renderer.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOperationDispatcher, type OperationDispatcher } from '../../../src-main/app/operation-dispatcher';
import { createServices, type Services } from '../../../src-main/app/services';
import { startWebBridge, type WebBridge } from '../../../src-main/web/server';
import type { InputOf, OperationName, ResultOf } from '../../../src-shared/contract';
import { makeTempDir } from '../../harness/tmp';
import { ensureRendererBuilt } from './renderer';

export interface WebApp {
  url: string;
  bridge: WebBridge;
  services: Services;
  dispatcher: OperationDispatcher;
  dataDir: string;
  homeDir: string;
  /** Calls an operation directly (test set-up); throws with the error's message when it fails. */
  ok<N extends OperationName>(name: N, input: InputOf<N>): Promise<ResultOf<N>>;
  close(): Promise<void>;
}

export interface WebAppOptions {
  /** Written to <home>/.docker/config.json, to be offered for import. */
  dockerConfig?: unknown;
  progressThrottleMs?: number;
  /** A data folder prepared beforehand (e.g. one a killed Lading process left); removed at close like a fresh one. */
  dataDir?: string;
}

export async function startWebApp(options: WebAppOptions = {}): Promise<WebApp> {
  const rendererDir = await ensureRendererBuilt();
  const dataDir = options.dataDir ?? (await makeTempDir('lading-e2e-data-'));
  const homeDir = await makeTempDir('lading-e2e-home-');
  if (options.dockerConfig !== undefined) {
    await mkdir(join(homeDir, '.docker'), { recursive: true });
    await writeFile(join(homeDir, '.docker', 'config.json'), JSON.stringify(options.dockerConfig));
  }
  const services = createServices({
    dataDir,
    homeDir,
    // No DOCKER_CONFIG, REGISTRY_AUTH_FILE or XDG_RUNTIME_DIR from the machine running the tests.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: homeDir },
    keychainService: `Lading-e2e-${randomBytes(6).toString('hex')}`,
    progressThrottleMs: options.progressThrottleMs ?? 50,
  });
  const dispatcher = createOperationDispatcher(services);
  const bridge = await startWebBridge({ dispatcher, rendererDir });
  return {
    url: bridge.url,
    bridge,
    services,
    dispatcher,
    dataDir,
    homeDir,
    async ok(name, input) {
      const outcome = await dispatcher.invoke(name, input);
      if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.code}: ${outcome.error.message}`);
      return outcome.value;
    },
    async close() {
      await bridge.close();
      // Remove every connection, so no secret stays in the keychain.
      const list = await dispatcher.invoke('connections.list', {});
      if (list.ok) for (const c of list.value) await dispatcher.invoke('connections.remove', { id: c.id });
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(homeDir, { recursive: true, force: true });
    },
  };
}
