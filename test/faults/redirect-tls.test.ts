/**
 * Blob redirects to another origin (as registries do to S3 and CDNs) and TLS:
 * custom CAs, unknown CAs, skip-verify, and the https->http step-down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, createClient, RegistryError, type Client, type ClientOptions } from '../../src-main/registry/index';
import { selfSignedLoopbackCert } from '../harness/loopback-cert';
import {
  FaultServer,
  OCI_MANIFEST,
  makeImage,
  readAll,
  recordingLogger,
  sendBytes,
  sendError,
  sendJson,
  serveImage,
  type TestImage,
} from './fault-server';

const USER = 'alice';
const PASSWORD = 'pw-Redirect-7f3a91';
const TOKEN = 'tok-Redirect-c0ffee42';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const servers: FaultServer[] = [];
const clients: Client[] = [];
async function start(options: Parameters<typeof FaultServer.start>[0] = {}): Promise<FaultServer> {
  const s = await FaultServer.start(options);
  servers.push(s);
  return s;
}
function client(host: string, options: ClientOptions): Client {
  const c = createClient(host, { maxRetries: 1, ...options });
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The blob store on another origin: serves any blob of `image` by digest, ignoring auth (like a presigned URL). */
function blobStore(store: FaultServer, image: TestImage): void {
  store.route('GET', /^\/blobs\//, (req, res) => {
    const digest = new URL(req.url!, 'http://x').pathname.slice('/blobs/'.length);
    const bytes = digest === image.configDigest ? image.config : digest === image.layerDigest ? image.layer : undefined;
    if (!bytes) sendError(res, 404, 'NoSuchKey', 'no such key');
    else sendBytes(res, bytes, 'application/octet-stream', { digestHeader: false });
  });
}

/** Blob GETs on the registry answer 307 to the store, with a presigned-looking query. */
function redirectBlobs(registry: FaultServer, store: FaultServer, authorized: (req: IncomingMessage) => boolean, challenge: string): void {
  registry.route('GET', /^\/v2\/app\/blobs\//, (req, res) => {
    if (!authorized(req)) {
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': challenge });
      return;
    }
    const digest = req.url!.split('/blobs/')[1]!;
    res.writeHead(307, { location: `${store.origin}/blobs/${digest}?X-Amz-Signature=presigned-sig-123&X-Amz-Expires=60` });
    res.end();
  });
}

function guard(
  authorized: (req: IncomingMessage) => boolean,
  challenge: string,
  next: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!authorized(req)) sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': challenge });
    else next(req, res);
  };
}

async function pullEverything(c: Client, image: TestImage) {
  const img = await c.withSegment('app').getImage('v1');
  const config = await img.getConfig();
  const layer = await readAll(await img.layers[0]!.open());
  expect(img.digest).toBe(image.digest);
  expect(config.architecture).toBe('amd64');
  expect(layer.equals(image.layer)).toBe(true);
}

describe('redirects to another origin', () => {
  it('basic auth: the blob arrives verified, and the other origin never sees Authorization', async () => {
    const image = makeImage(64 * 1024);
    const registry = await start();
    const store = await start();
    const challenge = 'Basic realm="x"';
    const ok = (req: IncomingMessage) => req.headers.authorization === BASIC;
    registry.route(
      'GET',
      '/v2/',
      guard(ok, challenge, (_req, res) => sendJson(res, 200, {})),
    );
    registry.route(
      '*',
      '/v2/app/manifests/v1',
      guard(ok, challenge, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST)),
    );
    redirectBlobs(registry, store, ok, challenge);
    blobStore(store, image);
    const log = recordingLogger();

    await pullEverything(
      client(registry.host, { insecure: true, auth: { username: USER, password: PASSWORD }, logger: log.logger }),
      image,
    );

    expect(store.log.length).toBe(2); // config and layer
    for (const r of store.log) expect(r.headers.authorization).toBeUndefined();
    const blobGets = registry.requests(/\/blobs\//);
    expect(blobGets).toHaveLength(2);
    for (const r of blobGets) expect(r.headers.authorization).toBe(BASIC);
    // The presigned signature is not logged.
    expect(log.text()).not.toContain('presigned-sig-123');
    expect(log.text()).not.toContain(PASSWORD);
  });

  it('bearer auth: the token goes to the registry, never to the other origin', async () => {
    const image = makeImage(10_000, 2);
    const registry = await start();
    const store = await start();
    const challenge = `Bearer realm="${registry.origin}/token",service="fault-registry"`;
    const ok = (req: IncomingMessage) => req.headers.authorization === `Bearer ${TOKEN}`;
    registry.route('GET', '/token', (_req, res) => sendJson(res, 200, { token: TOKEN, expires_in: 300 }));
    registry.route(
      'GET',
      '/v2/',
      guard(ok, challenge, (_req, res) => sendJson(res, 200, {})),
    );
    registry.route(
      '*',
      '/v2/app/manifests/v1',
      guard(ok, challenge, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST)),
    );
    redirectBlobs(registry, store, ok, challenge);
    blobStore(store, image);

    await pullEverything(client(registry.host, { insecure: true }), image);

    expect(store.log.length).toBe(2);
    for (const r of store.log) expect(r.headers.authorization).toBeUndefined();
    for (const r of registry.requests(/\/blobs\//)) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const tokenRequest = registry.requests('/token')[0]!;
    expect(tokenRequest.query.getAll('scope')).toEqual(['repository:app:pull']);
  });

  it('the blob store refusing the presigned URL: an error without the signature in it', async () => {
    const image = makeImage(1000, 4);
    const registry = await start();
    const store = await start();
    registry.route('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    redirectBlobs(registry, store, () => true, 'Basic realm="x"');
    store.route('GET', /^\/blobs\//, (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
    });
    const c = client(registry.host, { insecure: true }).withSegment('app');
    const err = await c.openBlob({ mediaType: 'x', size: image.layer.length, digest: image.layerDigest }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(403);
    expect(`${(err as Error).message} ${(err as RegistryError).url}`).not.toContain('presigned-sig-123');
    expect((err as RegistryError).url).toContain(store.host);
  });

  it('a redirect within the same origin keeps Authorization', async () => {
    const image = makeImage(1000, 3);
    const registry = await start();
    const challenge = 'Basic realm="x"';
    const ok = (req: IncomingMessage) => req.headers.authorization === BASIC;
    registry.route(
      'GET',
      '/v2/',
      guard(ok, challenge, (_req, res) => sendJson(res, 200, {})),
    );
    registry.route(
      'GET',
      '/v2/app/manifests/v1',
      guard(ok, challenge, (_req, res) => {
        res.writeHead(302, { location: `/v2/app/manifests/${image.digest}` });
        res.end();
      }),
    );
    registry.route(
      'GET',
      `/v2/app/manifests/${image.digest}`,
      guard(ok, challenge, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST)),
    );
    const result = await client(registry.host, { insecure: true, auth: { username: USER, password: PASSWORD } })
      .withSegment('app')
      .getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(registry.requests(`/v2/app/manifests/${image.digest}`)[0]?.headers.authorization).toBe(BASIC);
  });

  it('a redirect loop ends with an error', async () => {
    const registry = await start();
    registry.route('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    registry.route('GET', '/v2/app/manifests/v1', (_req, res) => {
      res.writeHead(302, { location: '/v2/app/manifests/v1' });
      res.end();
    });
    const err = await client(registry.host, { insecure: true })
      .withSegment('app')
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/Too many redirects/);
    expect(registry.requests('/v2/app/manifests/v1').length).toBeLessThanOrEqual(12);
  });
});

describe('TLS', () => {
  let dir: string;
  let tls: { key: string; cert: string };
  let otherCa: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lading-faults-tls-'));
    const make = (name: string) => selfSignedLoopbackCert(dir, name);
    tls = make('server');
    otherCa = make('other').cert;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function tlsRegistry(image: TestImage): Promise<FaultServer> {
    const registry = await start({ tls });
    registry.route('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    serveImage(registry, 'app', 'v1', image);
    return registry;
  }

  it('a custom CA is trusted', async () => {
    const image = makeImage();
    const registry = await tlsRegistry(image);
    const result = await client(registry.host, { ca: tls.cert }).withSegment('app').getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(registry.log.length).toBeGreaterThan(0);
  });

  it('an unknown CA is rejected with a ConnectionError that mentions the certificate', async () => {
    const registry = await tlsRegistry(makeImage());
    for (const options of [{}, { ca: otherCa }] as ClientOptions[]) {
      const err = await client(registry.host, options)
        .withSegment('app')
        .getManifest('v1')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as Error).message).toMatch(/certificate/i);
      expect((err as Error).message).toMatch(/skip TLS verify|CA/);
    }
    // The handshake failed: no HTTP request reached the server.
    expect(registry.log).toHaveLength(0);
  });

  it('tlsSkipVerify accepts an unknown certificate', async () => {
    const image = makeImage();
    const registry = await tlsRegistry(image);
    const result = await client(registry.host, { tlsSkipVerify: true }).withSegment('app').getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
  });

  it('an https registry redirecting a blob to http is refused, and the http server is never asked', async () => {
    const image = makeImage();
    const registry = await tlsRegistry(image);
    const store = await start();
    blobStore(store, image);
    registry.route('GET', /^\/v2\/app\/blobs\//, (req, res) => {
      res.writeHead(307, { location: `${store.origin}/blobs/${req.url!.split('/blobs/')[1]}` });
      res.end();
    });
    const c = client(registry.host, { ca: tls.cert }).withSegment('app');
    const err = await c.openBlob({ mediaType: 'x', size: image.layer.length, digest: image.layerDigest }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/Refused a redirect from https to http/);
    expect(store.log).toHaveLength(0);
  });

  it('credentials are never sent to a plain-HTTP token realm of an https registry', async () => {
    const registry = await tlsRegistry(makeImage());
    const realm = await start();
    realm.route('GET', '/token', (_req, res) => sendJson(res, 200, { token: 'x' }));
    registry.route('GET', '/v2/', (_req, res) =>
      sendError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': `Bearer realm="${realm.origin}/token",service="svc"` }),
    );
    const err = await client(registry.host, { ca: tls.cert, auth: { username: USER, password: PASSWORD } })
      .withSegment('app')
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/plain HTTP/);
    expect(realm.log).toHaveLength(0);
  });

  it('speaking https to a plain-HTTP registry suggests plain HTTP', async () => {
    const plain = await start();
    const err = await client(plain.host, {})
      .withSegment('app')
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/plain HTTP/);
  });
});
