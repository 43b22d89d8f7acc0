/**
 * Registries of a test's own.
 *
 * A token server plus a token-auth registry over the shared storage (so every
 * fixture is there), for tests that need a token policy the shared one does
 * not have (POST disabled, short expiry, anonymous denied) or an exact request
 * record no other test file can touch; and an empty registry with storage of
 * its own, deletion on or off, for tests that write and delete.
 */
import { rm } from 'node:fs/promises';
import type { LadingInfo } from './lading-info.js';
import { startRegistry, type RunningRegistry } from './registry.js';
import { makeTempDir } from './tmp.js';
import { startTokenServer, type RunningTokenServer, type TokenServerOptions } from './token-server.js';

export interface OwnTokenRegistry {
  registry: RunningRegistry;
  tokenServer: RunningTokenServer;
  stop(): Promise<void>;
}

export async function startTokenRegistry(
  info: LadingInfo,
  opts: Omit<TokenServerOptions, 'keyPair' | 'service' | 'issuer'> = {},
): Promise<OwnTokenRegistry> {
  const tokenServer = await startTokenServer({
    ...opts,
    // The shared key pair, service and issuer: tokens from either server work on either registry.
    keyPair: { keyPath: info.tokenServer.keyPath, certPath: info.tokenServer.certPath },
    service: info.tokenServer.service,
    issuer: info.tokenServer.issuer,
  });
  try {
    const registry = await startRegistry({
      auth: 'token',
      rootDirectory: info.storageRoot,
      httpSecret: info.httpSecret,
      tokenServer,
    });
    return {
      registry,
      tokenServer,
      stop: async () => {
        await registry.stop();
        await tokenServer.stop();
      },
    };
  } catch (err) {
    await tokenServer.stop();
    throw err;
  }
}

export interface ScratchRegistry {
  registry: RunningRegistry;
  /** Its storage root, of its own: nothing written here reaches the shared fixtures. */
  rootDirectory: string;
  stop(): Promise<void>;
}

/**
 * An empty anonymous registry with storage of its own, for tests that write
 * and delete: deletion enabled (distribution's `storage.delete.enabled`) or
 * disabled, as the test needs.
 */
export async function startScratchRegistry(opts: { deleteEnabled: boolean }): Promise<ScratchRegistry> {
  const rootDirectory = await makeTempDir(`lading-scratch-${opts.deleteEnabled ? 'delete-on' : 'delete-off'}-`);
  try {
    const registry = await startRegistry({ auth: 'none', rootDirectory, deleteEnabled: opts.deleteEnabled });
    return {
      registry,
      rootDirectory,
      stop: async () => {
        await registry.stop();
        await rm(rootDirectory, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(rootDirectory, { recursive: true, force: true });
    throw err;
  }
}
