/**
 * Signatures, SBOMs and attestations on a real distribution 2.8 registry,
 * which has no Referrers API: the fixtures (test/harness/referrer-fixtures.ts)
 * are laid out as oras, cosign and BuildKit lay them out there, and signed by
 * openssl. listReferrers finds them in the tag schema, cosign's tags and the
 * index; readAttachment decodes them; verifyCosignSignature checks them; and
 * planReferrers gathers what a mirror must copy, through a loop.
 * (The Referrers API itself is tested against a stand-in: test/faults/referrers-api.test.ts.)
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AttachmentTooLargeError,
  InvalidAttachmentError,
  InvalidPublicKeyError,
  InvalidReferenceError,
  ReferrersLimitError,
  openLayout,
  planReferrers,
  readAttachment,
  verifyCosignSignature,
  type Client,
  type CosignSignaturePart,
  type InTotoPart,
  type Referrer,
  type SbomPart,
} from '../../src-main/registry/index';
import { sha256Digest } from '../harness/digest.js';
import type { ImageIndex } from '../harness/images.js';
import { BUILDKIT_PROVENANCE, CYCLONEDX_PACKAGES, GITHUB_PROVENANCE, SPDX_PACKAGES } from '../harness/referrer-specs.js';
import { pushBlob, putManifest } from '../harness/registry-http.js';
import { skopeoCopy, skopeoRawManifest } from '../harness/skopeo.js';
import { makeTempDir } from '../harness/tmp.js';
import { ClientPool, recordingLogger, startIsolatedRegistry, type IsolatedRegistry } from './registry-support.js';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { referrers: fx, multiarch } = lading.fixtures;

const pool = new ClientPool();
let repo: Client;
let workDir: string;

beforeAll(async () => {
  repo = pool.open(anonymous.host).withSegment(fx.repository);
  workDir = await makeTempDir('lading-it-referrers-');
});
afterAll(async () => {
  await pool.closeAll();
  await rm(workDir, { recursive: true, force: true });
});

const byDigest = (list: Referrer[], digest: string) => list.find((r) => r.descriptor.digest === digest);

describe('listReferrers on a registry without the Referrers API', () => {
  it('finds the SBOM artifact in the tag schema and the .sig, .att and .sbom tags, each once, with kind and place', async () => {
    const found = await repo.listReferrers(fx.signed.digest);
    expect(found.map((r) => [r.descriptor.digest, r.source, r.kind, r.tag]).sort()).toEqual(
      [
        [fx.sbomArtifact.digest, 'tag-schema', 'sbom', undefined],
        [fx.sig.digest, 'cosign-tag', 'signature', fx.sig.tag],
        [fx.att.digest, 'cosign-tag', 'attestation', fx.att.tag],
        [fx.sbom.digest, 'cosign-tag', 'sbom', fx.sbom.tag],
      ].sort(),
    );
    expect(found.every((r) => r.describes === fx.signed.digest)).toBe(true);
    const sbom = byDigest(found, fx.sbomArtifact.digest)!;
    expect(sbom.descriptor).toMatchObject({ artifactType: 'application/spdx+json', size: fx.sbomArtifact.size });
    expect(sbom.descriptor.annotations?.['org.opencontainers.image.created']).toBe('2024-01-01T00:00:00Z');
    // A cosign tag is listed as a Referrers API would list it: the config's media type as artifact type.
    expect(byDigest(found, fx.sig.digest)!.descriptor.artifactType).toBe('application/vnd.oci.image.config.v1+json');
  });

  it('agrees with skopeo on the tag-schema index', async () => {
    const raw = JSON.parse(
      (await skopeoRawManifest(`${anonymous.host}/${fx.repository}:${fx.tagSchema.tag}`)).toString('utf8'),
    ) as ImageIndex;
    const found = await repo.listReferrers(`@${fx.signed.digest}`);
    expect(found.filter((r) => r.source === 'tag-schema').map((r) => r.descriptor.digest)).toEqual(raw.manifests.map((m) => m.digest));
  });

  it('probes the tags with HEAD: a tag that is not there costs no manifest GET', async () => {
    const log = recordingLogger();
    const client = pool.open(anonymous.host, { logger: log }).withSegment(fx.repository);
    // The SBOM artifact has a .sig and nothing else.
    const found = await client.listReferrers(fx.sbomArtifact.digest);
    expect(found.map((r) => r.descriptor.digest)).toEqual([fx.sbomSignature.digest]);
    const manifestGets = log.requests.filter((r) => r.startsWith('GET ') && r.includes('/manifests/'));
    expect(manifestGets).toEqual([expect.stringContaining(`/manifests/${fx.sbomSignature.tag}`)]);
    expect(log.requests).toContainEqual(expect.stringMatching(/^GET .*\/referrers\/sha256:/));
  });

  it('filters by artifact type', async () => {
    const found = await repo.listReferrers(fx.signed.digest, { artifactType: 'application/spdx+json' });
    expect(found.map((r) => r.descriptor.digest)).toEqual([fx.sbomArtifact.digest]);
  });

  it("lists an index's BuildKit attestation entries, each describing its platform image", async () => {
    const client = pool.open(anonymous.host).withSegment(multiarch.repository);
    const found = await client.listReferrers(multiarch.digest);
    const entries = multiarch.manifests.filter((m) => m.attestation);
    expect(found.map((r) => r.descriptor.digest)).toEqual(entries.map((m) => m.digest));
    expect(found.every((r) => r.source === 'index' && r.kind === 'attestation')).toBe(true);
    const platforms = multiarch.manifests.filter((m) => !m.attestation).map((m) => m.digest);
    expect(found.map((r) => r.describes).sort()).toEqual(platforms.sort());
  });

  it('a digest with nothing attached has no referrers; a tag is refused before any request', async () => {
    expect(await repo.listReferrers(`sha256:${'0'.repeat(64)}`)).toEqual([]);
    await expect(repo.listReferrers('v1')).rejects.toBeInstanceOf(InvalidReferenceError);
  });
});

describe('readAttachment', () => {
  const referrer = async (digest: string, subject = fx.signed.digest) => byDigest(await repo.listReferrers(subject), digest)!;

  it('an SBOM artifact (oras attach, SPDX JSON) as its package list', async () => {
    const attachment = await readAttachment(repo, await referrer(fx.sbomArtifact.digest));
    expect(attachment.artifactType).toBe('application/spdx+json');
    expect(attachment.parts).toHaveLength(1);
    const part = attachment.parts[0] as SbomPart;
    expect(part).toMatchObject({ type: 'sbom', sbom: { format: 'spdx', specVersion: 'SPDX-2.3', name: 'lading/referrers' } });
    expect(part.sbom.packages).toEqual(SPDX_PACKAGES);
    expect(part.descriptor.digest).toBe(fx.sbomArtifact.layer);
  });

  it("cosign's .sig: each signature with the digest it names, and a keyless one's certificate identity and issuer", async () => {
    const { parts } = await readAttachment(repo, await referrer(fx.sig.digest));
    expect(parts.map((p) => [p.type, p.descriptor.digest])).toEqual([
      ['cosign-signature', fx.sig.layers.ecdsa],
      ['cosign-signature', fx.sig.layers.rsa],
      ['cosign-signature', fx.sig.layers.keyless],
    ]);
    const [ecdsa, , keyless] = parts as CosignSignaturePart[];
    expect(ecdsa).toMatchObject({ signedDigest: fx.signed.digest, signatureType: 'cosign container image signature' });
    expect(ecdsa!.dockerReference).toBe(`${anonymous.host}/${fx.repository}`);
    expect(Buffer.from(ecdsa!.signature!, 'base64').length).toBeGreaterThan(60);
    expect(ecdsa!.certificate).toBeUndefined();
    expect(keyless!.certificate).toMatchObject({
      identity: fx.keyless.identity,
      oidcIssuer: fx.keyless.issuer,
      subjectAlternativeNames: [fx.keyless.identity],
    });
    expect(keyless!.certificate!.certificateIssuer).toContain('not-sigstore-intermediate');
    expect(keyless!.chain).toContain('BEGIN CERTIFICATE');
    expect(keyless!.transparencyLog).toEqual({
      logIndex: 61234567,
      integratedTime: '2024-01-01T00:00:00.000Z',
      logId: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
    });
  });

  it("cosign's .att: SLSA v1 provenance summed up, and an SPDX predicate as packages", async () => {
    const { parts } = await readAttachment(repo, await referrer(fx.att.digest));
    const [provenance, sbom] = parts as InTotoPart[];
    expect(provenance).toMatchObject({
      type: 'in-toto',
      envelope: { payloadType: 'application/vnd.in-toto+json' },
      statement: { type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1' },
      provenance: GITHUB_PROVENANCE,
    });
    expect(provenance!.statement.subjects).toEqual([{ name: fx.repository, digest: { sha256: fx.signed.digest.slice(7) } }]);
    expect(provenance!.envelope!.signatures).toHaveLength(1);
    expect(sbom!.statement.predicateType).toBe('https://spdx.dev/Document');
    expect(sbom!.sbom!.packages).toEqual(SPDX_PACKAGES);
    // The SBOM is summed up, not repeated.
    expect(sbom!.predicate).toBeUndefined();
  });

  it("cosign's .sbom (CycloneDX, nested components) as packages", async () => {
    const { parts } = await readAttachment(repo, await referrer(fx.sbom.digest));
    expect(parts).toEqual([
      expect.objectContaining({
        type: 'sbom',
        sbom: { format: 'cyclonedx', specVersion: '1.5', name: 'lading/referrers', packages: CYCLONEDX_PACKAGES },
      }),
    ]);
  });

  it("a BuildKit attestation manifest: provenance v0.2 (builder, source, commit, build time) and the platform's SBOM", async () => {
    const client = pool.open(anonymous.host).withSegment(multiarch.repository);
    const [first] = await client.listReferrers(multiarch.digest);
    const { parts } = await readAttachment(client, first!);
    const [provenance, sbom] = parts as InTotoPart[];
    expect(provenance!.envelope).toBeUndefined();
    expect(provenance!.provenance).toEqual(BUILDKIT_PROVENANCE);
    expect(provenance!.statement.subjects[0]!.digest.sha256).toBe(first!.describes.slice(7));
    expect(sbom!.sbom).toMatchObject({
      format: 'spdx',
      packages: [expect.objectContaining({ name: 'lading-app', version: '1.0.0', license: 'Apache-2.0' })],
    });
  });

  it('a DSSE envelope whose payload is not base64 is an InvalidAttachmentError that says so', async () => {
    const att = byDigest(await repo.listReferrers(fx.bad.digest), fx.badAtt.digest)!;
    const err = await readAttachment(repo, att).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidAttachmentError);
    expect((err as Error).message).toMatch(/DSSE payload is not base64/);
    expect((err as Error).message).toContain(fx.badAtt.layer);
  });
});

describe('verifyCosignSignature', () => {
  it('a good ECDSA signature verifies; the RSA one does not match that key; the keyless one shows who, and that it is not checked', async () => {
    const checks = await verifyCosignSignature(repo, fx.signed.digest, { publicKey: fx.keys.ecdsa });
    expect(checks.map((c) => [c.layer.digest, c.verified, c.signatureValid, c.digestMatches])).toEqual([
      [fx.sig.layers.ecdsa, true, true, true],
      [fx.sig.layers.rsa, false, false, true],
      [fx.sig.layers.keyless, false, false, true],
    ]);
    expect(checks[0]!.reason).toMatch(/^Verified/);
    expect(checks[0]!.signedDigests).toEqual([fx.signed.digest]);
    expect(checks[1]!.reason).toMatch(/does not match the given key/);
    const keyless = checks[2]!;
    expect(keyless.keyless).toMatchObject({
      signatureMatchesCertificate: true,
      certificate: { identity: fx.keyless.identity, oidcIssuer: fx.keyless.issuer },
    });
    expect(keyless.reason).toContain(fx.keyless.identity);
    expect(keyless.reason).toMatch(/does not check the certificate against Sigstore's roots/);
  });

  it('the RSA signature verifies with the RSA key (PKCS #1 v1.5, as cosign signs)', async () => {
    const checks = await verifyCosignSignature(repo, `@${fx.signed.digest}`, { publicKey: fx.keys.rsa });
    expect(checks.filter((c) => c.verified).map((c) => c.layer.digest)).toEqual([fx.sig.layers.rsa]);
  });

  it('the wrong key: every signature fails, saying the key does not match', async () => {
    const checks = await verifyCosignSignature(repo, fx.signed.digest, { publicKey: fx.keys.unrelated });
    expect(checks).toHaveLength(3);
    for (const c of checks) {
      expect(c).toMatchObject({ verified: false, signatureValid: false, digestMatches: true });
      expect(c.reason).toMatch(/does not match the given key/);
    }
  });

  it('a signature over another image, and a payload changed after signing, each fail with their reason', async () => {
    const checks = await verifyCosignSignature(repo, fx.bad.digest, { publicKey: fx.keys.ecdsa });
    const other = checks.find((c) => c.layer.digest === fx.badSig.layers.otherDigest)!;
    expect(other).toMatchObject({ verified: false, signatureValid: true, digestMatches: false, signedDigests: [fx.signed.digest] });
    expect(other.reason).toBe(
      `The signature matches the given key, but it is for another image: its payload names ${fx.signed.digest}, not ${fx.bad.digest}.`,
    );
    const tampered = checks.find((c) => c.layer.digest === fx.badSig.layers.tampered)!;
    expect(tampered).toMatchObject({ verified: false, signatureValid: false, digestMatches: true });
    expect(tampered.reason).toMatch(/payload was changed after signing/);
  });

  it('a signature of a referrer (the SBOM artifact) is found and checked the same way', async () => {
    const [check] = await verifyCosignSignature(repo, fx.sbomArtifact.digest, { publicKey: fx.keys.ecdsa });
    expect(check).toMatchObject({ verified: true, referrer: { tag: fx.sbomSignature.tag } });
  });

  it('a key that is not a public key fails before any request', async () => {
    const log = recordingLogger();
    const client = pool.open(anonymous.host, { logger: log }).withSegment(fx.repository);
    for (const publicKey of [
      'not a key',
      '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    ]) {
      await expect(verifyCosignSignature(client, fx.signed.digest, { publicKey })).rejects.toBeInstanceOf(InvalidPublicKeyError);
    }
    expect(log.requests).toEqual([]);
  });
});

describe('planReferrers (what a mirror copies)', () => {
  it('everything attached, and the signature of the SBOM one level deeper, with the tags and tag-schema entries to write', async () => {
    const plan = await planReferrers(repo, [fx.signed.digest]);
    expect(plan.referrers.map((p) => [p.referrer.descriptor.digest, p.depth]).sort()).toEqual(
      [
        [fx.sbomArtifact.digest, 1],
        [fx.sig.digest, 1],
        [fx.att.digest, 1],
        [fx.sbom.digest, 1],
        [fx.sbomSignature.digest, 2],
      ].sort(),
    );
    for (const p of plan.referrers) expect(sha256Digest(p.manifest.raw)).toBe(p.manifest.digest);
    expect(plan.tags.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual(
      [
        { tag: fx.sbomSignature.tag, digest: fx.sbomSignature.digest },
        { tag: fx.att.tag, digest: fx.att.digest },
        { tag: fx.sbom.tag, digest: fx.sbom.digest },
        { tag: fx.sig.tag, digest: fx.sig.digest },
      ].sort((a, b) => a.tag.localeCompare(b.tag)),
    );
    expect(plan.tagSchema).toEqual([
      {
        subject: fx.signed.digest,
        entries: [expect.objectContaining({ digest: fx.sbomArtifact.digest, artifactType: 'application/spdx+json' })],
      },
    ]);
    const blobs = plan.blobs.map((b) => b.digest);
    expect(blobs).toEqual(expect.arrayContaining([fx.sbomArtifact.layer, fx.sbom.layer, fx.sig.layers.keyless, fx.att.layers.spdx]));
    expect(new Set(blobs).size).toBe(blobs.length);
  });

  it('a loop (a referrer whose tag-schema index lists the image back) ends where it closes', async () => {
    const plan = await planReferrers(repo, [fx.loop.digest]);
    expect(plan.referrers.map((p) => p.referrer.descriptor.digest)).toEqual([fx.loop.artifact]);
    // The target should list both directions, as the source does.
    expect(plan.tagSchema.map((t) => [t.subject, t.entries.map((e) => e.digest)])).toEqual([
      [fx.loop.digest, [fx.loop.artifact]],
      [fx.loop.artifact, [fx.loop.digest]],
    ]);
  });

  it('a depth limit that real chains pass is a ReferrersLimitError naming it', async () => {
    const err = await planReferrers(repo, [fx.signed.digest], { maxDepth: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReferrersLimitError);
    expect((err as Error).message).toMatch(/follows referrers 1 levels deep/);
    expect((err as Error).message).toContain(fx.sbomSignature.digest);
  });
});

describe('an OCI layout (skopeo copied the image and its .sig there)', () => {
  it('listReferrers finds the cosign tag, and the signature verifies without a registry', async () => {
    const dir = join(workDir, 'layout');
    const source = `${anonymous.host}/${fx.repository}`;
    await skopeoCopy(`${source}@${fx.signed.digest}`, `oci:${dir}:v1`);
    await skopeoCopy(`${source}:${fx.sig.tag}`, `oci:${dir}:${fx.sig.tag}`);
    const layout = openLayout(dir);
    const found = await layout.listReferrers(fx.signed.digest);
    expect(found.map((r) => [r.descriptor.digest, r.source])).toEqual([[fx.sig.digest, 'cosign-tag']]);
    const checks = await verifyCosignSignature(layout, fx.signed.digest, { publicKey: fx.keys.ecdsa });
    expect(checks.map((c) => c.verified)).toEqual([true, false, false]);
  });
});

describe('an SBOM of 50 MB', () => {
  let isolated: IsolatedRegistry;
  const subject = `sha256:${'5'.repeat(64)}`;
  let sbomDigest: string;

  beforeAll(async () => {
    isolated = await startIsolatedRegistry(workDir, 'big-sbom');
    const { url } = isolated.registry;
    const name = 'lading-it/big-sbom';
    // A real-looking SPDX document that is simply large.
    const entry = JSON.stringify({ name: 'pkg', SPDXID: 'SPDXRef-Package-x', versionInfo: '1.0.0', licenseConcluded: 'MIT' });
    const count = Math.ceil((50 * 1024 * 1024) / (entry.length + 1));
    const document = Buffer.from(`{"spdxVersion":"SPDX-2.3","packages":[${Array(count).fill(entry).join(',')}]}`);
    sbomDigest = await pushBlob(url, name, document);
    const empty = await pushBlob(url, name, Buffer.from('{}'));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/spdx+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
        layers: [{ mediaType: 'application/spdx+json', digest: sbomDigest, size: document.length }],
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 500 },
      }),
    );
    await putManifest(url, name, sha256Digest(manifest), manifest, 'application/vnd.oci.image.manifest.v1+json');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: sha256Digest(manifest),
            size: manifest.length,
            artifactType: 'application/spdx+json',
          },
        ],
      }),
    );
    await putManifest(url, name, subject.replace(':', '-'), index, 'application/vnd.oci.image.index.v1+json');
  });
  afterAll(() => isolated?.registry.stop());

  it('is listed, then refused with its size before a byte of it is fetched', async () => {
    const log = recordingLogger();
    const client = pool.open(isolated.registry.host, { logger: log }).withSegment('lading-it/big-sbom');
    const [sbom] = await client.listReferrers(subject);
    expect(sbom).toMatchObject({ kind: 'sbom', source: 'tag-schema' });
    const err = await readAttachment(client, sbom!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttachmentTooLargeError);
    expect((err as AttachmentTooLargeError).size).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    expect((err as Error).message).toMatch(
      /^The SBOM layer sha256:[a-f0-9]{64} of .* is 50\.0 MiB \(\d+ bytes\); Lading reads attachments of up to 32\.0 MiB$/,
    );
    expect(log.requests.filter((r) => r.includes(sbomDigest))).toEqual([]);
  });
});
