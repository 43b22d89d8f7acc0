/**
 * Resuming a blob download after a dropped connection (transport/resumable.ts),
 * against the loopback stand-in: distribution cannot be made to drop a
 * connection half way through a blob, nor to ignore Range or lie in
 * Content-Range, so this is one of the faults only a stand-in can produce.
 * The stand-in counts every body byte it sends. Last, every reader of layers
 * (saveArchive, extractToDirectory, listImageFiles, mirror) through one drop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DigestMismatchError,
  MAX_RESUMES,
  RegistryError,
  createClient,
  extractToDirectory,
  listImageFiles,
  mirror,
  openLayout,
  saveArchive,
  saveLayer,
  type BlobResume,
  type Client,
  type Layer,
} from '../../src-main/registry/index';
import { makeTempDir } from '../harness/tmp.js';
import { FaultServer, OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, openRegistry, readAll, sendBytes, sha256 } from './fault-server';

const blob = randomBytes(1 << 20);
const digest = sha256(blob);
const half = blob.length >> 1;
const LAYER_PATH = `/v2/app/blobs/${digest}`;
const descriptor = { mediaType: OCI_LAYER, size: blob.length, digest };

let server: FaultServer;
let client: Client;
/** Body bytes the stand-in has written, over every answer. */
let sent = 0;

beforeEach(async () => {
  server = await FaultServer.start();
  openRegistry(server);
  sent = 0;
  client = createClient(server.host, { insecure: true, maxRetries: 1, timeoutMs: 5_000 });
});
afterEach(async () => {
  await client.close();
  await server.close();
});

/** The range a request asked for: the offset in `Range: bytes=N-`, or undefined. */
function rangeStart(req: IncomingMessage): number | undefined {
  const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** Sends `bytes` with the given status and headers, counting them; `dropAfter` cuts the connection after that many. */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  bytes: Buffer,
  dropAfter?: number,
): void {
  res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, ...headers });
  if (dropAfter === undefined) {
    sent += bytes.length;
    res.end(bytes);
    return;
  }
  const part = bytes.subarray(0, dropAfter);
  sent += part.length;
  res.write(part, () => setTimeout(() => req.socket.destroy(), 20));
}

/** The whole blob, or (with Range) the rest as a 206 with a true Content-Range. */
function honest(req: IncomingMessage, res: ServerResponse): void {
  const start = rangeStart(req);
  if (start === undefined) send(req, res, 200, {}, blob);
  else send(req, res, 206, { 'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}` }, blob.subarray(start));
}

function layer(): Client {
  return client.withSegment('app');
}

async function readWithResumes(): Promise<{ bytes: Buffer; resumes: BlobResume[] }> {
  const resumes: BlobResume[] = [];
  const stream = await layer().openBlob(descriptor, { onResume: (e) => resumes.push(e) });
  return { bytes: await readAll(stream), resumes };
}

describe('a connection dropped half way through a blob', () => {
  it('is resumed with Range: the blob is whole and verified, the second request asked for the rest, < 1.5x the bytes sent', async () => {
    server.route('GET', LAYER_PATH, (req, res, { hit }) => (hit === 1 ? send(req, res, 200, {}, blob, half) : honest(req, res)));
    const { bytes, resumes } = await readWithResumes();
    expect(sha256(bytes)).toBe(digest);
    const requests = server.requests(LAYER_PATH);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.headers.range).toBeUndefined();
    expect(requests[1]!.headers.range).toBe(`bytes=${resumes[0]!.offset}-`);
    expect(resumes).toHaveLength(1);
    expect(resumes[0]).toMatchObject({ digest, size: blob.length, attempt: 1, restarted: false });
    expect(resumes[0]!.offset).toBeGreaterThan(0);
    expect(resumes[0]!.offset).toBeLessThanOrEqual(half);
    expect(resumes[0]!.reason).toMatch(/dropped/);
    expect(sent).toBeLessThan(1.5 * blob.length);
  });

  it('saveLayer through the resumed download writes the complete file, and says where it resumed', async () => {
    server.route('GET', LAYER_PATH, (req, res, { hit }) => (hit === 1 ? send(req, res, 200, {}, blob, half) : honest(req, res)));
    const dir = await makeTempDir('lading-resume-');
    try {
      const resumes: BlobResume[] = [];
      const target: Layer = { ...descriptor, open: (opts) => layer().openBlob(descriptor, opts) };
      await saveLayer(target, join(dir, 'layer.tar.gz'), { onResume: (e) => resumes.push(e) });
      const file = await readFile(join(dir, 'layer.tar.gz'));
      expect(`sha256:${createHash('sha256').update(file).digest('hex')}`).toBe(digest);
      expect(resumes.map((e) => e.offset)).toEqual([Number(server.requests(LAYER_PATH)[1]!.headers.range!.slice(6, -1))]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a server that ignores Range (200 again) still ends right: the bytes already passed on are skipped, not sent twice', async () => {
    server.route('GET', LAYER_PATH, (req, res, { hit }) => send(req, res, 200, {}, blob, hit === 1 ? half : undefined));
    const { bytes, resumes } = await readWithResumes();
    expect(bytes.length).toBe(blob.length);
    expect(sha256(bytes)).toBe(digest);
    expect(resumes).toMatchObject([{ attempt: 1, restarted: true }]);
    expect(server.requests(LAYER_PATH)[1]!.headers.range).toMatch(/^bytes=\d+-$/);
  });

  it('dropped again and again: a few resumes, then a ConnectionError saying how far it got; never a short blob', async () => {
    server.route('GET', LAYER_PATH, (req, res) => {
      const start = rangeStart(req) ?? 0;
      const rest = blob.subarray(start);
      const headers: Record<string, string> = start ? { 'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}` } : {};
      send(req, res, start ? 206 : 200, headers, rest, 64 * 1024);
    });
    const resumes: BlobResume[] = [];
    const stream = await layer().openBlob(descriptor, { onResume: (e) => resumes.push(e) });
    let received = 0;
    const err = await (async () => {
      for await (const chunk of stream) received += (chunk as Buffer).length;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(
      new RegExp(`dropped.*gave up after ${MAX_RESUMES} resumed attempts, at byte \\d+ of ${blob.length}`),
    );
    expect(server.requests(LAYER_PATH)).toHaveLength(MAX_RESUMES + 1);
    expect(resumes.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(received).toBeLessThan(blob.length);
  });
});

describe('a server that lies in Content-Range', () => {
  const cases: [string, (start: number) => string, RegExp][] = [
    ["a total that is not the blob's size", (s) => `bytes ${s}-${blob.length}/${blob.length + 1}`, /says the blob is \d+ bytes, not \d+/],
    ['a start after the bytes received', (s) => `bytes ${s + 100}-${blob.length - 1}/${blob.length}`, /starts after the bytes received/],
    ['no Content-Range at all', () => '', /no Content-Range/],
  ];
  it.each(cases)('%s: fails with a clear error, not a wrong blob', async (_what, contentRange, message) => {
    server.route('GET', LAYER_PATH, (req, res, { hit }) => {
      if (hit === 1) return send(req, res, 200, {}, blob, half);
      const start = rangeStart(req)!;
      const value = contentRange(start);
      return send(req, res, 206, value ? { 'content-range': value } : {}, blob.subarray(start));
    });
    const err = await readWithResumes().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/asked to resume at byte \d+, the registry answered 206 with/);
    expect((err as Error).message).toMatch(message);
  });

  it('a Content-Range that names the rest while the body is the blob from its start: the digest check fails the blob', async () => {
    server.route('GET', LAYER_PATH, (req, res, { hit }) => {
      if (hit === 1) return send(req, res, 200, {}, blob, half);
      const start = rangeStart(req)!;
      return send(
        req,
        res,
        206,
        { 'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}` },
        blob.subarray(0, blob.length - start),
      );
    });
    const err = await readWithResumes().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/does not match its digest/);
  });
});

/** A real image (one gzip'd tar layer of incompressible bytes), so that every reader of layers can take it. */
async function tarImage(): Promise<{ manifest: Buffer; config: Buffer; layer: Buffer; content: Buffer; digest: string }> {
  const content = randomBytes(512 * 1024);
  const pack = tar.pack();
  pack.entry({ name: 'data/big.bin', size: content.length, mode: 0o644, mtime: new Date(0) }, content);
  pack.finalize();
  const tarBytes = await readAll(pack);
  const layer = gzipSync(tarBytes);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(tarBytes)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, size: config.length, digest: sha256(config) },
      layers: [{ mediaType: OCI_LAYER, size: layer.length, digest: sha256(layer) }],
    }),
  );
  return { manifest, config, layer, content, digest: sha256(manifest) };
}

describe('every reader of layers resumes (one drop at half a layer, then Range honoured)', () => {
  let image: Awaited<ReturnType<typeof tarImage>>;
  let layerPath: string;
  let dir: string;

  beforeAll(async () => {
    image = await tarImage();
    layerPath = `/v2/app/blobs/${sha256(image.layer)}`;
  });
  beforeEach(async () => {
    dir = await makeTempDir('lading-resume-readers-');
    server.route('*', '/v2/app/manifests/v1', (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST));
    server.route('*', `/v2/app/manifests/${image.digest}`, (_req, res) => sendBytes(res, image.manifest, OCI_MANIFEST));
    server.route('*', `/v2/app/blobs/${sha256(image.config)}`, (_req, res) => sendBytes(res, image.config, 'application/octet-stream'));
    server.route('GET', layerPath, (req, res, { hit }) => {
      const start = rangeStart(req);
      if (hit === 1) send(req, res, 200, {}, image.layer, image.layer.length >> 1);
      else if (start === undefined) send(req, res, 200, {}, image.layer);
      else
        send(
          req,
          res,
          206,
          { 'content-range': `bytes ${start}-${image.layer.length - 1}/${image.layer.length}` },
          image.layer.subarray(start),
        );
    });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The layer was asked for twice, the second time from where the first broke off, and sent less than 1.5 times. */
  function expectResumedOnce(): void {
    const requests = server.requests(layerPath);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.headers.range).toBeUndefined();
    expect(requests[1]!.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(sent).toBeLessThan(1.5 * image.layer.length + image.config.length + image.manifest.length);
  }

  it("saveArchive: a complete docker archive whose layer is the registry's", async () => {
    const file = join(dir, 'app.tar');
    const resumes: BlobResume[] = [];
    const result = await saveArchive(await client.withSegment('app').getImage('v1'), file, {
      format: 'docker',
      tag: 'app:v1',
      onResume: (e) => resumes.push(e),
    });
    expect(result.digest).toBe(image.digest);
    expect(resumes).toMatchObject([{ digest: sha256(image.layer), attempt: 1, restarted: false }]);
    expectResumedOnce();
    // The archive holds the layer's exact bytes: find them in the tar.
    expect((await readFile(file)).includes(image.layer)).toBe(true);
  });

  it('extractToDirectory: the file is whole', async () => {
    await extractToDirectory(await client.withSegment('app').getImage('v1'), join(dir, 'root'));
    expect((await readFile(join(dir, 'root', 'data', 'big.bin'))).equals(image.content)).toBe(true);
    expectResumedOnce();
  });

  it('listImageFiles (the file index): the file is listed with its size', async () => {
    const files = await listImageFiles(await client.withSegment('app').getImage('v1'));
    expect(files.entries.find((e) => e.path === 'data/big.bin')).toMatchObject({ size: image.content.length });
    expectResumedOnce();
  });

  it('mirror into an OCI layout: the same digest, every blob verified on the way', async () => {
    const resumes: BlobResume[] = [];
    const result = await mirror(client.withSegment('app'), 'v1', openLayout(join(dir, 'layout')), 'v1', {
      onResume: (e) => resumes.push(e),
    });
    expect(resumes).toMatchObject([{ digest: sha256(image.layer), attempt: 1, restarted: false }]);
    expect(result.digest).toBe(image.digest);
    // (Buffer.equals: a deep equality of half a megabyte is slow.)
    expect((await readFile(join(dir, 'layout', 'blobs', 'sha256', sha256(image.layer).slice(7)))).equals(image.layer)).toBe(true);
    expectResumedOnce();
  });
});
