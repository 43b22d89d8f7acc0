/**
 * An HTTP relay in front of a real registry that answers /v2/_catalog with
 * 404, as Docker Hub and GHCR do: the UI must say "no repository list" and
 * offer to open repositories by name (everything else passes through).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Relay {
  /** '127.0.0.1:PORT' */
  host: string;
  close(): Promise<void>;
}

export async function startNoCatalogRelay(upstream: string): Promise<Relay> {
  const [upHost, upPort] = upstream.split(':') as [string, string];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').startsWith('/v2/_catalog')) {
      const body = JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: 'catalog is not available', detail: null }] });
      res.writeHead(404, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
      res.end(body);
      return;
    }
    const up = request(
      { host: upHost, port: Number(upPort), method: req.method, path: req.url, headers: { ...req.headers, host: upstream } },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
