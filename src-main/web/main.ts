/**
 * `npm run web`: Lading in a browser. Creates the services over the app data
 * folder (the Electron app's own by default), serves the built renderer and
 * the contract on 127.0.0.1, and prints the URL to open (the launch token is
 * in its fragment).
 *
 *   node dist/main/web.cjs [--port N] [--data-dir DIR] [--renderer-dir DIR]
 */
// First: the jobs stream hundreds of MB through this process (registry/memory/app-process.ts).
import '../registry/memory/app-process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleLogger } from '../app/console-logger';
import { createOperationDispatcher } from '../app/operation-dispatcher';
import { createServices } from '../app/services';
import { defaultDataDir } from './data-dir';
import { openFolderWith } from './open-folder';
import { startWebBridge } from './server';

const USAGE = 'usage: npm run web -- [--port N] [--data-dir DIR] [--renderer-dir DIR]';

// stdout is for the URL and what to do with it; the log goes to stderr.
const logger = consoleLogger({ info: console.error, warn: console.error, error: console.error });

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { port?: string; 'data-dir'?: string; 'renderer-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'renderer-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (0-65535)\n${USAGE}`);
  // dist/main/web.cjs and src-main/web/main.ts are both two levels below the project.
  const project = resolve(import.meta.dirname, '../..');
  const rendererDir = resolve(values['renderer-dir'] ?? join(project, 'dist/renderer'));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    fail(
      `The renderer is not built (${join(rendererDir, 'index.html')} is missing): run npm run build:renderer, or npm run web, which builds it.`,
    );
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());

  const services = createServices({ dataDir, logger, openFolder: openFolderWith() });
  const dispatcher = createOperationDispatcher(services);
  let bridge;
  try {
    bridge = await startWebBridge({
      dispatcher,
      rendererDir,
      port,
      onRefused: (what, reason) => logger.warn(`refused ${what}: ${reason}`),
    });
  } catch (err) {
    await services.close();
    fail(`Could not listen on 127.0.0.1:${port}: ${err instanceof Error ? err.message : String(err)}`);
  }

  console.log(`Lading is running. Open this URL in a browser on this machine:\n\n  ${bridge.url}\n`);
  console.log(`Data folder: ${dataDir}`);
  console.log('The URL carries a token that changes on every launch. Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void bridge
      .close()
      .then(() => services.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
