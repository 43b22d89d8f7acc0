/**
 * Retries against a registry that is rate-limiting or failing: 429 with
 * Retry-After, 503s, a 500 that never heals, a Retry-After too long to wait.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, RegistryError, type Client, type ClientOptions } from '../../src-main/registry/index';
import { FaultServer, OCI_MANIFEST, makeImage, openRegistry, recordingLogger, sendBytes, sendError } from './fault-server';

let server: FaultServer;
const clients: Client[] = [];
const image = makeImage();
const MANIFEST_PATH = '/v2/app/manifests/v1';

function client(options: ClientOptions = {}): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 3, ...options });
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

describe('retries', () => {
  it('429 with Retry-After: 1, then 200: succeeds after waiting about a second', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res, { hit }) => {
      if (hit === 1) sendError(res, 429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '1' });
      else sendBytes(res, image.manifest, OCI_MANIFEST);
    });
    const log = recordingLogger();
    const start = Date.now();
    const result = await client({ logger: log.logger }).getManifest('v1');
    const elapsed = Date.now() - start;
    expect(result.descriptor.digest).toBe(image.digest);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
    const hits = server.requests(MANIFEST_PATH);
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(900);
    expect(log.text()).toMatch(/answered 429; retrying in 1000 ms/);
  });

  it('503 twice, then success', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res, { hit }) => {
      if (hit <= 2) sendError(res, 503, 'UNAVAILABLE', 'try later');
      else sendBytes(res, image.manifest, OCI_MANIFEST);
    });
    const result = await client().getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(3);
  });

  it('a 500 that never heals: RegistryError with status 500 after the configured retries', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendError(res, 500, 'INTERNAL', 'broken'));
    const err = await client({ maxRetries: 2 })
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(500);
    expect((err as RegistryError).codes).toEqual(['INTERNAL']);
    expect((err as Error).message).toMatch(/500/);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(3); // the first try and two retries
  });

  it('maxRetries: 0 means one try', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendError(res, 503, 'UNAVAILABLE', 'x'));
    const err = await client({ maxRetries: 0 })
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect((err as RegistryError).status).toBe(503);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(1);
  });

  it('a 4xx other than 408/429 is not retried', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendError(res, 400, 'MANIFEST_INVALID', 'bad'));
    const err = await client()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect((err as RegistryError).status).toBe(400);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(1);
  });

  it('408 is retried', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res, { hit }) => {
      if (hit === 1) sendError(res, 408, 'TIMEOUT', 'x');
      else sendBytes(res, image.manifest, OCI_MANIFEST);
    });
    expect((await client().getManifest('v1')).descriptor.digest).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(2);
  });

  it('Retry-After: 3600 fails at once, saying it is rate-limited', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendError(res, 429, 'TOOMANYREQUESTS', 'pull rate limit', { 'retry-after': '3600' }));
    const start = Date.now();
    const err = await client()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(429);
    expect((err as Error).message).toMatch(/rate-limit/);
    expect((err as Error).message).toMatch(/3600 s/);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(1);
  });

  it('a 429 with a Retry-After date an hour ahead fails at once too', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) =>
      sendError(res, 429, 'TOOMANYREQUESTS', 'x', { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }),
    );
    const start = Date.now();
    const err = await client()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(1000);
    expect((err as Error).message).toMatch(/rate-limit/);
    expect(server.requests(MANIFEST_PATH)).toHaveLength(1);
  });

  it('a HEAD that keeps answering 503 is retried too (getDigest then tries GET)', async () => {
    server.route('HEAD', MANIFEST_PATH, (_req, res) => {
      res.writeHead(503);
      res.end();
    });
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST));
    expect(await client({ maxRetries: 1 }).getDigest('v1')).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH, 'HEAD')).toHaveLength(2);
    expect(server.requests(MANIFEST_PATH, 'GET')).toHaveLength(1);
  });
});
