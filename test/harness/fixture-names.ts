/**
 * Names of every fixture, shared by the setup that creates them and the tests
 * that read them. Plain data: importing this file starts nothing.
 */

export const OCI_IMAGE = { repository: 'lading/oci-image', tag: 'v1' } as const;
export const DOCKER_IMAGE = { repository: 'lading/docker-image', tag: 'v1' } as const;
export const MULTIARCH = { repository: 'lading/multiarch', tag: 'v1' } as const;
/** OCI_IMAGE's layers recompressed with zstd by skopeo (same diff IDs, new layer digests). */
export const ZSTD_IMAGE = { repository: 'lading/zstd-image', tag: 'v1' } as const;
export const MANY_TAGS_REPOSITORY = 'lading/many-tags';
/** Images with signatures, SBOMs and attestations attached (see referrer-fixtures.ts). */
export const REFERRERS = { repository: 'lading/referrers', signedTag: 'v1', badTag: 'bad', loopTag: 'loop' } as const;
/** The tag of the manifest in every nested repository. */
export const NESTED_TAG = 'v1';

/** Tags that sort and parse in interesting ways next to the t#### run. */
export const SEMVER_TAGS: readonly string[] = [
  '1.0',
  '1.0.1',
  '1.10.0',
  '1.2.0',
  '1.9.9',
  'latest',
  'stable',
  'v0.0.1-alpha',
  'v1.0.0',
  'v1.2.3',
  'v1.2.3_build.5',
  'v1.10.0',
  'v2.0.0-rc.1',
  'v2.0.0-rc.10',
  'sha-0123abc',
  'T9999',
  'z_last',
];

export const MANY_TAGS_COUNT = 2600;

/**
 * 1,200 small images, each with a config of its own (they differ by `created`), under
 * `build-1` … `build-1200`: natural order is not byte order, and neither is date order.
 */
export const DATED = { repository: 'lading/dated', count: 1200 } as const;
export const DATED_TAGS: readonly string[] = Array.from({ length: DATED.count }, (_, i) => `build-${i + 1}`);

/** t0000..t2599 followed by the semver-like tags (2,617 in all). */
export const MANY_TAGS: readonly string[] = [
  ...Array.from({ length: MANY_TAGS_COUNT }, (_, i) => `t${String(i).padStart(4, '0')}`),
  ...SEMVER_TAGS,
];

/**
 * Names that sit next to the `ns1` scope in byte order: '-' (0x2d) and '.'
 * (0x2e) sort before '/' (0x2f), and '0' (0x30) after it, so a scoped listing
 * that compares strings naively takes in or drops the wrong neighbours.
 */
export const TRICKY_REPOSITORIES: readonly string[] = ['ns1/x', 'ns1/sub/x', 'ns1-other/x', 'ns1.dot/x', 'ns1_u/x', 'ns10/x', 'ns1x/y'];

const deep = ['deep/a/b/c/repo', 'deep/a/b/c/d/e/f/g/repo', 'deep/a/sibling'];

/** ns1..ns9 / sub0..sub5 / repo0..repo5: 324 repositories. */
const grid = Array.from({ length: 9 }, (_, n) =>
  Array.from({ length: 6 }, (_, s) => Array.from({ length: 6 }, (_, r) => `ns${n + 1}/sub${s}/repo${r}`)),
).flat(2);

/** Every nested repository the setup creates by blob mounts (334). */
export const NESTED_REPOSITORIES: readonly string[] = [...deep, ...grid, ...TRICKY_REPOSITORIES];
