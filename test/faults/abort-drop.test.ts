/**
 * Cancellation and broken connections: an abort in the middle of a blob
 * stream, before a request, while waiting for headers or for a Retry-After;
 * connections dropped in the middle of the headers (retried) or of a body.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, createClient, MAX_RESUMES, RegistryError, type Client, type ClientOptions } from '../../src-main/registry/index';
import { FaultServer, OCI_MANIFEST, makeImage, openRegistry, readAll, sendBytes, sendError, serveImage } from './fault-server';

let server: FaultServer;
const clients: Client[] = [];
const image = makeImage(256 * 1024);
const MANIFEST_PATH = '/v2/app/manifests/v1';
const LAYER_PATH = `/v2/app/blobs/${image.layerDigest}`;
const layerDescriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: image.layer.length, digest: image.layerDigest };

function app(options: ClientOptions = {}): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 2, timeoutMs: 10_000, ...options });
  clients.push(c);
  return c.withSegment('app');
}

beforeEach(async () => {
  server = await FaultServer.start();
  openRegistry(server);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

/** Sends the headers and the first `sent` bytes of the layer, then stalls with the connection open. */
function stallingLayer(sent: number) {
  server.route('GET', LAYER_PATH, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': image.layer.length });
    res.write(image.layer.subarray(0, sent));
  });
}

function isAbortError(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as Error).name === 'AbortError';
}

describe('aborts', () => {
  it("in the middle of a blob stream: the consumer's stream errors promptly with an AbortError", async () => {
    stallingLayer(64 * 1024);
    const controller = new AbortController();
    const stream = await app().openBlob(layerDescriptor, { signal: controller.signal });
    let received = 0;
    let abortedAt = 0;
    const err = await (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        if (!abortedAt) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(isAbortError(err)).toBe(true);
    expect(received).toBeLessThan(image.layer.length);
    expect(stream.destroyed).toBe(true);
  });

  it('while the consumer waits on a stalled blob: the stream errors promptly with the abort reason', async () => {
    stallingLayer(1024);
    const controller = new AbortController();
    const stream = await app().openBlob(layerDescriptor, { signal: controller.signal });
    const reason = new DOMException('The user cancelled the download', 'AbortError');
    setTimeout(() => controller.abort(reason), 100);
    const start = Date.now();
    const err = await readAll(stream).catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(err).toBe(reason);
  });

  it('before the request: rejects with an AbortError and sends nothing', async () => {
    serveImage(server, 'app', 'v1', image);
    const controller = new AbortController();
    controller.abort();
    const c = app();
    for (const call of [
      () => c.getManifest('v1', { signal: controller.signal }),
      () => c.getDigest('v1', { signal: controller.signal }),
      () => c.listTags({ signal: controller.signal }),
      () => c.openBlob(layerDescriptor, { signal: controller.signal }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(isAbortError(err)).toBe(true);
    }
    expect(server.log).toHaveLength(0);
  });

  it('while waiting for headers that never come: rejects promptly', async () => {
    server.route('GET', MANIFEST_PATH, () => undefined); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const start = Date.now();
    const err = await app()
      .getManifest('v1', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(isAbortError(err)).toBe(true);
  });

  it('while waiting out a Retry-After: rejects promptly, without another request', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendError(res, 429, 'TOOMANYREQUESTS', 'wait', { 'retry-after': '5' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const start = Date.now();
    const err = await app()
      .getManifest('v1', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(isAbortError(err)).toBe(true);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(1);
  });

  it('one caller aborting during the shared /v2/ ping does not fail the others', async () => {
    server.route('GET', '/v2/', (_req, res) => {
      setTimeout(() => sendBytes(res, '{}', 'application/json'), 1500);
    });
    serveImage(server, 'app', 'v1', image);
    const c = app();
    const controller = new AbortController();
    const cancelled = c.getManifest('v1', { signal: controller.signal });
    const other = c.getManifest('v1');
    setTimeout(() => controller.abort(), 50);
    const start = Date.now();
    expect(isAbortError(await cancelled.catch((e: unknown) => e))).toBe(true);
    expect(Date.now() - start).toBeLessThan(1000); // not held up by the shared request, answered after 1.5 s
    expect((await other).descriptor.digest).toBe(image.digest);
    expect(server.requests('/v2/')).toHaveLength(1);
  });

  it('one caller aborting a shared config read does not fail the others', async () => {
    serveImage(server, 'app', 'v1', image);
    server.route('GET', `/v2/app/blobs/${image.configDigest}`, (_req, res) => {
      setTimeout(() => sendBytes(res, image.config, 'application/octet-stream'), 1500);
    });
    const img = await app().getImage('v1');
    const controller = new AbortController();
    const cancelled = img.getConfig({ signal: controller.signal });
    const other = img.getConfig();
    setTimeout(() => controller.abort(), 50);
    const start = Date.now();
    expect(isAbortError(await cancelled.catch((e: unknown) => e))).toBe(true);
    expect(Date.now() - start).toBeLessThan(1000); // not held up by the shared request, answered after 1.5 s
    expect((await other).architecture).toBe('amd64');
  });

  it('a pending token request shared with other callers does not fail them when one caller aborts', async () => {
    const challenge = `Bearer realm="${server.origin}/token",service="svc"`;
    server.route('GET', '/token', (_req, res) => {
      setTimeout(() => sendBytes(res, JSON.stringify({ token: 'shared-token', expires_in: 300 }), 'application/json'), 200);
    });
    server.route('GET', '/v2/', (req, res) => {
      if (req.headers.authorization === 'Bearer shared-token') sendBytes(res, '{}', 'application/json');
      else sendError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': challenge });
    });
    serveImage(server, 'app', 'v1', image);
    const c = app();
    const controller = new AbortController();
    const cancelled = c.getManifest('v1', { signal: controller.signal });
    const other = c.getManifest('v1');
    setTimeout(() => controller.abort(), 50);
    expect(isAbortError(await cancelled.catch((e: unknown) => e))).toBe(true);
    expect((await other).descriptor.digest).toBe(image.digest);
    expect(server.requests('/token')).toHaveLength(1);
  });
});

describe('dropped connections', () => {
  function dropMidHeaders(socket: import('node:net').Socket | null): void {
    socket!.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.ima');
    socket!.destroy();
  }

  it('dropped in the middle of the headers on a GET: retried, and the second try succeeds', async () => {
    server.route('GET', MANIFEST_PATH, (req, res, { hit }) => {
      if (hit === 1) dropMidHeaders(req.socket);
      else sendBytes(res, image.manifest, OCI_MANIFEST);
    });
    const result = await app().getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(2);
  });

  it('dropped before any byte: retried too', async () => {
    server.route('GET', MANIFEST_PATH, (req, res, { hit }) => {
      if (hit === 1) req.socket.destroy();
      else sendBytes(res, image.manifest, OCI_MANIFEST);
    });
    expect((await app().getManifest('v1')).descriptor.digest).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(2);
  });

  it('dropped every time: ConnectionError after the configured retries', async () => {
    server.route('GET', MANIFEST_PATH, (req) => dropMidHeaders(req.socket));
    const err = await app({ maxRetries: 2 })
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/dropped/);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(3);
  });

  it('dropped in the middle of a blob body every time: resumed a few times (resume.test.ts), then a ConnectionError (a RegistryError)', async () => {
    server.route('GET', LAYER_PATH, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': image.layer.length });
      res.write(image.layer.subarray(0, 32 * 1024), () => setTimeout(() => req.socket.destroy(), 20));
    });
    const stream = await app().openBlob(layerDescriptor);
    const err = await readAll(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/dropped/);
    // The first request, then one per resume, each asking for the rest with Range.
    const requests = server.requests(LAYER_PATH);
    expect(requests).toHaveLength(1 + MAX_RESUMES);
    expect(requests.slice(1).every((r) => /^bytes=\d+-$/.test(String(r.headers.range)))).toBe(true);
  });

  it('dropped in the middle of a manifest or a tag list body: ConnectionError', async () => {
    server.route('GET', MANIFEST_PATH, (req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': image.manifest.length });
      res.write(image.manifest.subarray(0, 50), () => setTimeout(() => req.socket.destroy(), 20));
    });
    server.route('GET', '/v2/app/tags/list', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"tags":["a"', () => setTimeout(() => req.socket.destroy(), 20));
    });
    const c = app();
    for (const call of [() => c.getManifest('v1'), () => c.listTags()]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as Error).message).toMatch(/dropped/);
    }
  });

  it('aborted in the middle of a manifest body: the abort reason', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': image.manifest.length });
      res.write(image.manifest.subarray(0, 50));
    });
    const controller = new AbortController();
    const reason = new DOMException('stop', 'AbortError');
    setTimeout(() => controller.abort(reason), 100);
    const err = await app()
      .getManifest('v1', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBe(reason);
  });

  it('a blob body that stalls past timeoutMs: ConnectionError saying the registry did not answer', async () => {
    stallingLayer(1024);
    const stream = await app({ timeoutMs: 300 }).openBlob(layerDescriptor);
    const err = await readAll(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/did not answer/);
  });

  it('connection refused: ConnectionError at once, not retried', async () => {
    const closed = await FaultServer.start();
    const host = closed.host;
    await closed.close();
    const c = createClient(host, { insecure: true, maxRetries: 3 });
    clients.push(c);
    const start = Date.now();
    const err = await c
      .withSegment('app')
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ECONNREFUSED');
    expect((err as Error).message).toMatch(/refused/);
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it('a registry that does not answer within timeoutMs: ConnectionError saying so', async () => {
    server.route('GET', MANIFEST_PATH, () => undefined);
    const err = await app({ timeoutMs: 300, maxRetries: 0 })
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/did not answer/);
  });
});
