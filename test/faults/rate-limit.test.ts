/**
 * Docker Hub's pull rate limit, which no loopback registry reports: the
 * stand-in server sends Hub's `ratelimit-limit` / `ratelimit-remaining`
 * headers on manifest answers (GET and HEAD, as Hub does), and the client
 * keeps the last it saw, for the whole client family. Once a registry reports
 * a limit, summaries look with HEAD first, which Hub does not count as a pull.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src-main/registry/index';
import { rateLimitOf } from '../../src-main/registry/rate-limit';
import { FaultServer, OCI_MANIFEST, makeImage, openRegistry, sendBytes, type TestImage } from './fault-server';

let server: FaultServer;
const clients: Client[] = [];
let remaining = 100;

function client(): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 0 });
  clients.push(c);
  return c;
}

/** Serves `image` as Hub does: every manifest GET counts one pull, HEADs count none, and both report what is left. */
function serveCounted(repo: string, tag: string, image: TestImage): void {
  const manifest = (req: { method?: string | undefined }, res: ServerResponse) => {
    if (req.method === 'GET') remaining--;
    sendBytes(res, image.manifest, OCI_MANIFEST, {
      headers: { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': `${remaining};w=21600` },
    });
  };
  server.route('*', `/v2/${repo}/manifests/${tag}`, manifest);
  server.route('*', `/v2/${repo}/manifests/${image.digest}`, manifest);
  server.route('*', `/v2/${repo}/blobs/${image.configDigest}`, (_req, res) => sendBytes(res, image.config, 'application/octet-stream'));
}

beforeEach(async () => {
  server = await FaultServer.start();
  openRegistry(server);
  remaining = 100;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe('rateLimit', () => {
  it('is undefined until a registry reports one, then the last one reported, on every client of the family', async () => {
    serveCounted('team/app', 'v1', makeImage(64));
    const root = client();
    const app = root.withSegment('team/app');
    expect(app.rateLimit).toBeUndefined();
    await app.getManifest('v1');
    expect(app.rateLimit).toMatchObject({ limit: 100, remaining: 99, windowSeconds: 21600 });
    await app.getManifest('v1');
    expect(root.rateLimit).toMatchObject({ remaining: 98 });
    expect(root.withSegment('other').rateLimit).toMatchObject({ remaining: 98 });
    expect(Date.parse(root.rateLimit!.seenAt)).not.toBeNaN();
  });

  it('once reported, a summary looks with HEAD first: a known tag costs no pull', async () => {
    serveCounted('team/app', 'v1', makeImage(64));
    const app = client().withSegment('team/app');
    await app.getManifest('v1'); // learns that this registry counts pulls
    server.reset();
    openRegistry(server);
    serveCounted('team/app', 'v1', makeImage(64));
    await app.getImageSummary('v1');
    const manifestRequests = () => server.requests(/\/manifests\//).map((r) => r.method);
    // HEAD (digest unknown), then the manifest by digest, then the config.
    expect(manifestRequests()).toEqual(['HEAD', 'GET']);
    await app.getImageSummary('v1');
    expect(manifestRequests()).toEqual(['HEAD', 'GET', 'HEAD']);
    expect(app.rateLimit?.remaining).toBe(98);
  });
});

describe('rateLimitOf', () => {
  const of = (headers: Record<string, string>) => rateLimitOf({ headers }, new Date('2024-05-01T00:00:00Z'));

  it("reads Docker Hub's headers", () => {
    expect(of({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' })).toEqual({
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
      seenAt: '2024-05-01T00:00:00.000Z',
    });
    expect(of({ 'ratelimit-limit': '200', 'ratelimit-remaining': '5' })).toEqual({
      limit: 200,
      remaining: 5,
      seenAt: '2024-05-01T00:00:00.000Z',
    });
    // Several policies: the first binds.
    expect(of({ 'ratelimit-limit': '100;w=21600, 1000;w=86400', 'ratelimit-remaining': '3;w=21600' })).toMatchObject({
      limit: 100,
      remaining: 3,
    });
  });

  it('ignores what is missing or not a count', () => {
    expect(of({})).toBeUndefined();
    expect(of({ 'ratelimit-limit': '100;w=21600' })).toBeUndefined();
    expect(of({ 'ratelimit-limit': 'lots', 'ratelimit-remaining': '1' })).toBeUndefined();
    expect(of({ 'ratelimit-limit': '-1', 'ratelimit-remaining': '1' })).toBeUndefined();
  });
});
