/**
 * Token auth as the token server sees it. Each test runs against a token
 * registry of its own (over the shared storage, so the fixtures are there)
 * whose token server's request record no other test file touches: which flow
 * the client used (GET with Basic, OAuth2 POST with the refresh token, none
 * for a registry token), which scopes it asked for, and how few tokens one
 * shared client needs for 20 concurrent calls.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { AccessDeniedError, CatalogNotSupportedError, type Client, type ClientOptions } from '../../src-main/registry/index';
import { startTokenRegistry, type OwnTokenRegistry } from '../harness/own-registry.js';
import type { TokenServerOptions, TokenResponseBody } from '../harness/token-server.js';
import { ClientPool, recordingLogger, sha256OfStream } from './registry-support.js';

const lading = inject('lading');
const { ociImage, dockerImage, multiarch, manyTags, repositories } = lading.fixtures;
const bob = lading.tokenServer.credentials;

const pool = new ClientPool();
const started: OwnTokenRegistry[] = [];
afterEach(async () => {
  await pool.closeAll();
  await Promise.all(started.splice(0).map((r) => r.stop()));
});
afterAll(() => pool.closeAll());

async function ownRegistry(opts: Omit<TokenServerOptions, 'keyPair' | 'service' | 'issuer'> = {}): Promise<OwnTokenRegistry> {
  const r = await startTokenRegistry(lading, { users: { [bob.username]: bob.password }, ...opts });
  started.push(r);
  return r;
}

function client(r: OwnTokenRegistry, options: ClientOptions = {}): Client {
  return pool.open(r.registry.host, options);
}

const pull = (repository: string) => `repository:${repository}:pull`;

describe('token flows, as the token server records them', () => {
  it('Basic credentials: GET the realm with service, the pull scope and Basic auth; one token per scope set', async () => {
    const r = await ownRegistry();
    const c = client(r, { auth: bob }).withSegment(ociImage.repository);
    expect(await c.getDigest(ociImage.tag)).toBe(ociImage.digest);
    await c.getManifest(ociImage.tag);
    await c.getImageConfig(ociImage.tag);
    const requests = r.tokenServer.requests;
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'GET',
      service: r.tokenServer.service,
      scopes: [pull(ociImage.repository)],
      credentialKind: 'basic',
      username: bob.username,
      status: 200,
    });
  });

  it('identity token: the OAuth2 POST with grant_type=refresh_token, never the password', async () => {
    const r = await ownRegistry();
    const form = new URLSearchParams({
      grant_type: 'password',
      username: bob.username,
      password: bob.password,
      service: r.tokenServer.service,
      client_id: 'lading-tests',
    });
    const res = await fetch(r.tokenServer.realm, {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const refresh = ((await res.json()) as TokenResponseBody).refresh_token;
    expect(refresh).toBeTruthy();
    r.tokenServer.resetRequests();

    const c = client(r, { auth: { identityToken: refresh! } });
    expect(await c.withSegment(multiarch.repository).getDigest(multiarch.tag)).toBe(multiarch.digest);
    const image = await c.withSegment(multiarch.repository).getImage(multiarch.tag, { platform: 'linux/arm64' });
    expect((await image.getConfig()).architecture).toBe('arm64');
    const requests = r.tokenServer.requests;
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      grantType: 'refresh_token',
      credentialKind: 'refresh_token',
      username: bob.username,
      service: r.tokenServer.service,
      scopes: [pull(multiarch.repository)],
      status: 200,
    });
  });

  it('registry token: sent as is, the token server is never asked', async () => {
    const r = await ownRegistry();
    const minted = r.tokenServer.issueToken(bob.username, [{ type: 'repository', name: dockerImage.repository, actions: ['pull'] }]);
    const c = client(r, { auth: { registryToken: minted } }).withSegment(dockerImage.repository);
    expect(await c.getDigest(dockerImage.tag)).toBe(dockerImage.digest);
    const image = await c.getImage(dockerImage.tag);
    const layer = image.layers[0]!;
    expect(await sha256OfStream(await layer.open())).toEqual({ digest: layer.digest, size: layer.size });
    expect(r.tokenServer.requests).toHaveLength(0);
    // The token grants only that repository: another one is refused, and no token is fetched for it.
    const other = await client(r, { auth: { registryToken: minted } })
      .withSegment(ociImage.repository)
      .getDigest(ociImage.tag)
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(AccessDeniedError);
    expect(r.tokenServer.requests).toHaveLength(0);
  });

  it('anonymous: GET the realm without credentials, and the pull token works', async () => {
    const r = await ownRegistry();
    const c = client(r).withSegment(ociImage.repository);
    expect(await c.getDigest(ociImage.tag)).toBe(ociImage.digest);
    expect(r.tokenServer.requests).toHaveLength(1);
    expect(r.tokenServer.requests[0]).toMatchObject({
      method: 'GET',
      credentialKind: 'none',
      withCredentials: false,
      scopes: [pull(ociImage.repository)],
      status: 200,
    });
  });

  it('anonymous access denied by the token server: AccessDeniedError saying credentials are needed', async () => {
    const r = await ownRegistry({ anonymous: 'deny' });
    const err = await client(r)
      .withSegment(ociImage.repository)
      .getDigest(ociImage.tag)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as AccessDeniedError).status).toBe(401);
  });
});

describe('the catalog on the token registry', () => {
  it('works for the user: registry:catalog:* is asked for and granted', async () => {
    const r = await ownRegistry();
    const repos = await client(r, { auth: bob }).listRepositories();
    for (const name of repositories.created) expect(repos).toContain(name);
    const catalogRequests = r.tokenServer.requests.filter((q) => q.scopes.includes('registry:catalog:*'));
    expect(catalogRequests.length).toBeGreaterThanOrEqual(1);
    expect(catalogRequests.every((q) => q.status === 200 && q.username === bob.username)).toBe(true);
  });

  it('is CatalogNotSupportedError for anonymous callers (the policy grants them no catalog access)', async () => {
    const r = await ownRegistry();
    const err = await client(r)
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogNotSupportedError);
    expect((err as CatalogNotSupportedError).status).toBe(401);
    // The token server answered 200, but with no catalog access in the token.
    const asked = r.tokenServer.requests.filter((q) => q.scopes.includes('registry:catalog:*'));
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(asked.every((q) => q.credentialKind === 'none')).toBe(true);
  });

  it('the shared token registry: a scoped listing for the user, CatalogNotSupportedError for anonymous', async () => {
    const tokenHost = lading.registries.token.host;
    const [forUser, forAnonymous] = await Promise.all([
      pool.open(tokenHost, { auth: lading.registries.token.credentials }).withSegment('ns2', 'sub1').listRepositories(),
      pool
        .open(tokenHost)
        .withSegment('ns2')
        .listRepositories()
        .catch((e: unknown) => e),
    ]);
    expect(forUser).toEqual(['repo0', 'repo1', 'repo2', 'repo3', 'repo4', 'repo5']);
    expect(forAnonymous).toBeInstanceOf(CatalogNotSupportedError);
  });
});

describe('one client shared by concurrent calls', () => {
  it('20 concurrent calls across five repositories all succeed, with one token request per repository', async () => {
    const r = await ownRegistry();
    const logger = recordingLogger();
    const shared = client(r, { auth: bob, logger });
    const nested = repositories.created.filter((n) => n.startsWith('ns3/sub3/'))[0]!;
    const calls: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 4; i++) {
      calls.push(
        async () => expect(await shared.withSegment(ociImage.repository).getDigest(ociImage.tag)).toBe(ociImage.digest),
        async () => {
          const image = await shared.withSegment(dockerImage.repository).getImage(dockerImage.tag);
          const layer = image.layers[i % image.layers.length]!;
          expect(await sha256OfStream(await layer.open())).toEqual({ digest: layer.digest, size: layer.size });
        },
        async () =>
          expect(
            (
              await shared
                .withSegment(multiarch.repository)
                .getImageConfig(multiarch.tag, { platform: i % 2 ? 'linux/arm64' : 'linux/amd64' })
            ).architecture,
          ).toBe(i % 2 ? 'arm64' : 'amd64'),
        async () =>
          expect(await shared.withSegment(manyTags.repository).listTags({ limit: 10 + i })).toEqual(manyTags.tags.slice(0, 10 + i)),
        async () => expect(await shared.withSegment(nested).getDigest(repositories.tag)).toBe(repositories.digest),
      );
    }
    expect(calls).toHaveLength(20);
    const results = await Promise.allSettled(calls.map((call) => call()));
    const failures = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected').map((x) => String(x.reason));
    expect(failures).toEqual([]);

    const tokenRequests = r.tokenServer.requests;
    const scopes = tokenRequests.map((q) => q.scopes.join(' ')).sort();
    expect(scopes).toEqual(
      [ociImage.repository, dockerImage.repository, multiarch.repository, manyTags.repository, nested].map(pull).sort(),
    );
    expect(tokenRequests.every((q) => q.status === 200)).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(bob.password);
    // One /v2/ ping for the whole client, shared by every call.
    expect(logger.urls.filter((u) => u.endsWith('/v2/'))).toHaveLength(1);
  });
});
