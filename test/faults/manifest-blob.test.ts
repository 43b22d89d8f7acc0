/**
 * Manifests and blobs that are wrong on the wire: malformed, oversized (with
 * and without Content-Length, the rest never sent), schema 1, corrupted bytes,
 * lengths that disagree with the descriptor, missing or wrong digest headers.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createClient,
  DigestMismatchError,
  ImageNotFoundError,
  InvalidManifestError,
  RegistryError,
  type Client,
  type ClientOptions,
} from '../../src-main/registry/index';
import {
  FaultServer,
  OCI_INDEX,
  OCI_MANIFEST,
  makeImage,
  openRegistry,
  readAll,
  recordingLogger,
  sendBytes,
  serveImage,
  sha256,
} from './fault-server';

let server: FaultServer;
const clients: Client[] = [];
const image = makeImage(32 * 1024);
const MANIFEST_PATH = '/v2/app/manifests/v1';
const LAYER_PATH = `/v2/app/blobs/${image.layerDigest}`;
const layerDescriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: image.layer.length, digest: image.layerDigest };

function app(options: ClientOptions = {}): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 1, timeoutMs: 10_000, ...options });
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

/** Writes `total` bytes of JSON-ish filler, but only `sent` of them, then keeps the connection open and silent. */
function stallAfter(res: ServerResponse, sent: number, contentLength?: number): void {
  const headers: Record<string, string | number> = { 'content-type': OCI_MANIFEST };
  if (contentLength !== undefined) headers['content-length'] = contentLength;
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let written = 0; written < sent; written += chunk.length) res.write(chunk);
  // Never end: a client that waits for the rest hangs until its timeout.
}

describe('manifests', () => {
  it('malformed JSON: InvalidManifestError', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, '{"schemaVersion": 2, "config": {', OCI_MANIFEST));
    const err = await app()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as Error).message).toMatch(/not valid JSON/);
  });

  it('an HTML error page with status 200: InvalidManifestError', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, '<html><body>Sign in</body></html>', 'text/html'));
    await expect(app().getManifest('v1')).rejects.toBeInstanceOf(InvalidManifestError);
  });

  it('5 MiB with Content-Length: refused at once, without waiting for the body', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => stallAfter(res, 1024 * 1024, 5 * 1024 * 1024));
    const start = Date.now();
    const err = await app()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as Error).message).toMatch(/larger than 4 MiB/);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('5 MiB without Content-Length: refused once past 4 MiB, without waiting for the rest', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => stallAfter(res, 4 * 1024 * 1024 + 256 * 1024));
    const start = Date.now();
    const err = await app()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as Error).message).toMatch(/larger than 4 MiB/);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('a whole 5 MiB manifest sent without Content-Length: refused', async () => {
    server.route('GET', MANIFEST_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST });
      res.end(Buffer.alloc(5 * 1024 * 1024, 0x20));
    });
    await expect(app().getManifest('v1')).rejects.toBeInstanceOf(InvalidManifestError);
  });

  it('schema 1: InvalidManifestError that says so', async () => {
    const schema1 = JSON.stringify({
      schemaVersion: 1,
      name: 'app',
      tag: 'v1',
      architecture: 'amd64',
      fsLayers: [],
      history: [],
      signatures: [],
    });
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, schema1, 'application/vnd.docker.distribution.manifest.v1+prettyjws'));
    const err = await app()
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as Error).message).toMatch(/schema 1/);
    expect((err as Error).message).toContain('/app:v1');
  });

  it('asks for every manifest media type', async () => {
    serveImage(server, 'app', 'v1', image);
    await app().getManifest('v1');
    const accept = String(server.requests(MANIFEST_PATH)[0]!.headers.accept);
    for (const type of [
      OCI_MANIFEST,
      OCI_INDEX,
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
    ]) {
      expect(accept).toContain(type);
    }
  });

  it('a digest reference whose bytes hash to something else: DigestMismatchError', async () => {
    const other = makeImage(100, 9);
    server.route('GET', `/v2/app/manifests/${image.digest}`, (_req, res) => sendBytes(res, other.manifest, OCI_MANIFEST));
    const err = await app()
      .getManifest(image.digest)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as DigestMismatchError).expected).toBe(image.digest);
    expect((err as DigestMismatchError).actual).toBe(other.digest);
  });

  it('a wrong Docker-Content-Digest on GET: the bytes win, and a warning is logged', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    server.route('GET', MANIFEST_PATH, (_req, res) =>
      sendBytes(res, image.manifest, OCI_MANIFEST, { digestHeader: false, headers: { 'docker-content-digest': wrong } }),
    );
    const log = recordingLogger();
    const result = await app({ logger: log.logger }).getManifest('v1');
    expect(result.descriptor.digest).toBe(image.digest);
    expect(log.lines.some((l) => l.level === 'warn' && l.message.includes(wrong))).toBe(true);
  });

  it('Docker-Content-Digest missing on HEAD: getDigest falls back to GET and computes it', async () => {
    server.route('*', MANIFEST_PATH, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST, { digestHeader: false }));
    expect(await app().getDigest('v1')).toBe(sha256(image.manifest));
    expect(server.requests(MANIFEST_PATH).map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('Docker-Content-Digest present on HEAD: no GET', async () => {
    serveImage(server, 'app', 'v1', image);
    expect(await app().getDigest('v1')).toBe(image.digest);
    expect(server.requests(MANIFEST_PATH).map((r) => r.method)).toEqual(['HEAD']);
  });

  it('a malformed Docker-Content-Digest on HEAD is not trusted', async () => {
    server.route('HEAD', MANIFEST_PATH, (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': 'sha256:nothex', 'content-type': OCI_MANIFEST });
      res.end();
    });
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST));
    expect(await app().getDigest('v1')).toBe(image.digest);
  });

  it('a HEAD 404 then GET 404: ImageNotFoundError', async () => {
    server.route('*', MANIFEST_PATH, (req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
    });
    server.route('GET', '/v2/app/tags/list', (_req, res) => sendBytes(res, JSON.stringify({ tags: ['other'] }), 'application/json'));
    const err = await app()
      .checkImageExists('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect((err as RegistryError).codes).toEqual(['MANIFEST_UNKNOWN']);
  });

  it('an index entry whose manifest is not the size the index says: DigestMismatchError', async () => {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            size: image.manifest.length + 1,
            digest: image.digest,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    serveImage(server, 'app', 'unused', image);
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, index, OCI_INDEX));
    await expect(app().getImage('v1')).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('getImage on an index takes linux/amd64 by default and never an attestation', async () => {
    const arm = makeImage(100, 5);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            size: arm.manifest.length,
            digest: arm.digest,
            platform: { os: 'linux', architecture: 'amd64' },
            annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
          },
          {
            mediaType: OCI_MANIFEST,
            size: arm.manifest.length,
            digest: arm.digest,
            platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
          },
          { mediaType: OCI_MANIFEST, size: image.manifest.length, digest: image.digest, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      }),
    );
    serveImage(server, 'app', 'unused', image);
    serveImage(server, 'app', 'unused-arm', arm);
    server.route('GET', MANIFEST_PATH, (_req, res) => sendBytes(res, index, OCI_INDEX));
    const c = app();
    expect((await c.getImage('v1')).digest).toBe(image.digest);
    expect((await c.getImage('v1', { platform: 'linux/aarch64' })).digest).toBe(arm.digest);
    const err = await c.getImage('v1', { platform: 'linux/s390x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect((err as Error).message).toMatch(/no image for linux\/s390x \(available: linux\/arm64, linux\/amd64\)/);
  });
});

describe('blobs', () => {
  it('a correct blob streams and verifies', async () => {
    serveImage(server, 'app', 'v1', image);
    const bytes = await readAll(await app().openBlob(layerDescriptor));
    expect(bytes.equals(image.layer)).toBe(true);
  });

  it('corrupted bytes of the right length: DigestMismatchError when the stream is consumed', async () => {
    const corrupted = Buffer.from(image.layer);
    corrupted[1000] = corrupted[1000]! ^ 0x55;
    server.route('GET', LAYER_PATH, (_req, res) => sendBytes(res, corrupted, 'application/octet-stream'));
    const stream = await app().openBlob(layerDescriptor);
    const err = await readAll(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as DigestMismatchError).expected).toBe(image.layerDigest);
    expect((err as DigestMismatchError).actual).toBe(sha256(corrupted));
  });

  it('a corrupted layer through getImage: layer.open() fails the same way', async () => {
    serveImage(server, 'app', 'v1', image);
    const corrupted = Buffer.from(image.layer);
    corrupted[0] = corrupted[0]! ^ 1;
    server.route('GET', LAYER_PATH, (_req, res) => sendBytes(res, corrupted, 'application/octet-stream'));
    const img = await app().getImage('v1');
    await expect(readAll(await img.layers[0]!.open())).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('a corrupted config blob: getConfig rejects with DigestMismatchError', async () => {
    serveImage(server, 'app', 'v1', image);
    const bad = Buffer.from(image.config.toString().replace('amd64', 'arm64'));
    server.route('GET', `/v2/app/blobs/${image.configDigest}`, (_req, res) => sendBytes(res, bad, 'application/octet-stream'));
    await expect(app().getImageConfig('v1')).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it.each([-1, +10])('Content-Length off by %i from the descriptor: DigestMismatchError before streaming', async (delta) => {
    const body = delta < 0 ? image.layer.subarray(0, image.layer.length + delta) : Buffer.concat([image.layer, Buffer.alloc(delta)]);
    server.route('GET', LAYER_PATH, (_req, res) => sendBytes(res, body, 'application/octet-stream'));
    const err = await app()
      .openBlob(layerDescriptor)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(new RegExp(`${body.length} bytes on the registry, but the manifest says ${image.layer.length}`));
  });

  it('too many bytes without Content-Length: DigestMismatchError while streaming', async () => {
    server.route('GET', LAYER_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.concat([image.layer, Buffer.from('trailing junk')]));
    });
    const err = await readAll(await app().openBlob(layerDescriptor)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/larger than its declared/);
  });

  it('too few bytes without Content-Length: DigestMismatchError at the end', async () => {
    server.route('GET', LAYER_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(image.layer.subarray(0, 100));
    });
    const err = await readAll(await app().openBlob(layerDescriptor)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/ended after 100 of/);
  });

  it('a missing blob: RegistryError 404 naming the blob', async () => {
    server.route('GET', LAYER_PATH, (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] }));
    });
    const err = await app()
      .openBlob(layerDescriptor)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(404);
    expect((err as RegistryError).codes).toEqual(['BLOB_UNKNOWN']);
    expect((err as Error).message).toContain(image.layerDigest);
  });
});
