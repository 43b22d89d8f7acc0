/**
 * A connection dropped during a blob upload. distribution cannot be made to
 * drop one on demand, so the target is the fault server: it accepts the
 * upload session, then destroys the socket instead of answering the PUT that
 * carries the blob. The client must not replay a streamed body blindly: it
 * starts the upload again from a fresh source stream (a bounded number of
 * times), and when every try fails it says so clearly and never PUTs the
 * manifest, so the tag does not move.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, createClient, mirror, type Client } from '../../src-main/registry/index';
import { FaultServer, makeImage, openRegistry, sendJson, serveImage, sha256, type RouteContext } from './fault-server';

const image = makeImage(512 * 1024, 3);
let source: FaultServer;
let target: FaultServer;
const clients: Client[] = [];

function client(server: FaultServer): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 1, timeoutMs: 10_000 });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  source = serveImage(openRegistry(await FaultServer.start()), 'app', 'v1', image);
  target = openRegistry(await FaultServer.start());
  let uploads = 0;
  // No blob is there yet; every upload session gets its own location.
  target.route('HEAD', /^\/v2\/copy\/blobs\//, (_req, res) => {
    res.writeHead(404);
    res.end();
  });
  target.route('POST', '/v2/copy/blobs/uploads/', (_req, res) => {
    res.writeHead(202, { location: `/v2/copy/blobs/uploads/session-${++uploads}`, 'content-length': 0 });
    res.end();
  });
  target.route('PUT', /^\/v2\/copy\/manifests\//, (_req, res) => {
    res.writeHead(201, { 'docker-content-digest': image.digest, 'content-length': 0 });
    res.end();
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all([source.close(), target.close()]);
});

/** Answers a blob PUT with 201 when it carries the right bytes, or drops the connection. */
function blobPuts(drop: (ctx: RouteContext) => boolean) {
  target.route('PUT', /^\/v2\/copy\/blobs\/uploads\//, (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => {
    const isLayer = ctx.request.query.get('digest') === image.layerDigest;
    if (isLayer && drop(ctx)) {
      req.socket.destroy();
      return;
    }
    const ok = sha256(ctx.request.body) === ctx.request.query.get('digest');
    if (!ok) {
      sendJson(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'digest did not match' }] });
      return;
    }
    res.writeHead(201, { 'content-length': 0 });
    res.end();
  });
}

const layerPuts = () => target.requests(/^\/v2\/copy\/blobs\/uploads\//, 'PUT').filter((r) => r.query.get('digest') === image.layerDigest);

describe('a connection dropped during an upload', () => {
  it('starts the upload again from a fresh stream, and the push completes', async () => {
    let drops = 0;
    blobPuts(() => drops++ === 0);
    await client(target)
      .withSegment('copy')
      .pushImage('v1', await client(source).withSegment('app').getImage('v1'));
    const puts = layerPuts();
    expect(puts).toHaveLength(2);
    // The second try sent the whole blob again, from the start.
    expect(sha256(puts[1]!.body)).toBe(image.layerDigest);
    // A new upload session, not the broken one.
    expect(puts[0]!.path).not.toBe(puts[1]!.path);
    expect(target.requests(/^\/v2\/copy\/manifests\//, 'PUT')).toHaveLength(1);
  });

  it('when every try is dropped: a ConnectionError, and the manifest is never PUT (the tag does not move)', async () => {
    blobPuts(() => true);
    const src = client(source).withSegment('app');
    const err = await mirror(src, 'v1', client(target).withSegment('copy'), 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/dropped/);
    expect(layerPuts().length).toBe(3);
    expect(target.requests(/^\/v2\/copy\/manifests\//, 'PUT')).toHaveLength(0);
  });
});
