/**
 * The read path against the real distribution registries, every way a person
 * may sign in: anonymous; htpasswd Basic; token auth through the harness token
 * server (Basic credentials on the GET flow, an identity token on the OAuth2
 * POST flow, a pre-issued registry token, anonymous pull tokens). Then the
 * answers are cross-checked with skopeo, an independent client.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ImageNotFoundError,
  RepositoryNotFoundError,
  type Client,
  type ClientOptions,
  type ConfigFile,
} from '../../src-main/registry/index';
import { FIXTURE_CMD, FIXTURE_ENV, FIXTURE_LABELS } from '../harness/fixture-specs.js';
import { MediaType } from '../harness/media-types.js';
import { skopeoConfig, skopeoDigest, skopeoListTags, skopeoRawManifest, type Credentials } from '../harness/skopeo.js';
import { createTokenIssuer, type TokenResponseBody } from '../harness/token-server.js';
import { sha256Digest } from '../harness/digest.js';
import { ClientPool, recordingLogger, sha256OfStream } from './registry-support.js';

const lading = inject('lading');
const { anonymous, basic, token } = lading.registries;
const ts = lading.tokenServer;
const { ociImage, dockerImage, multiarch, manyTags } = lading.fixtures;

const pool = new ClientPool();
afterAll(() => pool.closeAll());

const amd64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'amd64');
const arm64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'arm64');
const attestations = multiarch.manifests.filter((m) => m.attestation);

/** A refresh token from the token server's OAuth2 password grant, as `docker login` gets one. */
async function refreshToken(creds: Credentials): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'password',
    username: creds.username,
    password: creds.password,
    service: ts.service,
    client_id: 'lading-tests',
    access_type: 'offline',
  });
  const res = await fetch(ts.realm, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (res.status !== 200) throw new Error(`password grant: HTTP ${res.status}`);
  const body = (await res.json()) as TokenResponseBody;
  if (!body.refresh_token) throw new Error('password grant gave no refresh_token');
  return body.refresh_token;
}

/** A registry token minted by the harness with pull on the fixture repositories. */
async function registryToken(): Promise<string> {
  const issuer = await createTokenIssuer({
    keyPair: { keyPath: ts.keyPath, certPath: ts.certPath },
    service: ts.service,
    issuer: ts.issuer,
  });
  const access = [ociImage, dockerImage, multiarch].map((f) => ({ type: 'repository', name: f.repository, actions: ['pull'] }));
  return issuer.issue(ts.credentials.username, access).token;
}

interface Way {
  name: string;
  host: string;
  options: () => Promise<ClientOptions>;
}

const WAYS: Way[] = [
  { name: 'anonymous registry', host: anonymous.host, options: async () => ({}) },
  { name: 'basic auth (htpasswd)', host: basic.host, options: async () => ({ auth: basic.credentials }) },
  { name: 'token auth, Basic credentials on the GET flow', host: token.host, options: async () => ({ auth: token.credentials }) },
  {
    name: 'token auth, identity token on the OAuth2 POST flow',
    host: token.host,
    options: async () => ({ auth: { identityToken: await refreshToken(token.credentials) } }),
  },
  {
    name: 'token auth, pre-issued registry token',
    host: token.host,
    options: async () => ({ auth: { registryToken: await registryToken() } }),
  },
  { name: 'token auth, anonymous pull tokens', host: token.host, options: async () => ({}) },
];

function configFromIndex(config: ConfigFile, platform: string): void {
  expect(config.os).toBe('linux');
  expect(config.config?.Env).toContain(`LADING_PLATFORM=${platform}`);
}

describe.each(WAYS)('read path: $name', (way) => {
  let root: Client;
  let secrets: string[] = [];
  const logger = recordingLogger();
  beforeAll(async () => {
    const options = await way.options();
    secrets = Object.entries(options.auth ?? {})
      .filter(([k]) => k !== 'username')
      .map(([, v]) => String(v));
    root = pool.open(way.host, { ...options, logger });
  });
  const repo = (name: string): Client => root.withSegment(name);

  it('getDigest: OCI image, Docker v2s2 image and the index, by tag and by digest', async () => {
    for (const f of [ociImage, dockerImage, multiarch]) {
      expect(await repo(f.repository).getDigest(f.tag)).toBe(f.digest);
      expect(await repo(f.repository).getDigest(`@${f.digest}`)).toBe(f.digest);
      expect(await repo(f.repository).getDigest(f.digest)).toBe(f.digest);
    }
    expect(await repo(multiarch.repository).getDigest(`@${arm64!.digest}`)).toBe(arm64!.digest);
  });

  it('getManifest: an OCI image manifest', async () => {
    const m = await repo(ociImage.repository).getManifest(ociImage.tag);
    expect(m.mediaType).toBe(MediaType.ociManifest);
    expect(m.isIndex()).toBe(false);
    expect(m.descriptor).toMatchObject({ mediaType: MediaType.ociManifest, digest: ociImage.digest, size: ociImage.size });
    expect(sha256Digest(m.raw)).toBe(ociImage.digest);
    const manifest = m.getManifest();
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.config).toMatchObject({ digest: ociImage.configDigest, mediaType: MediaType.ociConfig });
    expect(manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }))).toEqual(
      ociImage.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
    );
    expect(() => m.getIndexManifest()).toThrow(/not an index/);
  });

  it('getManifest: a Docker schema 2 image manifest', async () => {
    const m = await repo(dockerImage.repository).getManifest(dockerImage.tag);
    expect(m.mediaType).toBe(MediaType.dockerManifest);
    expect(m.isIndex()).toBe(false);
    expect(m.descriptor.digest).toBe(dockerImage.digest);
    const manifest = m.getManifest();
    expect(manifest.mediaType).toBe(MediaType.dockerManifest);
    expect(manifest.config.mediaType).toBe(MediaType.dockerConfig);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(dockerImage.layers.map(() => MediaType.dockerLayerGzip));
    expect(manifest.layers.map((l) => l.digest)).toEqual(dockerImage.layers.map((l) => l.digest));
  });

  it('getManifest: the multi-arch index with its attestation entries', async () => {
    const m = await repo(multiarch.repository).getManifest(multiarch.tag);
    expect(m.mediaType).toBe(MediaType.ociIndex);
    expect(m.isIndex()).toBe(true);
    expect(m.descriptor).toMatchObject({ digest: multiarch.digest, size: multiarch.size });
    const index = m.getIndexManifest();
    expect(index.manifests.map((d) => d.digest)).toEqual(multiarch.manifests.map((d) => d.digest));
    expect(index.manifests.map((d) => d.platform)).toEqual(multiarch.manifests.map((d) => d.platform));
    expect(attestations.length).toBeGreaterThanOrEqual(1);
    expect(() => m.getManifest()).toThrow(/index/);
  });

  it('getImageConfig: the config as built, for an image and for an index (default platform)', async () => {
    for (const f of [ociImage, dockerImage]) {
      const config = await repo(f.repository).getImageConfig(f.tag);
      expect(config.architecture).toBe('amd64');
      expect(config.os).toBe('linux');
      expect(config.config?.Env).toEqual(FIXTURE_ENV);
      expect(config.config?.Labels).toEqual(FIXTURE_LABELS);
      expect(config.config?.Cmd).toEqual(FIXTURE_CMD);
      expect(config.rootfs?.diff_ids).toEqual(f.layers.map((l) => l.diffId));
      expect(config.history?.length).toBeGreaterThan(f.layers.length);
    }
    const indexConfig = await repo(multiarch.repository).getImageConfig(multiarch.tag);
    expect(indexConfig.architecture).toBe('amd64');
    configFromIndex(indexConfig, 'linux/amd64');
    const armConfig = await repo(multiarch.repository).getImageConfig(multiarch.tag, { platform: 'linux/arm64' });
    expect(armConfig.architecture).toBe('arm64');
    expect(armConfig.variant).toBe('v8');
    configFromIndex(armConfig, 'linux/arm64/v8');
  });

  it('checkImageExists: resolves for what exists, rejects with ImageNotFoundError for an unknown tag', async () => {
    for (const f of [ociImage, dockerImage, multiarch]) {
      await expect(repo(f.repository).checkImageExists(f.tag)).resolves.toBeUndefined();
      await expect(repo(f.repository).checkImageExists(`@${f.digest}`)).resolves.toBeUndefined();
    }
    const missing = await repo(ociImage.repository)
      .checkImageExists('no-such-tag')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ImageNotFoundError);
    expect(missing).not.toBeInstanceOf(RepositoryNotFoundError);
    expect((missing as Error).message).toContain('no-such-tag');
  });

  it('getImage: linux/amd64 by default; arm64 in all its spellings; attestations never picked', async () => {
    const index = repo(multiarch.repository);
    const byDefault = await index.getImage(multiarch.tag);
    expect(byDefault.digest).toBe(amd64!.digest);
    expect(byDefault.platform).toEqual(amd64!.platform);
    expect((await index.getImage(multiarch.tag, { platform: 'linux/amd64' })).digest).toBe(amd64!.digest);
    expect((await index.getImage(multiarch.tag, { platform: 'linux/x86_64' })).digest).toBe(amd64!.digest);
    for (const spelling of ['linux/arm64', 'linux/arm64/v8', 'linux/aarch64', { os: 'linux', architecture: 'aarch64' }]) {
      const image = await index.getImage(multiarch.tag, { platform: spelling });
      expect(image.digest, JSON.stringify(spelling)).toBe(arm64!.digest);
      expect((await image.getConfig()).architecture).toBe('arm64');
    }
    // The attestation entries are unknown/unknown: asking for that finds nothing.
    const attest = await index.getImage(multiarch.tag, { platform: 'unknown/unknown' }).catch((e: unknown) => e);
    expect(attest).toBeInstanceOf(ImageNotFoundError);
    // A single image is itself, whatever the platform.
    expect((await repo(ociImage.repository).getImage(ociImage.tag)).digest).toBe(ociImage.digest);
  });

  it('getImage: a platform the index lacks is ImageNotFoundError naming what is available', async () => {
    const err = await repo(multiarch.repository)
      .getImage(multiarch.tag, { platform: 'linux/s390x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    const message = (err as Error).message;
    expect(message).toContain('linux/s390x');
    expect(message).toContain('linux/amd64');
    expect(message).toMatch(/linux\/arm64/);
    expect(message).not.toContain('unknown/unknown');
  });

  it("each layer's open(): what is read hashes to the layer digest, for both images and an index child", async () => {
    const images = [
      await repo(ociImage.repository).getImage(ociImage.tag),
      await repo(dockerImage.repository).getImage(dockerImage.tag),
      await repo(multiarch.repository).getImage(multiarch.tag, { platform: 'linux/arm64' }),
    ];
    let layers = 0;
    for (const image of images) {
      for (const layer of image.layers) {
        const read = await sha256OfStream(await layer.open());
        expect(read).toEqual({ digest: layer.digest, size: layer.size });
        layers++;
      }
      expect(sha256Digest(await image.getRawConfig())).toBe(image.configDescriptor.digest);
    }
    expect(layers).toBe(ociImage.layers.length * 2 + 2);
  });

  it('the log names requests but never a credential or token', async () => {
    await repo(ociImage.repository).getImageConfig(ociImage.tag);
    await repo(multiarch.repository).getImage(multiarch.tag);
    expect(logger.urls.length).toBeGreaterThan(0);
    const log = logger.lines.join('\n');
    for (const secret of [basic.credentials.password, token.credentials.password, ...secrets]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/Bearer\s+ey|Basic\s+[A-Za-z0-9+/=]{8,}|refresh_token=/);
  });
});

describe('cross-checked with skopeo', () => {
  const anon = (): Client => pool.open(anonymous.host);

  it('tags: equal to skopeo list-tags as sets, and listTags() is sorted', async () => {
    for (const [host, creds, client] of [
      [anonymous.host, undefined, anon()],
      [token.host, token.credentials, pool.open(token.host, { auth: token.credentials })],
    ] as const) {
      const [ours, theirs] = await Promise.all([
        client.withSegment(manyTags.repository).listTags(),
        skopeoListTags(host, manyTags.repository, creds),
      ]);
      expect(ours.length).toBeGreaterThanOrEqual(2500);
      expect(new Set(ours)).toEqual(new Set(theirs));
      expect(ours.length).toBe(theirs.length);
      expect(ours).toEqual([...theirs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    const small = await anon().withSegment(ociImage.repository).listTags();
    expect(small).toEqual(await skopeoListTags(anonymous.host, ociImage.repository));
  });

  it("digests: equal to skopeo's, on the anonymous, basic and token registries", async () => {
    const basicClient = pool.open(basic.host, { auth: basic.credentials });
    const tokenClient = pool.open(token.host, { auth: token.credentials });
    for (const f of [ociImage, dockerImage, multiarch]) {
      const [a, b, t, skopeo] = await Promise.all([
        anon().withSegment(f.repository).getDigest(f.tag),
        basicClient.withSegment(f.repository).getDigest(f.tag),
        tokenClient.withSegment(f.repository).getDigest(f.tag),
        skopeoDigest(`${token.host}/${f.reference}`, { creds: token.credentials }),
      ]);
      expect(skopeo).toBe(f.digest);
      expect([a, b, t]).toEqual([skopeo, skopeo, skopeo]);
    }
  });

  it('config: deep-equal to skopeo inspect --config, for both images and each platform of the index', async () => {
    const client = anon();
    for (const f of [ociImage, dockerImage]) {
      const [ours, theirs] = await Promise.all([
        client.withSegment(f.repository).getImageConfig(f.tag),
        skopeoConfig(`${anonymous.host}/${f.reference}`),
      ]);
      expect(ours).toEqual(theirs);
    }
    for (const [platform, override] of [
      ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
      ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ] as const) {
      const [ours, theirs] = await Promise.all([
        client.withSegment(multiarch.repository).getImageConfig(multiarch.tag, { platform }),
        skopeoConfig(`${anonymous.host}/${multiarch.reference}`, { platform: override }),
      ]);
      expect(theirs.architecture).toBe(override.architecture);
      expect(ours).toEqual(theirs);
    }
  });

  it('raw manifest: byte for byte what skopeo inspect --raw gets, tagged and by digest', async () => {
    const client = pool.open(basic.host, { auth: basic.credentials });
    const refs = [
      ...[ociImage, dockerImage, multiarch].map((f) => ({ repository: f.repository, ref: f.tag })),
      ...multiarch.manifests.map((m) => ({ repository: multiarch.repository, ref: `@${m.digest}` })),
    ];
    for (const { repository, ref } of refs) {
      const skopeoRef = ref.startsWith('@') ? `${basic.host}/${repository}${ref}` : `${basic.host}/${repository}:${ref}`;
      const [ours, theirs] = await Promise.all([
        client.withSegment(repository).getManifest(ref),
        skopeoRawManifest(skopeoRef, { creds: basic.credentials }),
      ]);
      expect(Buffer.from(ours.raw).equals(theirs), `${repository}${ref}`).toBe(true);
      expect(ours.descriptor.digest).toBe(sha256Digest(theirs));
    }
  });
});
