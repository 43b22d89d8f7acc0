/**
 * Tags with facts, against real distribution 2.8 registries: summaries
 * checked against skopeo (digest, created, sizes, the platforms of an index
 * with attestation entries), what a summary costs in requests (the client's
 * own request log), tagging checked with skopeo (same digest, same bytes),
 * deleting by digest and by tag as far as distribution allows, on registries
 * with deletion on and off, and a tag that does not exist.
 *
 * The shared registries are only read: everything written goes to scratch
 * registries with storage of their own (test/harness/own-registry.ts).
 */
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DeleteNotSupportedError,
  ImageNotFoundError,
  InvalidReferenceError,
  MAX_SUMMARY_IMAGES,
  openLayout,
  RepositoryNotFoundError,
  SummaryLimitError,
  type Client,
  type ImageSummary,
} from '../../src-main/registry/index';
import { sha256Digest } from '../harness/digest.js';
import type { ImageIndex, ImageManifest } from '../harness/images.js';
import type { ImageFixture } from '../harness/lading-info.js';
import { MediaType } from '../harness/media-types.js';
import { startScratchRegistry, type ScratchRegistry } from '../harness/own-registry.js';
import { putManifest } from '../harness/registry-http.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';
import { skopeoConfig, skopeoCopy, skopeoDigest, skopeoListTags, skopeoRawManifest } from '../harness/skopeo.js';
import { startTokenServer, type RunningTokenServer } from '../harness/token-server.js';
import { makeTempDir } from '../harness/tmp.js';
import { ClientPool, recordingLogger } from './registry-support.js';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage, dockerImage, multiarch, manyTags } = lading.fixtures;
const bob = lading.tokenServer.credentials;

const pool = new ClientPool();
let deleteOn: ScratchRegistry;
let deleteOff: ScratchRegistry;
let workDir: string;

/** skopeo's view of an image manifest: its bytes, config and layers. */
async function skopeoImage(ref: string): Promise<{ raw: Buffer; manifest: ImageManifest; created: unknown; platform: string }> {
  const raw = await skopeoRawManifest(ref);
  const manifest = JSON.parse(raw.toString('utf8')) as ImageManifest;
  const config = await skopeoConfig(ref);
  const platform = [config.os, config.architecture, config.variant].filter(Boolean).join('/');
  return { raw, manifest, created: config.created, platform };
}

const imageSize = (raw: Buffer, m: ImageManifest) => raw.length + m.config.size + m.layers.reduce((n, l) => n + l.size, 0);

/** Copies a shared fixture (index with all its images) into a scratch registry. */
async function copyFixture(target: ScratchRegistry, from: string, to: string): Promise<void> {
  await skopeoCopy(`${anonymous.host}/${from}`, `${target.registry.host}/${to}`, { all: true });
}

beforeAll(async () => {
  workDir = await makeTempDir('lading-it-tags-');
  [deleteOn, deleteOff] = await Promise.all([
    startScratchRegistry({ deleteEnabled: true }),
    startScratchRegistry({ deleteEnabled: false }),
  ]);
}, 60_000);

afterAll(async () => {
  await pool.closeAll();
  await Promise.all([deleteOn?.stop(), deleteOff?.stop()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('getImageSummary', () => {
  it.each([
    ['an OCI image', () => ociImage],
    ['a Docker schema 2 image', () => dockerImage],
  ])('%s: digest, size, created and platform as skopeo sees them', async (_what, fixture: () => ImageFixture) => {
    const { repository, tag } = fixture();
    const ref = `${anonymous.host}/${repository}:${tag}`;
    const peer = await skopeoImage(ref);
    const summary = await pool.open(anonymous.host).withSegment(repository).getImageSummary(tag);
    const size = imageSize(peer.raw, peer.manifest);
    expect(summary).toEqual({
      digest: await skopeoDigest(ref),
      mediaType: peer.manifest.mediaType,
      isIndex: false,
      size,
      created: peer.created,
      platforms: [{ platform: peer.platform, digest: sha256Digest(peer.raw), size, created: peer.created }],
    });
  });

  it('an index with attestation entries: its images only, each sized and dated as skopeo sees it; the newest date for the index', async () => {
    const ref = `${anonymous.host}/${multiarch.repository}:${multiarch.tag}`;
    const raw = await skopeoRawManifest(ref);
    const index = JSON.parse(raw.toString('utf8')) as ImageIndex;
    const images = index.manifests.filter((m) => m.platform?.os !== 'unknown');
    expect(index.manifests.length - images.length).toBe(2); // the attestation entries the summary leaves out
    const expected = await Promise.all(
      images.map(async (m) => {
        const child = await skopeoImage(`${anonymous.host}/${multiarch.repository}@${m.digest}`);
        // skopeo names arm64/v8 as written; Lading normalises it to arm64, as DESIGN.md says.
        return {
          platform: child.platform.replace('arm64/v8', 'arm64'),
          digest: m.digest,
          size: imageSize(child.raw, child.manifest),
          created: child.created as string,
        };
      }),
    );
    const summary = await pool.open(anonymous.host).withSegment(multiarch.repository).getImageSummary(multiarch.tag);
    expect(summary.digest).toBe(multiarch.digest);
    expect(summary.isIndex).toBe(true);
    expect(summary.mediaType).toBe(MediaType.ociIndex);
    expect(summary.platforms).toEqual(expected);
    expect(summary.size).toBe(raw.length + expected.reduce((n, p) => n + p.size, 0));
    const newest = expected.map((p) => p.created).sort((a, b) => Date.parse(b) - Date.parse(a))[0];
    expect(summary.created).toBe(newest);
  });

  it('a known digest costs one HEAD; a new tag of a known digest reads no config; aliases read together read once', async () => {
    const log = recordingLogger();
    const client = pool.open(anonymous.host, { logger: log }).withSegment(manyTags.repository);
    const first = await client.getImageSummary('t0001');
    expect(log.requests.filter((r) => r.startsWith('GET') && r.includes('/blobs/'))).toHaveLength(1);
    log.clear();
    expect(await client.getImageSummary('t0001')).toEqual(first);
    expect(log.requests.map((r) => r.split(' ')[0])).toEqual(['HEAD']);
    log.clear();
    expect(await client.getImageSummary(first.digest)).toEqual(first);
    expect(log.requests.map((r) => r.split(' ')[0])).toEqual(['HEAD']);
    log.clear();
    // Tags never looked at: their manifests are read (that is how their digests are learnt), never the config again.
    const others = manyTags.tags.filter((t) => /^t00[1-4]\d$/.test(t));
    const summaries = await Promise.all(others.map((t) => client.getImageSummary(t)));
    expect(summaries.every((s) => s.digest === manyTags.digest)).toBe(true);
    expect(log.requests.filter((r) => r.includes('/blobs/'))).toEqual([]);
    expect(log.requests.filter((r) => r.startsWith('GET') && r.includes('/manifests/'))).toHaveLength(others.length);
    // Another client family knows nothing: it reads again.
    log.clear();
    const fresh = pool.open(anonymous.host, { logger: log }).withSegment(manyTags.repository);
    const concurrent = await Promise.all(['t0100', 't0101', 't0102', 't0103'].map((t) => fresh.getImageSummary(t)));
    expect(concurrent.every((s) => s.digest === manyTags.digest)).toBe(true);
    expect(log.requests.filter((r) => r.includes('/blobs/'))).toHaveLength(1);
  });

  it('every caller gets its own copy', async () => {
    const client = pool.open(anonymous.host).withSegment(ociImage.repository);
    const a = await client.getImageSummary(ociImage.tag);
    a.platforms.length = 0;
    a.size = 0;
    const b = await client.getImageSummary(ociImage.tag);
    expect(b.platforms).toHaveLength(1);
    expect(b.size).toBeGreaterThan(0);
  });

  it('a tag that does not exist, and a repository that does not', async () => {
    const client = pool.open(anonymous.host);
    await expect(client.withSegment(ociImage.repository).getImageSummary('no-such-tag')).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(client.withSegment('lading/no-such-repository').getImageSummary('v1')).rejects.toBeInstanceOf(RepositoryNotFoundError);
  });

  it(`refuses an index of more than ${MAX_SUMMARY_IMAGES} images, naming the bound, before reading any of them`, async () => {
    await copyFixture(deleteOn, `${ociImage.repository}:${ociImage.tag}`, 'huge/index:one');
    const child = await skopeoRawManifest(`${deleteOn.registry.host}/huge/index:one`);
    const entry = { mediaType: MediaType.ociManifest, digest: sha256Digest(child), size: child.length };
    const manifests = Array.from({ length: MAX_SUMMARY_IMAGES + 1 }, (_, i) => ({
      ...entry,
      platform: { os: 'linux', architecture: `arch${i}` },
    }));
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
    await putManifest(deleteOn.registry.url, 'huge/index', 'big', bytes, MediaType.ociIndex);
    const log = recordingLogger();
    const error = await pool
      .open(deleteOn.registry.host, { logger: log })
      .withSegment('huge/index')
      .getImageSummary('big')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SummaryLimitError);
    expect((error as Error).message).toContain(`lists ${MAX_SUMMARY_IMAGES + 1} images; a summary reads at most ${MAX_SUMMARY_IMAGES}`);
    expect(log.requests.filter((r) => r.includes(entry.digest))).toEqual([]);
  });

  it('an OCI layout answers as the registry does', async () => {
    const fromRegistry = await pool.open(anonymous.host).withSegment(multiarch.repository).getImageSummary(multiarch.tag);
    const fromLayout: ImageSummary = await openLayout(multiarch.layoutDir).getImageSummary(multiarch.tag);
    expect(fromLayout).toEqual(fromRegistry);
  });

  it('rateLimit stays undefined on a registry that reports none', async () => {
    const client = pool.open(anonymous.host);
    await client.withSegment(ociImage.repository).getImageSummary(ociImage.tag);
    expect(client.rateLimit).toBeUndefined();
  });
});

describe('confirming tags with HEADs', () => {
  it('reuses connections for HEADs one after another (undici would close one after each HEAD)', async () => {
    await copyFixture(deleteOn, `${ociImage.repository}:${ociImage.tag}`, `heads/image:${ociImage.tag}`);
    const client = pool.open(deleteOn.registry.host).withSegment('heads/image');
    const digest = await client.getDigest(ociImage.tag);
    for (let i = 0; i < 9; i++) expect(await client.getDigest(ociImage.tag)).toBe(digest);
    // distribution logs each answer with the client's address and port: a port is a connection.
    const ports = deleteOn.registry
      .grepLog(/response completed.*method=HEAD.*uri=\/v2\/heads\/image\/manifests\//)
      .map((line) => /remoteaddr="?[\d.]+:(\d+)/.exec(line)?.[1]);
    expect(ports).toHaveLength(10);
    expect(ports).not.toContain(undefined);
    // undici waits one turn of the event loop before it reuses a connection, so a
    // request sent at once may take a second one; never one per HEAD.
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });
});

describe('tagImage', () => {
  it('puts an index under a new tag byte for byte (same digest, same bytes, as skopeo reads them), by tag or by digest', async () => {
    await copyFixture(deleteOn, `${multiarch.repository}:${multiarch.tag}`, `retag/multiarch:${multiarch.tag}`);
    const client: Client = pool.open(deleteOn.registry.host).withSegment('retag/multiarch');
    const original = await skopeoRawManifest(`${deleteOn.registry.host}/retag/multiarch:${multiarch.tag}`);
    expect(await client.tagImage(multiarch.tag, 'copy')).toEqual({ digest: multiarch.digest, mediaType: MediaType.ociIndex });
    expect(await client.tagImage(multiarch.digest, 'by-digest')).toEqual({ digest: multiarch.digest, mediaType: MediaType.ociIndex });
    for (const tag of ['copy', 'by-digest']) {
      expect(await skopeoRawManifest(`${deleteOn.registry.host}/retag/multiarch:${tag}`)).toEqual(original);
    }
    expect((await skopeoListTags(deleteOn.registry.host, 'retag/multiarch')).sort()).toEqual(['by-digest', 'copy', multiarch.tag].sort());
  });

  it('refuses a digest as the new tag, and a source that does not exist, writing nothing', async () => {
    const client = pool.open(deleteOn.registry.host).withSegment('retag/multiarch');
    await expect(client.tagImage(multiarch.tag, multiarch.digest)).rejects.toBeInstanceOf(InvalidReferenceError);
    await expect(client.tagImage('no-such-tag', 'never')).rejects.toBeInstanceOf(ImageNotFoundError);
    expect(await skopeoListTags(deleteOn.registry.host, 'retag/multiarch')).not.toContain('never');
  });
});

describe('deleteImage, deletion enabled', () => {
  const repo = 'delete/on';

  beforeAll(async () => {
    await copyFixture(deleteOn, `${multiarch.repository}:${multiarch.tag}`, `${repo}:a`);
    await copyFixture(deleteOn, `${ociImage.repository}:${ociImage.tag}`, `${repo}:b`);
    const client = pool.open(deleteOn.registry.host).withSegment(repo);
    await client.tagImage('a', 'a-alias');
    await client.tagImage('b', 'b-alias');
    await client.tagImage('b', 'b-other');
  }, 60_000);

  it('a tag: distribution refuses (400 DIGEST_INVALID) and says what is possible, deleting nothing', async () => {
    const error = await pool
      .open(deleteOn.registry.host)
      .withSegment(repo)
      .deleteImage('a')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteNotSupportedError);
    expect(error).toMatchObject({ refused: 'tag', digest: multiarch.digest, status: 400, codes: ['DIGEST_INVALID'] });
    expect((error as Error).message).toContain(
      `does not delete tags (it answered 400 DIGEST_INVALID): it deletes manifests by digest only. Deleting ${multiarch.digest} removes the image and every tag pointing at it`,
    );
    expect((await skopeoListTags(deleteOn.registry.host, repo)).sort()).toEqual(['a', 'a-alias', 'b', 'b-alias', 'b-other']);
  });

  it('a tag with untagWithPlaceholder: only that tag goes; the image and its other tags stay', async () => {
    const client = pool.open(deleteOn.registry.host).withSegment(repo);
    expect(await client.deleteImage('b-other', { untagWithPlaceholder: true })).toEqual({
      deleted: 'tag',
      method: 'placeholder',
      digest: ociImage.digest,
    });
    expect((await skopeoListTags(deleteOn.registry.host, repo)).sort()).toEqual(['a', 'a-alias', 'b', 'b-alias']);
    expect(await skopeoDigest(`${deleteOn.registry.host}/${repo}:b`)).toBe(ociImage.digest);
  });

  it('a digest: the manifest goes, and every tag pointing at it with it', async () => {
    const client = pool.open(deleteOn.registry.host).withSegment(repo);
    expect(await client.deleteImage(multiarch.digest)).toEqual({ deleted: 'manifest', method: 'digest', digest: multiarch.digest });
    expect((await skopeoListTags(deleteOn.registry.host, repo)).sort()).toEqual(['b', 'b-alias']);
    await expect(client.getImageSummary(multiarch.digest)).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(client.deleteImage(multiarch.digest)).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('a tag that does not exist is not found, not "not supported"', async () => {
    const client = pool.open(deleteOn.registry.host).withSegment(repo);
    const error = await client.deleteImage('no-such-tag').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect((error as Error).message).toContain(`Not found: image ${deleteOn.registry.host}/${repo}:no-such-tag`);
    await expect(client.deleteImage(`sha256:${'0'.repeat(64)}`)).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('behind token auth, asks for the delete action', async () => {
    let tokenServer: RunningTokenServer | undefined;
    let registry: RunningRegistry | undefined;
    try {
      tokenServer = await startTokenServer({
        keyPair: { keyPath: lading.tokenServer.keyPath, certPath: lading.tokenServer.certPath },
        users: { [bob.username]: bob.password },
      });
      registry = await startRegistry({ auth: 'token', rootDirectory: join(workDir, 'token-storage'), tokenServer });
      await skopeoCopy(`${anonymous.host}/${ociImage.repository}:${ociImage.tag}`, `${registry.host}/secured/app:v1`, { destCreds: bob });
      const client = pool.open(registry.host, { auth: bob }).withSegment('secured/app');
      tokenServer.resetRequests();
      expect(await client.deleteImage(ociImage.digest)).toMatchObject({ deleted: 'manifest' });
      expect(tokenServer.requests.flatMap((r) => r.scopes)).toContain('repository:secured/app:delete');
      expect(await skopeoListTags(registry.host, 'secured/app', bob)).toEqual([]);
    } finally {
      await registry?.stop();
      await tokenServer?.stop();
    }
  });
});

describe('deleteImage, deletion disabled (405 UNSUPPORTED)', () => {
  const repo = 'delete/off';

  beforeAll(async () => {
    await copyFixture(deleteOff, `${ociImage.repository}:${ociImage.tag}`, `${repo}:v1`);
  }, 60_000);

  it('a digest: refused, saying deletion is turned off and who can turn it on; nothing deleted', async () => {
    const error = await pool
      .open(deleteOff.registry.host)
      .withSegment(repo)
      .deleteImage(ociImage.digest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteNotSupportedError);
    expect(error).toMatchObject({ refused: 'disabled', status: 405, codes: ['UNSUPPORTED'] });
    expect((error as Error).message).toContain(
      'deletion is turned off there. Its operator can turn it on (distribution: storage.delete.enabled: true)',
    );
    expect(await skopeoDigest(`${deleteOff.registry.host}/${repo}:v1`)).toBe(ociImage.digest);
  });

  it('a tag: refused, saying the registry may delete nothing at all', async () => {
    const error = await pool
      .open(deleteOff.registry.host)
      .withSegment(repo)
      .deleteImage('v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteNotSupportedError);
    expect(error).toMatchObject({ refused: 'tag', digest: ociImage.digest });
    expect((error as Error).message).toContain('(or nothing at all: it answers the same when deletion is turned off)');
  });

  it('a tag with untagWithPlaceholder: the placeholder cannot be deleted, so the tag is put back as it was', async () => {
    const client = pool.open(deleteOff.registry.host).withSegment(repo);
    const error = await client.deleteImage('v1', { untagWithPlaceholder: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteNotSupportedError);
    expect((error as Error).message).toContain('The tag "v1" was put back as it was');
    expect(await skopeoDigest(`${deleteOff.registry.host}/${repo}:v1`)).toBe(ociImage.digest);
    expect(await skopeoListTags(deleteOff.registry.host, repo)).toEqual(['v1']);
  });
});

describe('an OCI layout', () => {
  it('takes a new tag in index.json and refuses deletes', async () => {
    const dir = join(workDir, 'layout');
    await cp(multiarch.layoutDir, dir, { recursive: true });
    const layout = openLayout(dir);
    expect(await layout.tagImage(multiarch.tag, 'again')).toEqual({ digest: multiarch.digest, mediaType: MediaType.ociIndex });
    expect(await skopeoDigest(`oci:${dir}:again`)).toBe(multiarch.digest);
    const error = await layout.deleteImage('again').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteNotSupportedError);
    expect(await layout.listTags()).toEqual(['again', multiarch.tag].sort());
  });
});
