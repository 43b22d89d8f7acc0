/**
 * mirrorRepository() between real registries (distribution 2.8), checked with
 * skopeo and with the target registry's own access log:
 * - a pattern picks 3 of the 2,617 tags of lading/many-tags (the harness's
 *   repository of many tags, all one image);
 * - all 50 tags of a repository whose images share layers: each shared blob
 *   is uploaded once (counted in the target's access log), and a second run
 *   copies nothing (one manifest HEAD per tag, no upload);
 * - platforms: a multi-arch tag lands as a new index of the chosen platform,
 *   and a second run finds it there (skipped, nothing uploaded);
 * - a tag whose blob is corrupted in the source's storage fails, reported
 *   with its error, while the others land;
 * - a cancel in the middle rejects, and every tag the target then has points
 *   at an image whose every blob is there.
 * Sources and targets (but the shared many-tags source) are registries of
 * this file's own, over storage of their own, so their logs and storage are
 * this file's alone.
 */
import { writeFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DigestMismatchError,
  ImageNotFoundError,
  mirrorRepository,
  type Client,
  type MirrorRepositoryProgress,
} from '../../src-main/registry/index';
import { headManifest } from '../harness/registry-http.js';
import { ALL_MANIFEST_TYPES } from '../harness/media-types.js';
import { pushSharedLayerRepository, type SharedLayerRepository } from '../harness/shared-layer-repository.js';
import { skopeoDigest, skopeoListTags, skopeoRawManifest } from '../harness/skopeo.js';
import { makeTempDir } from '../harness/tmp.js';
import { ClientPool, blobDataPath, startIsolatedRegistry, uniqueRepository, type IsolatedRegistry } from './registry-support';

const lading = inject('lading');
const { manyTags, multiarch } = lading.fixtures;

const pool = new ClientPool();
let dir: string;
let source: IsolatedRegistry;
let target: IsolatedRegistry;
/** 50 tags sharing base/even/odd layers, each with its own top layer and config. */
let fifty: SharedLayerRepository;
const FIFTY_TAGS = Array.from({ length: 50 }, (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`);

beforeAll(async () => {
  dir = await makeTempDir('lading-it-mirror-repo-');
  [source, target] = await Promise.all([startIsolatedRegistry(dir, 'source'), startIsolatedRegistry(dir, 'target')]);
  fifty = await pushSharedLayerRepository(source.registry.url, uniqueRepository('fifty'), FIFTY_TAGS);
});

afterAll(async () => {
  await pool.closeAll();
  await Promise.all([source?.registry.stop(), target?.registry.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const repo = (host: string, repository: string): Client => pool.open(host).withSegment(repository);

/** Blob uploads the target registry logged for `repository`, by digest. */
function uploadsLogged(repository: string): Map<string, number> {
  const counts = new Map<string, number>();
  const put = new RegExp(`"PUT /v2/${repository}/blobs/uploads/[^"]*[?&]digest=(sha256(?::|%3A)[a-f0-9]{64})`, 'i');
  for (const line of target.registry.grepLog(/"PUT \/v2\//)) {
    const m = put.exec(line);
    if (m) {
      const digest = decodeURIComponent(m[1]!);
      counts.set(digest, (counts.get(digest) ?? 0) + 1);
    }
  }
  return counts;
}

/** Manifest requests the target registry logged for `repository`, as `METHOD` strings. */
function manifestRequestsLogged(repository: string): string[] {
  const re = new RegExp(`"(HEAD|GET|PUT) /v2/${repository}/manifests/`);
  return target.registry.grepLog(re).map((line) => re.exec(line)![1]!);
}

/** Every blob the tag's manifest names is on the target (HEAD 200). */
async function complete(repository: string, tag: string): Promise<boolean> {
  const manifest = JSON.parse((await skopeoRawManifest(`${target.registry.host}/${repository}:${tag}`)).toString('utf8')) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
    const res = await fetch(`${target.registry.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
    if (res.status !== 200) return false;
  }
  return true;
}

describe('mirrorRepository', () => {
  it("a pattern picks 3 of the 2,617 tags of lading/many-tags: exactly those land, with the source's digest", async () => {
    const repository = uniqueRepository('pattern');
    const events: MirrorRepositoryProgress[] = [];
    const result = await mirrorRepository(
      repo(lading.registries.anonymous.host, manyTags.repository),
      repo(target.registry.host, repository),
      {
        tags: /^t000[0-2]$/,
        onProgress: (p) => events.push(p),
      },
    );
    expect(result.copied).toEqual(['t0000', 't0001', 't0002']);
    expect(result.skipped).toEqual([]);
    expect(result.failed).toEqual([]);
    expect((await skopeoListTags(target.registry.host, repository)).sort()).toEqual(['t0000', 't0001', 't0002']);
    for (const tag of result.copied) expect(await skopeoDigest(`${target.registry.host}/${repository}:${tag}`)).toBe(manyTags.digest);
    // One image under three tags: its blobs went up once.
    expect(uploadsLogged(repository).size).toBeGreaterThan(0);
    expect([...uploadsLogged(repository).values()].every((n) => n === 1)).toBe(true);
    expect(result.blobs.uploaded).toBe(uploadsLogged(repository).size);
    expect(events.at(-1)).toMatchObject({ tagsTotal: 3, tagsDone: 3, copied: 3 });
  });

  it("all 50 tags sharing layers: each shared blob uploaded once (the target's access log); a second run copies nothing with one HEAD per tag", async () => {
    const repository = uniqueRepository('all');
    const from = repo(source.registry.host, fifty.repository);
    const to = repo(target.registry.host, repository);
    const result = await mirrorRepository(from, to, { concurrency: 4 });
    expect(result.copied).toHaveLength(50);
    expect(result.failed).toEqual([]);

    const uploads = uploadsLogged(repository);
    for (const shared of fifty.sharedLayers) expect(uploads.get(shared)).toBe(1);
    // base + even + odd, and per tag its config and top layer: every blob once, none twice.
    expect(uploads.size).toBe(3 + 2 * 50);
    expect([...uploads.values()].every((n) => n === 1)).toBe(true);
    expect(result.blobs).toMatchObject({ uploaded: 103, mounted: 0 });

    expect((await skopeoListTags(target.registry.host, repository)).sort()).toEqual([...FIFTY_TAGS].sort());
    for (const image of [fifty.images[0]!, fifty.images[25]!, fifty.images[49]!]) {
      expect(await skopeoDigest(`${target.registry.host}/${repository}:${image.tag}`)).toBe(image.digest);
    }

    const manifestsBefore = manifestRequestsLogged(repository).length;
    const again = await mirrorRepository(from, to);
    expect(again.copied).toEqual([]);
    expect(again.skipped.sort()).toEqual([...FIFTY_TAGS].sort());
    expect(again.tags.every((t) => t.digest === fifty.images.find((i) => i.tag === t.tag)!.digest)).toBe(true);
    expect(uploadsLogged(repository)).toEqual(uploads);
    const second = manifestRequestsLogged(repository).slice(manifestsBefore);
    expect(second.filter((m) => m === 'HEAD')).toHaveLength(50);
    expect(second.filter((m) => m !== 'HEAD')).toEqual([]);
  });

  it('platforms: each index lands as a new index of the chosen platform only; a second run finds it there and copies nothing', async () => {
    const repository = uniqueRepository('platforms');
    const arm64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'arm64')!;
    const amd64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'amd64')!;
    const source = repo(lading.registries.anonymous.host, multiarch.repository);
    const opts = { tags: [multiarch.tag], platforms: ['linux/arm64'] };
    const result = await mirrorRepository(source, repo(target.registry.host, repository), opts);
    expect(result.copied).toEqual([multiarch.tag]);
    expect(result.tags[0]).toMatchObject({ sourceDigest: multiarch.digest });
    expect(result.tags[0]!.digest).not.toBe(multiarch.digest);
    const index = JSON.parse((await skopeoRawManifest(`${target.registry.host}/${repository}:${multiarch.tag}`)).toString('utf8')) as {
      manifests: { digest: string }[];
    };
    const children = index.manifests.map((d) => d.digest);
    expect(children).toContain(arm64.digest);
    expect(children).not.toContain(amd64.digest);

    const again = await mirrorRepository(source, repo(target.registry.host, repository), opts);
    expect(again).toMatchObject({ copied: [], skipped: [multiarch.tag], failed: [] });
    expect(again.blobs.uploaded).toBe(0);
  });

  it('a list of tags, one of them missing at the source: the missing one fails as not found, the others land', async () => {
    const repository = uniqueRepository('list');
    const result = await mirrorRepository(repo(source.registry.host, fifty.repository), repo(target.registry.host, repository), {
      tags: ['1.0.0', 'no-such-tag', '1.4.9'],
    });
    expect(result.copied.sort()).toEqual(['1.0.0', '1.4.9']);
    expect(result.failed.map((f) => f.tag)).toEqual(['no-such-tag']);
    expect(result.failed[0]!.error).toBeInstanceOf(ImageNotFoundError);
  });

  it("a tag whose blob is corrupted in the source's storage fails with a digest error; the others land, complete", async () => {
    const sourceRepository = uniqueRepository('corrupt-src');
    const tags = ['a', 'b', 'c', 'd'];
    const built = await pushSharedLayerRepository(source.registry.url, sourceRepository, tags);
    const bad = built.images.find((i) => i.tag === 'c')!;
    const bytes = Buffer.from(bad.topLayer.blob);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(blobDataPath(source.storageRoot, bad.topLayer.digest), bytes);

    const repository = uniqueRepository('corrupt');
    const result = await mirrorRepository(repo(source.registry.host, sourceRepository), repo(target.registry.host, repository));
    expect(result.copied.sort()).toEqual(['a', 'b', 'd']);
    expect(result.failed.map((f) => f.tag)).toEqual(['c']);
    expect(result.failed[0]!.error).toBeInstanceOf(DigestMismatchError);
    expect((await skopeoListTags(target.registry.host, repository)).sort()).toEqual(['a', 'b', 'd']);
    for (const tag of ['a', 'b', 'd']) expect(await complete(repository, tag)).toBe(true);
    const head = await headManifest(target.registry.url, repository, 'c', ALL_MANIFEST_TYPES);
    expect(head.status).toBe(404);
  });

  it('a cancel in the middle rejects, and every tag on the target points at an image whose blobs are all there', async () => {
    const sourceRepository = uniqueRepository('cancel-src');
    const tags = ['t1', 't2', 't3', 't4', 't5', 't6'];
    await pushSharedLayerRepository(source.registry.url, sourceRepository, tags, { topBytes: 512 * 1024 });
    const repository = uniqueRepository('cancel');
    const controller = new AbortController();
    const reason = new DOMException('The person cancelled', 'AbortError');
    const err = await mirrorRepository(repo(source.registry.host, sourceRepository), repo(target.registry.host, repository), {
      signal: controller.signal,
      concurrency: 2,
      onProgress: (p) => {
        // After the first tag is done, in the middle of another's upload.
        if (p.copied >= 1 && p.tag.state === 'copying' && p.tag.bytesDone > 0) controller.abort(reason);
      },
    }).catch((e: unknown) => e);
    expect(err).toBe(reason);
    const landed = await skopeoListTags(target.registry.host, repository).catch(() => []);
    expect(landed.length).toBeGreaterThanOrEqual(1);
    expect(landed.length).toBeLessThan(tags.length);
    for (const tag of landed) expect(await complete(repository, tag)).toBe(true);
  });
});
