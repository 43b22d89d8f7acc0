/**
 * Creates every fixture in one registry (the anonymous one; the others share
 * its storage) and reads back what a test should expect: digests as skopeo
 * sees them, tag and repository lists as the registry's own paginated API
 * gives them. Each expectation is cross-checked against the bytes we built,
 * so a broken fixture fails the setup instead of confusing a test.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from './concurrency.js';
import { sha256Digest } from './digest.js';
import { pushDatedImages } from './dated-images.js';
import {
  DATED,
  DATED_TAGS,
  DOCKER_IMAGE,
  MANY_TAGS,
  MANY_TAGS_REPOSITORY,
  MULTIARCH,
  NESTED_REPOSITORIES,
  NESTED_TAG,
  OCI_IMAGE,
  TRICKY_REPOSITORIES,
  ZSTD_IMAGE,
} from './fixture-names.js';
import { MULTIARCH_PLATFORMS, SINGLE_IMAGE_SPEC, SMALL_IMAGE_SPEC } from './fixture-specs.js';
import {
  ATTESTATION_MANIFEST,
  ATTESTATION_REFERENCE_TYPE,
  buildImageLayout,
  buildIndexLayout,
  pushLayout,
  type BuiltImageLayout,
  type BuiltIndexLayout,
  type ImageIndex,
  type ImageManifest,
} from './images.js';
import type { ImageFixture, IndexFixture, LadingFixtures, RepositoriesFixture, TagListFixture } from './lading-info.js';
import { ALL_MANIFEST_TYPES } from './media-types.js';
import { headManifest, listAllTags, listCatalog, mountBlob, putManifest } from './registry-http.js';
import { skopeoCopy, skopeoRawManifest } from './skopeo.js';
import { timed } from './timing.js';
import { createReferrerFixtures } from './referrer-fixtures.js';
import { createSigningKeys } from './signing.js';

export * from './fixture-names.js';

/** Parallel HTTP requests for the bulk fixtures; loopback registries cope well with this. */
const CONCURRENCY = 16;

export interface FixtureTarget {
  host: string;
  url: string;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`fixture check failed: ${message}`);
}

/** Reads the manifest back as skopeo sees it and checks the registry agrees on its digest. */
async function served(
  target: FixtureTarget,
  repository: string,
  tag: string,
): Promise<{ bytes: Buffer; digest: string; mediaType: string }> {
  const bytes = await skopeoRawManifest(`${target.host}/${repository}:${tag}`);
  const digest = sha256Digest(bytes);
  const head = await headManifest(target.url, repository, tag, ALL_MANIFEST_TYPES);
  check(head.digest === digest, `${repository}:${tag}: registry says ${String(head.digest)}, skopeo bytes hash to ${digest}`);
  const mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType: string }).mediaType;
  return { bytes, digest, mediaType };
}

async function imageFixture(
  target: FixtureTarget,
  name: { repository: string; tag: string },
  layout: BuiltImageLayout,
  expectSameBytes: boolean,
): Promise<ImageFixture> {
  const { bytes, digest, mediaType } = await served(target, name.repository, name.tag);
  const manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest;
  const built = layout.image;
  if (expectSameBytes) check(digest === built.descriptor.digest, `${name.repository}: pushed bytes changed`);
  check(manifest.layers.length === built.layers.length, `${name.repository}: layer count`);
  return {
    repository: name.repository,
    tag: name.tag,
    reference: `${name.repository}:${name.tag}`,
    digest,
    mediaType,
    size: bytes.length,
    configDigest: manifest.config.digest,
    configMediaType: manifest.config.mediaType,
    layers: manifest.layers.map((l, i) => ({
      digest: l.digest,
      size: l.size,
      mediaType: l.mediaType,
      diffId: built.layers[i]?.diffId ?? '',
    })),
    platform: built.platform,
    layoutDir: layout.dir,
  };
}

async function indexFixture(target: FixtureTarget, layout: BuiltIndexLayout): Promise<IndexFixture> {
  const { bytes, digest, mediaType } = await served(target, MULTIARCH.repository, MULTIARCH.tag);
  check(digest === layout.descriptor.digest, `${MULTIARCH.repository}: pushed index bytes changed`);
  const index = JSON.parse(bytes.toString('utf8')) as ImageIndex;
  const configs = new Map(layout.images.map((i) => [i.descriptor.digest, i.configDescriptor.digest]));
  return {
    repository: MULTIARCH.repository,
    tag: MULTIARCH.tag,
    reference: `${MULTIARCH.repository}:${MULTIARCH.tag}`,
    digest,
    mediaType,
    size: bytes.length,
    manifests: index.manifests.map((m) => {
      const configDigest = configs.get(m.digest);
      return {
        digest: m.digest,
        mediaType: m.mediaType,
        size: m.size,
        platform: m.platform ?? { architecture: 'unknown', os: 'unknown' },
        attestation: m.annotations?.[ATTESTATION_REFERENCE_TYPE] === ATTESTATION_MANIFEST,
        ...(configDigest ? { configDigest } : {}),
      };
    }),
    layoutDir: layout.dir,
  };
}

/** PUTs the same manifest bytes under every tag of MANY_TAGS (the first one skopeo pushed). */
async function createManyTags(target: FixtureTarget, small: BuiltImageLayout): Promise<void> {
  const { manifestBytes, manifest } = small.image;
  await mapLimit(
    MANY_TAGS.filter((t) => t !== small.tag),
    CONCURRENCY,
    (tag) => putManifest(target.url, MANY_TAGS_REPOSITORY, tag, manifestBytes, manifest.mediaType),
  );
}

/** Each nested repository: mount config and layer from many-tags, then PUT the manifest. */
async function createNestedRepositories(target: FixtureTarget, small: BuiltImageLayout): Promise<void> {
  const { manifestBytes, manifest } = small.image;
  const blobs = [manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
  await mapLimit(NESTED_REPOSITORIES, CONCURRENCY, async (repo) => {
    for (const digest of blobs) {
      const status = await mountBlob(target.url, repo, digest, MANY_TAGS_REPOSITORY);
      check(status === 201, `mount ${digest} into ${repo} answered ${status}, expected 201`);
    }
    await putManifest(target.url, repo, NESTED_TAG, manifestBytes, manifest.mediaType);
  });
}

function byteSorted(names: readonly string[]): string[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Builds, pushes and verifies every fixture in `target` (an anonymous registry). */
export async function createFixtures(target: FixtureTarget, workDir: string): Promise<LadingFixtures> {
  // openssl key generation runs beside the layout builds; the referrer fixtures need both.
  const keys = timed('signing keys', () => mkdir(join(workDir, 'signing')).then(() => createSigningKeys(join(workDir, 'signing'))));
  keys.catch(() => undefined);
  const [single, multi, small] = await timed('build layouts', () =>
    Promise.all([
      buildImageLayout(join(workDir, 'layouts', 'oci-image'), SINGLE_IMAGE_SPEC, OCI_IMAGE.tag),
      buildIndexLayout(join(workDir, 'layouts', 'multiarch'), MULTIARCH_PLATFORMS, { tag: MULTIARCH.tag }),
      buildImageLayout(join(workDir, 'layouts', 'small'), SMALL_IMAGE_SPEC, MANY_TAGS[0] ?? 't0000'),
    ]),
  );

  // skopeo's blob cache could swap the gzip blobs back in on a push that may change them;
  // recompressing layout to layout, then pushing with --preserve-digests, cannot.
  const zstd: BuiltImageLayout = { ...single, dir: join(workDir, 'layouts', 'zstd-image') };
  await timed('zstd layout', () =>
    skopeoCopy(`oci:${single.dir}:${single.tag}`, `oci:${zstd.dir}:${zstd.tag}`, { compressFormat: 'zstd' }),
  );

  await timed('skopeo push', () =>
    Promise.all([
      pushLayout(zstd, `${target.host}/${ZSTD_IMAGE.repository}:${ZSTD_IMAGE.tag}`),
      pushLayout(single, `${target.host}/${OCI_IMAGE.repository}:${OCI_IMAGE.tag}`),
      pushLayout(single, `${target.host}/${DOCKER_IMAGE.repository}:${DOCKER_IMAGE.tag}`, { format: 'v2s2' }),
      pushLayout(multi, `${target.host}/${MULTIARCH.repository}:${MULTIARCH.tag}`, { all: true }),
      pushLayout(small, `${target.host}/${MANY_TAGS_REPOSITORY}:${small.tag}`),
    ]),
  );

  const [, , referrers, datedImages] = await Promise.all([
    timed('many tags', () => createManyTags(target, small)),
    timed('nested repositories', () => createNestedRepositories(target, small)),
    timed('referrers', async () => createReferrerFixtures(target, small, await keys)),
    timed('dated images', () => pushDatedImages(target.url, DATED.repository, { tags: DATED_TAGS, concurrency: CONCURRENCY })),
  ]);

  const [ociImage, dockerImage, zstdImage, multiarch, manyTagsServed, tags, catalog] = await timed('read back', () =>
    Promise.all([
      imageFixture(target, OCI_IMAGE, single, true),
      imageFixture(target, DOCKER_IMAGE, single, false),
      imageFixture(target, ZSTD_IMAGE, zstd, false),
      indexFixture(target, multi),
      served(target, MANY_TAGS_REPOSITORY, small.tag),
      listAllTags(target.url, MANY_TAGS_REPOSITORY, { pageSize: 1000 }),
      // Small pages on purpose: the expected catalog must come through pagination.
      listCatalog(target.url, { pageSize: 100 }),
    ]),
  );

  check(
    zstdImage.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd'),
    'zstd-image: skopeo did not write zstd layers',
  );
  check(manyTagsServed.digest === small.image.descriptor.digest, 'many-tags manifest bytes changed');
  check(tags.length === MANY_TAGS.length, `many-tags lists ${tags.length} tags, expected ${MANY_TAGS.length}`);
  const listed = new Set(catalog);
  const missing = NESTED_REPOSITORIES.filter((r) => !listed.has(r));
  check(missing.length === 0, `catalog lacks ${missing.slice(0, 5).join(', ')}`);

  const manyTags: TagListFixture = {
    repository: MANY_TAGS_REPOSITORY,
    digest: manyTagsServed.digest,
    mediaType: manyTagsServed.mediaType,
    // distribution 2.8 lists tags unsorted, in one page (it ignores n and last).
    tags: byteSorted(tags),
  };
  const repositories: RepositoriesFixture = {
    tag: NESTED_TAG,
    digest: small.image.descriptor.digest,
    created: byteSorted(NESTED_REPOSITORIES),
    tricky: [...TRICKY_REPOSITORIES],
    catalog,
  };
  return {
    ociImage,
    dockerImage,
    zstdImage,
    multiarch,
    manyTags,
    repositories,
    referrers,
    dated: { repository: DATED.repository, images: datedImages },
  };
}
