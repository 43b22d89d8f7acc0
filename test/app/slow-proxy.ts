/**
 * A TCP relay in front of a real registry that passes the registry's answers
 * on slowly (in small pieces at a fixed rate), so a test can cancel a job in
 * the middle of a transfer and then see whether bytes still flow.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  /** '127.0.0.1:PORT' */
  host: string;
  /** Bytes passed from the registry to the client so far. */
  readonly bytesToClient: number;
  /** Client connections currently open. */
  readonly openConnections: number;
  close(): Promise<void>;
}

const PIECE = 4096;

export async function startSlowProxy(upstream: string, bytesPerSecond: number): Promise<SlowProxy> {
  const [upHost, upPort] = upstream.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let bytesToClient = 0;
  const server = createServer((client) => {
    sockets.add(client);
    const up = connect(Number(upPort), upHost);
    sockets.add(up);
    const drop = () => {
      client.destroy();
      up.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      up.destroy();
    });
    up.on('close', () => {
      sockets.delete(up);
      // Let what is queued reach the client before closing its side.
      client.end();
    });
    client.on('error', drop);
    up.on('error', drop);
    client.pipe(up);
    up.on('data', (chunk: Buffer) => {
      up.pause();
      let offset = 0;
      const step = () => {
        if (client.destroyed) return;
        if (offset >= chunk.length) {
          up.resume();
          return;
        }
        const piece = chunk.subarray(offset, offset + PIECE);
        offset += piece.length;
        bytesToClient += piece.length;
        client.write(piece);
        setTimeout(step, (piece.length / bytesPerSecond) * 1000);
      };
      step();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get bytesToClient() {
      return bytesToClient;
    },
    get openConnections() {
      return [...sockets].filter((s) => s.remotePort !== Number(upPort) && !s.destroyed).length;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
