/**
 * A token server plus a token-auth registry of a test's own, over the shared
 * storage (so every fixture is there), for tests that need a token policy the
 * shared one does not have (POST disabled, short expiry, anonymous denied) or
 * an exact request record no other test file can touch.
 */
import type { LadingInfo } from './lading-info.js';
import { startRegistry, type RunningRegistry } from './registry.js';
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
