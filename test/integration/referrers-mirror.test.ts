/**
 * mirror() with `referrers: true`, from the harness's referrers fixtures
 * (laid out as oras, cosign and BuildKit lay them out) to registries of this
 * file's own:
 * - a real distribution 2.8 (no Referrers API): the target answers
 *   listReferrers with the same set, through its tag-schema index and
 *   cosign's tags; a second mirror writes no duplicate; what the target had
 *   attached already (an SBOM in its tag schema, a signature under `.sig`, its
 *   own `.sbom`) is kept, signatures merged as cosign merges them;
 * - the same distribution behind a stand-in that adds the Referrers API
 *   (test/harness/referrers-api-proxy.ts: distribution 2.8 has no API, and
 *   no real registry that has one runs here): a manifest with `subject` is
 *   then listed by the API, and the tag schema is written only for what the
 *   API cannot list.
 * skopeo reads the target's tags from the outside.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ReferrersLimitError,
  mirror,
  mirrorRepository,
  verifyCosignSignature,
  type Client,
  type Referrer,
} from '../../src-main/registry/index';
import { sha256Digest } from '../harness/digest.js';
import type { ImageIndex } from '../harness/images.js';
import { startReferrersApiProxy, type ReferrersApiProxy } from '../harness/referrers-api-proxy.js';
import { pushBlob, putManifest } from '../harness/registry-http.js';
import { sign } from '../harness/signing.js';
import { skopeoDigest, skopeoListTags, skopeoRawManifest } from '../harness/skopeo.js';
import { makeTempDir } from '../harness/tmp.js';
import { ClientPool, startIsolatedRegistry, type IsolatedRegistry } from './registry-support.js';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { referrers: fx, multiarch } = lading.fixtures;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const pool = new ClientPool();
let workDir: string;
let target: IsolatedRegistry;
let apiTarget: IsolatedRegistry;
let proxy: ReferrersApiProxy;
let source: Client;

beforeAll(async () => {
  workDir = await makeTempDir('lading-it-referrers-mirror-');
  [target, apiTarget] = await Promise.all([startIsolatedRegistry(workDir, 'plain'), startIsolatedRegistry(workDir, 'api')]);
  proxy = await startReferrersApiProxy(apiTarget.registry.url);
  source = pool.open(anonymous.host).withSegment(fx.repository);
});
afterAll(async () => {
  await pool.closeAll();
  await proxy?.close();
  await Promise.all([target?.registry.stop(), apiTarget?.registry.stop()]);
  await rm(workDir, { recursive: true, force: true });
});

/** What listReferrers says, in a form two registries can agree on (where each was found may differ). */
const shape = (list: Referrer[]) => list.map((r) => [r.descriptor.digest, r.kind, r.tag ?? '', r.describes].join(' ')).sort();

const rawIndex = async (ref: string) => JSON.parse((await skopeoRawManifest(ref)).toString('utf8')) as ImageIndex;

describe('to a registry without the Referrers API', () => {
  const repository = 'copy/referrers';
  let to: Client;
  beforeAll(() => {
    to = pool.open(target.registry.host).withSegment(repository);
  });

  it('copies everything attached, recursively: the target lists the same referrers, and the signatures verify there', async () => {
    const result = await mirror(source, fx.signed.tag, to, 'v1', { referrers: true });
    expect(result.digest).toBe(fx.signed.digest);
    expect(result.referrers?.map((r) => [r.digest, r.kind, r.artifactType, r.outcome]).sort()).toEqual(
      [
        [fx.sbomArtifact.digest, 'sbom', 'application/spdx+json', 'copied'],
        [fx.sig.digest, 'signature', 'application/vnd.oci.image.config.v1+json', 'copied'],
        [fx.att.digest, 'attestation', 'application/vnd.oci.image.config.v1+json', 'copied'],
        [fx.sbom.digest, 'sbom', 'application/vnd.oci.image.config.v1+json', 'copied'],
        [fx.sbomSignature.digest, 'signature', 'application/vnd.oci.image.config.v1+json', 'copied'],
      ].sort(),
    );
    expect(result.referrerNotes).toEqual([]);

    expect(shape(await to.listReferrers(fx.signed.digest))).toEqual(shape(await source.listReferrers(fx.signed.digest)));
    // The referrer of a referrer came too.
    expect(shape(await to.listReferrers(fx.sbomArtifact.digest))).toEqual(shape(await source.listReferrers(fx.sbomArtifact.digest)));
    // From the outside: the same tags, the same tag-schema index.
    const tags = await skopeoListTags(target.registry.host, repository);
    expect(tags.sort()).toEqual(['v1', fx.tagSchema.tag, fx.sig.tag, fx.att.tag, fx.sbom.tag, fx.sbomSignature.tag].sort());
    const index = await rawIndex(`${target.registry.host}/${repository}:${fx.tagSchema.tag}`);
    expect(index.manifests).toEqual((await rawIndex(`${anonymous.host}/${fx.repository}:${fx.tagSchema.tag}`)).manifests);
    const checks = await verifyCosignSignature(to, fx.signed.digest, { publicKey: fx.keys.ecdsa });
    expect(checks.map((c) => c.verified)).toEqual([true, false, false]);
  });

  it('mirroring twice adds no duplicate: the tag-schema index and the cosign tags stay byte for byte', async () => {
    const where = (tag: string) => `${target.registry.host}/${repository}:${tag}`;
    const before = await Promise.all([fx.tagSchema.tag, fx.sig.tag, fx.att.tag].map((t) => skopeoDigest(where(t))));
    const result = await mirror(source, fx.signed.tag, to, 'v1', { referrers: true });
    expect(result.referrers).toHaveLength(5);
    expect(await Promise.all([fx.tagSchema.tag, fx.sig.tag, fx.att.tag].map((t) => skopeoDigest(where(t))))).toEqual(before);
    expect((await rawIndex(where(fx.tagSchema.tag))).manifests.map((m) => m.digest)).toEqual([fx.sbomArtifact.digest]);
  });

  it('a loop (a referrer whose tag-schema index lists the image back) is copied both ways and ends', async () => {
    const loop = pool.open(target.registry.host).withSegment('copy/loop');
    const result = await mirror(source, fx.loop.tag, loop, 'loop', { referrers: true });
    expect(result.referrers?.map((r) => r.digest)).toEqual([fx.loop.artifact]);
    expect(shape(await loop.listReferrers(fx.loop.digest))).toEqual(shape(await source.listReferrers(fx.loop.digest)));
    expect(shape(await loop.listReferrers(fx.loop.artifact))).toEqual(shape(await source.listReferrers(fx.loop.artifact)));
  });

  it('mirrorRepository with referrers: each copied tag brings what is attached to it', async () => {
    const into = pool.open(target.registry.host).withSegment('copy/repository');
    const result = await mirrorRepository(source, into, { tags: [fx.signed.tag], referrers: true });
    expect(result.copied).toEqual([fx.signed.tag]);
    expect(result.failed).toEqual([]);
    expect(shape(await into.listReferrers(fx.signed.digest))).toEqual(shape(await source.listReferrers(fx.signed.digest)));
    const checks = await verifyCosignSignature(into, fx.signed.digest, { publicKey: fx.keys.ecdsa });
    expect(checks.map((c) => c.verified)).toEqual([true, false, false]);
  });

  it('a depth limit the referrers pass fails before anything is written', async () => {
    const limited = pool.open(target.registry.host).withSegment('copy/limited');
    const err = await mirror(source, fx.signed.tag, limited, 'v1', { referrers: true, referrerDepth: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReferrersLimitError);
    await expect(skopeoListTags(target.registry.host, 'copy/limited')).rejects.toThrow();
  });

  it("an index: BuildKit's attestations come inside it; a subset of platforms keeps only theirs", async () => {
    const from = pool.open(anonymous.host).withSegment(multiarch.repository);
    const into = pool.open(target.registry.host).withSegment('copy/multiarch');
    const attestations = multiarch.manifests.filter((m) => m.attestation);
    const whole = await mirror(from, multiarch.tag, into, 'all', { referrers: true });
    expect(whole.referrers?.map((r) => [r.digest, r.kind, r.outcome])).toEqual(
      attestations.map((a) => [a.digest, 'attestation', 'in-index']),
    );
    expect(shape(await into.listReferrers(multiarch.digest))).toEqual(shape(await from.listReferrers(multiarch.digest)));
    const amd64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'amd64')!;
    const subset = await mirror(from, multiarch.tag, into, 'amd64', { referrers: true, platforms: ['linux/amd64'] });
    expect(subset.rewritten).toBe(true);
    expect(subset.referrers?.map((r) => r.describes)).toEqual([amd64.digest]);
  });
});

describe('a target that has referrers of its own', () => {
  const repository = 'kept/referrers';
  let to: Client;
  let ownSbom: string;
  let ownSbomTag: string;
  let ownSignatureLayer: string;

  /** Writes to the target as another tool would: blobs, then a manifest under `reference`. */
  async function put(doc: object, reference?: string): Promise<{ mediaType: string; digest: string; size: number }> {
    const bytes = Buffer.from(JSON.stringify(doc));
    const digest = sha256Digest(bytes);
    const mediaType = (doc as { mediaType: string }).mediaType;
    await putManifest(target.registry.url, repository, reference ?? digest, bytes, mediaType);
    return { mediaType, digest, size: bytes.length };
  }
  const blob = async (bytes: Buffer, mediaType: string, annotations?: Record<string, string>) => ({
    mediaType,
    digest: await pushBlob(target.registry.url, repository, bytes),
    size: bytes.length,
    ...(annotations ? { annotations } : {}),
  });

  async function cosignManifest(layers: object[], tag: string) {
    const config = Buffer.from(
      JSON.stringify({
        architecture: '',
        os: '',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => (l as { digest: string }).digest) },
        config: {},
        history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      }),
    );
    return put(
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config: await blob(config, 'application/vnd.oci.image.config.v1+json'), layers },
      tag,
    );
  }

  beforeAll(async () => {
    to = pool.open(target.registry.host).withSegment(repository);
    // The image first, without what is attached; then what another tool attached on the target.
    await mirror(source, fx.signed.tag, to, 'v1');
    const empty = await blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    const document = await blob(
      Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] })),
      'application/vnd.cyclonedx+json',
    );
    const artifact = await put({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.cyclonedx+json',
      config: empty,
      layers: [document],
      subject: { mediaType: OCI_MANIFEST, digest: fx.signed.digest, size: 0 },
    });
    ownSbom = artifact.digest;
    await put(
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...artifact, artifactType: 'application/vnd.cyclonedx+json' }] },
      fx.tagSchema.tag,
    );
    // A signature by the RSA key of a payload with a claim of its own: a layer the source does not have.
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `${target.registry.host}/${repository}` },
          image: { 'docker-manifest-digest': fx.signed.digest },
          type: 'cosign container image signature',
        },
        optional: { signedBy: 'the target team' },
      }),
    );
    const signature = await sign({ keyPath: fx.privateKeyPaths.rsa, publicPem: fx.keys.rsa }, payload);
    const layer = await blob(payload, 'application/vnd.dev.cosign.simplesigning.v1+json', {
      'dev.cosignproject.cosign/signature': signature.toString('base64'),
    });
    ownSignatureLayer = layer.digest;
    await cosignManifest([layer], fx.sig.tag);
    ownSbomTag = (await cosignManifest([document], fx.sbom.tag)).digest;
  });

  it("keeps them: its tag-schema entry, its signature (merged with the source's, as cosign merges), its own .sbom; and says so", async () => {
    const result = await mirror(source, fx.signed.tag, to, 'v1', { referrers: true });
    const outcome = Object.fromEntries(result.referrers!.map((r) => [r.digest, r.outcome]));
    expect(outcome).toMatchObject({
      [fx.sbomArtifact.digest]: 'copied',
      [fx.sig.digest]: 'merged',
      [fx.att.digest]: 'copied',
      [fx.sbom.digest]: 'kept-target',
    });
    expect(result.referrerNotes).toHaveLength(2);
    expect(result.referrerNotes).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${fx.sig.tag} already held 1 signature of its own: the source's 3 were added to them`),
        expect.stringContaining(`${fx.sbom.tag} already holds another SBOM (${ownSbomTag}); it was left as it is`),
      ]),
    );

    const where = (tag: string) => `${target.registry.host}/${repository}:${tag}`;
    expect((await rawIndex(where(fx.tagSchema.tag))).manifests.map((m) => m.digest)).toEqual([ownSbom, fx.sbomArtifact.digest]);
    const sig = JSON.parse((await skopeoRawManifest(where(fx.sig.tag))).toString('utf8')) as { layers: { digest: string }[] };
    expect(sig.layers.map((l) => l.digest)).toEqual([ownSignatureLayer, fx.sig.layers.ecdsa, fx.sig.layers.rsa, fx.sig.layers.keyless]);
    expect(await skopeoDigest(where(fx.sbom.tag))).toBe(ownSbomTag);
    // Both RSA signatures verify: the target's own and the source's.
    const rsa = await verifyCosignSignature(to, fx.signed.digest, { publicKey: fx.keys.rsa });
    expect(rsa.filter((c) => c.verified).map((c) => c.layer.digest)).toEqual([ownSignatureLayer, fx.sig.layers.rsa]);
    const found = (await to.listReferrers(fx.signed.digest)).map((r) => r.descriptor.digest);
    expect(found).toEqual(expect.arrayContaining([ownSbom, fx.sbomArtifact.digest, fx.att.digest, ownSbomTag]));
  });

  it('a second mirror merges nothing twice', async () => {
    const where = (tag: string) => `${target.registry.host}/${repository}:${tag}`;
    const before = await Promise.all([fx.tagSchema.tag, fx.sig.tag].map((t) => skopeoDigest(where(t))));
    const result = await mirror(source, fx.signed.tag, to, 'v1', { referrers: true });
    expect(result.referrerNotes).toEqual([expect.stringContaining(`${fx.sbom.tag} already holds another SBOM`)]);
    expect(await Promise.all([fx.tagSchema.tag, fx.sig.tag].map((t) => skopeoDigest(where(t))))).toEqual(before);
  });
});

describe('to a registry with the Referrers API (stand-in: distribution 2.8 has none)', () => {
  it('a manifest with subject is listed by the API; the tag schema only for what the API cannot list; cosign tags as tags', async () => {
    const to = pool.open(proxy.host).withSegment('api/referrers');
    const result = await mirror(source, fx.signed.tag, to, 'v1', { referrers: true });
    expect(result.referrers).toHaveLength(5);
    const found = await to.listReferrers(fx.signed.digest);
    expect(shape(found)).toEqual(shape(await source.listReferrers(fx.signed.digest)));
    expect(found.find((r) => r.descriptor.digest === fx.sbomArtifact.digest)?.sources).toEqual(['api']);
    const tags = await skopeoListTags(apiTarget.registry.host, 'api/referrers');
    expect(tags).not.toContain(fx.tagSchema.tag);
    expect(tags).toEqual(expect.arrayContaining([fx.sig.tag, fx.att.tag, fx.sbom.tag, fx.sbomSignature.tag]));

    // The loop: the artifact names its subject (the API lists it); the image listed back does not (the tag schema must).
    const loop = pool.open(proxy.host).withSegment('api/loop');
    await mirror(source, fx.loop.tag, loop, 'loop', { referrers: true });
    const loopTags = await skopeoListTags(apiTarget.registry.host, 'api/loop');
    expect(loopTags.sort()).toEqual(['loop', fx.loop.artifact.replace(':', '-')]);
    expect(shape(await loop.listReferrers(fx.loop.digest))).toEqual(shape(await source.listReferrers(fx.loop.digest)));
    expect(shape(await loop.listReferrers(fx.loop.artifact))).toEqual(shape(await source.listReferrers(fx.loop.artifact)));
  });
});
