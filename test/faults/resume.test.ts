/**
 * Resuming a blob download after a dropped connection (transport/resumable.ts),
 * against the loopback stand-in: distribution cannot be made to drop a
 * connection half way through a blob, nor to ignore Range or lie in
 * Content-Range, so this is one of the faults only a stand-in can produce.
 * The stand-in counts every body byte it sends.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DigestMismatchError,
  MAX_RESUMES,
  RegistryError,
  createClient,
  saveLayer,
  type BlobResume,
  type Client,
  type Layer,
} from '../../src-main/registry/index';
import { makeTempDir } from '../harness/tmp.js';
import { FaultServer, OCI_LAYER, openRegistry, readAll, sha256 } from './fault-server';

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
