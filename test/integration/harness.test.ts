/**
 * Smoke test of the test harness itself: the three registries answer as
 * configured, the token server's tokens are accepted, and the fixtures are
 * there. If this fails, every integration test result is suspect.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { FIXTURE_ENV, FIXTURE_LABELS } from '../harness/fixture-specs.js';
import { MANY_TAGS, NESTED_REPOSITORIES } from '../harness/fixture-names.js';
import { ALL_MANIFEST_TYPES } from '../harness/media-types.js';
import { basicAuth, bearerAuth, listCatalog } from '../harness/registry-http.js';
import { skopeoConfig, skopeoDigest, skopeoListTags } from '../harness/skopeo.js';
import { decodeTokenClaims } from '../harness/jwt.js';
import { startTokenRegistry } from '../harness/own-registry.js';
import { createTokenIssuer, fetchTokenRequests, resetTokenRequests, type TokenResponseBody } from '../harness/token-server.js';
import { requireTool } from '../harness/tools.js';

const lading = inject('lading');
const { anonymous, basic, token } = lading.registries;
const ts = lading.tokenServer;

async function getToken(scopes: string[], creds?: { username: string; password: string }): Promise<Response> {
  const url = new URL(ts.realm);
  url.searchParams.set('service', ts.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return fetch(url, { headers: creds ? basicAuth(creds) : {} });
}

function manifestUrl(base: string, repo: string, ref: string): string {
  return `${base}/v2/${repo}/manifests/${ref}`;
}

/** The entries of a live catalog that the setup saw, in the live order. */
function inSetupCatalog(repos: string[]): string[] {
  const seen = new Set(inject('lading').fixtures.repositories.catalog);
  return repos.filter((r) => seen.has(r));
}

describe('registries', () => {
  it('anonymous registry answers /v2/ with 200', async () => {
    const res = await fetch(`${anonymous.url}/v2/`);
    expect(res.status).toBe(200);
  });

  it('basic registry challenges with Basic and accepts alice', async () => {
    const res = await fetch(`${basic.url}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    const ok = await fetch(`${basic.url}/v2/`, { headers: basicAuth(basic.credentials) });
    expect(ok.status).toBe(200);
  });

  it('basic registry refuses a wrong password', async () => {
    const res = await fetch(`${basic.url}/v2/`, {
      headers: basicAuth({ username: basic.credentials.username, password: 'wrong' }),
    });
    expect(res.status).toBe(401);
  });

  it('token registry challenges with Bearer pointing at the token server', async () => {
    const res = await fetch(`${token.url}/v2/`);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`realm="${ts.realm}"`);
    expect(challenge).toContain(`service="${ts.service}"`);
  });

  it('all three registries serve the same storage', async () => {
    const { ociImage } = lading.fixtures;
    const anon = await fetch(manifestUrl(anonymous.url, ociImage.repository, ociImage.tag), {
      method: 'HEAD',
      headers: { accept: ALL_MANIFEST_TYPES },
    });
    const viaBasic = await fetch(manifestUrl(basic.url, ociImage.repository, ociImage.tag), {
      method: 'HEAD',
      headers: { accept: ALL_MANIFEST_TYPES, ...basicAuth(basic.credentials) },
    });
    expect(anon.headers.get('docker-content-digest')).toBe(ociImage.digest);
    expect(viaBasic.headers.get('docker-content-digest')).toBe(ociImage.digest);
  });
});

describe('token server', () => {
  it('issues a token that lets a raw manifest GET succeed on the token registry', async () => {
    const { ociImage } = lading.fixtures;
    const url = manifestUrl(token.url, ociImage.repository, ociImage.tag);
    expect((await fetch(url, { headers: { accept: ALL_MANIFEST_TYPES } })).status).toBe(401);

    const res = await getToken([`repository:${ociImage.repository}:pull`], ts.credentials);
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponseBody;
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    const claims = decodeTokenClaims(body.token);
    expect(claims).toMatchObject({ sub: 'bob', aud: ts.service, iss: ts.issuer });
    expect(claims.access).toEqual([{ type: 'repository', name: ociImage.repository, actions: ['pull'] }]);

    const manifest = await fetch(url, { headers: { accept: ALL_MANIFEST_TYPES, ...bearerAuth(body.token) } });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(ociImage.digest);
  });

  it('refuses a wrong password with 401 and a JSON error', async () => {
    const res = await getToken(['repository:lading/oci-image:pull'], { username: 'bob', password: 'wrong' });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { errors: { code: string }[] };
    expect(body.errors[0]?.code).toBe('UNAUTHORIZED');
  });

  it('gives anonymous callers pull only, and no catalog', async () => {
    const res = await getToken(['repository:lading/oci-image:pull,push', 'registry:catalog:*']);
    const claims = decodeTokenClaims(((await res.json()) as TokenResponseBody).token);
    expect(claims.sub).toBe('');
    expect(claims.access).toEqual([{ type: 'repository', name: 'lading/oci-image', actions: ['pull'] }]);
  });

  it('supports the OAuth2 POST: password grant, then refresh_token grant', async () => {
    const form = (fields: Record<string, string>): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const first = await fetch(
      ts.realm,
      form({
        grant_type: 'password',
        service: ts.service,
        client_id: 'lading-test',
        scope: 'repository:lading/oci-image:pull registry:catalog:*',
        username: ts.credentials.username,
        password: ts.credentials.password,
      }),
    );
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as TokenResponseBody;
    expect(firstBody.refresh_token).toBeTruthy();
    expect(decodeTokenClaims(firstBody.token).access).toHaveLength(2);

    const second = await fetch(
      ts.realm,
      form({
        grant_type: 'refresh_token',
        service: ts.service,
        client_id: 'lading-test',
        scope: 'registry:catalog:*',
        refresh_token: firstBody.refresh_token ?? '',
      }),
    );
    expect(second.status).toBe(200);
    const secondBody = (await second.json()) as TokenResponseBody;
    const catalog = await fetch(`${token.url}/v2/_catalog?n=10`, { headers: bearerAuth(secondBody.token) });
    expect(catalog.status).toBe(200);
  });

  it('mints a pre-issued registry token from the shared key pair', async () => {
    const issuer = await createTokenIssuer({
      keyPair: { keyPath: ts.keyPath, certPath: ts.certPath },
      service: ts.service,
      issuer: ts.issuer,
    });
    const minted = issuer.issue('bob', [{ type: 'registry', name: 'catalog', actions: ['*'] }]).token;
    const repos = await listCatalog(token.url, { pageSize: 500, headers: bearerAuth(minted) });
    // Other test files push into the shared storage while this runs: the setup's
    // catalog must still be there, in the same order, whatever was added since.
    expect(inSetupCatalog(repos)).toEqual(lading.fixtures.repositories.catalog);
  });

  it('runs per test with its own policy, recording requests without passwords', async () => {
    const own = await startTokenRegistry(lading, { users: { carol: 'pw-carol' }, postSupported: false, expiresIn: 60 });
    try {
      const { ociImage } = lading.fixtures;
      const challenge = (await fetch(`${own.registry.url}/v2/`)).headers.get('www-authenticate') ?? '';
      expect(challenge).toContain(`realm="${own.tokenServer.realm}"`);

      const post = await fetch(own.tokenServer.realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=carol&password=pw-carol',
      });
      expect(post.status).toBe(404);

      const url = new URL(own.tokenServer.realm);
      url.searchParams.set('service', own.tokenServer.service);
      url.searchParams.append('scope', `repository:${ociImage.repository}:pull`);
      const get = await fetch(url, { headers: basicAuth({ username: 'carol', password: 'pw-carol' }) });
      const body = (await get.json()) as TokenResponseBody;
      expect(body.expires_in).toBe(60);
      const manifest = await fetch(`${own.registry.url}/v2/${ociImage.repository}/manifests/${ociImage.digest}`, {
        headers: { accept: ALL_MANIFEST_TYPES, ...bearerAuth(body.token) },
      });
      expect(manifest.status).toBe(200);

      // Read over HTTP, as a test in another process than the server would.
      const records = await fetchTokenRequests(own.tokenServer.url);
      expect(records).toEqual([
        expect.objectContaining({ method: 'POST', grantType: 'password', status: 404 }),
        expect.objectContaining({
          method: 'GET',
          scopes: [`repository:${ociImage.repository}:pull`],
          withCredentials: true,
          credentialKind: 'basic',
          username: 'carol',
          status: 200,
        }),
      ]);
      expect(JSON.stringify(records)).not.toContain('pw-carol');
      await resetTokenRequests(own.tokenServer.url);
      expect(own.tokenServer.requests).toEqual([]);
    } finally {
      await own.stop();
    }
  });
});

describe('fixtures', () => {
  it('many-tags has every tag, as skopeo sees it', async () => {
    const tags = await skopeoListTags(anonymous.host, lading.fixtures.manyTags.repository);
    expect(tags.length).toBeGreaterThanOrEqual(2500);
    expect([...tags].sort()).toEqual([...lading.fixtures.manyTags.tags].sort());
    expect([...lading.fixtures.manyTags.tags].sort()).toEqual([...MANY_TAGS].sort());
  });

  it('the catalog lists at least 300 repositories, nested ones included', async () => {
    const repos = await listCatalog(anonymous.url, { pageSize: 1000 });
    expect(repos.length).toBeGreaterThanOrEqual(300);
    expect(inSetupCatalog(repos)).toEqual(lading.fixtures.repositories.catalog);
    expect(repos).toEqual(expect.arrayContaining([...NESTED_REPOSITORIES]));
  });

  it('digests and configs agree with skopeo', async () => {
    const { ociImage, dockerImage, multiarch } = lading.fixtures;
    expect(await skopeoDigest(`${anonymous.host}/${ociImage.reference}`)).toBe(ociImage.digest);
    expect(await skopeoDigest(`${basic.host}/${dockerImage.reference}`, { creds: basic.credentials })).toBe(dockerImage.digest);
    expect(dockerImage.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(
      multiarch.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}`),
    ).toEqual(['linux/amd64', 'linux/arm64/v8', 'unknown/unknown', 'unknown/unknown']);
    const config = await skopeoConfig(`${token.host}/${multiarch.reference}`, {
      creds: token.credentials,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    expect(config).toMatchObject({ architecture: 'arm64', variant: 'v8', config: { Labels: FIXTURE_LABELS } });
    expect((config.config as { Env: string[] }).Env).toEqual(expect.arrayContaining(FIXTURE_ENV));
  });

  it('the registry log records the cross-repository mounts made by the setup', async () => {
    const log = await readFile(anonymous.logFile, 'utf8');
    expect(log).toMatch(/POST \/v2\/ns1\/x\/blobs\/uploads\/\?mount=sha256%3A[0-9a-f]{64}&from=lading%2Fmany-tags HTTP\/1\.1" 201/);
  });
});

describe('tools', () => {
  it('requireTool names the package to install', () => {
    expect(() => requireTool('lading-no-such-tool', 'lading-pkg')).toThrow('lading-no-such-tool not found: apt-get install lading-pkg');
  });
});
