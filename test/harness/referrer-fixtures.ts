/**
 * Signatures, SBOMs and attestations pushed as real tools lay them out on a
 * registry without the Referrers API (distribution 2.8):
 * - `oras attach` of an SPDX SBOM: an artifact manifest with `subject`, plus
 *   the referrers tag-schema index `sha256-<hex>` listing it;
 * - `cosign sign --key` (ECDSA and RSA) and a keyless signature: the
 *   `sha256-<hex>.sig` manifest, one simple-signing layer per signature;
 * - `cosign attest --type slsaprovenance1|spdxjson`: `sha256-<hex>.att`, DSSE envelopes;
 * - `cosign attach sbom --type cyclonedx`: `sha256-<hex>.sbom`;
 * - a cosign signature of the SBOM artifact itself (a referrer of a referrer).
 * And what goes wrong in the wild: a signature over another image, a payload
 * changed after signing, a DSSE payload that is not base64, and two tag-schema
 * indexes that point at each other (a loop).
 * Signatures are made by openssl (signing.ts), not by the code under test.
 */
import { sha256Digest } from './digest.js';
import { MANY_TAGS_REPOSITORY, REFERRERS } from './fixture-names.js';
import type { BuiltImageLayout } from './images.js';
import type { ReferrersFixture } from './lading-info.js';
import { MediaType } from './media-types.js';
import type { Descriptor } from './oci-layout.js';
import { CYCLONEDX_DOCUMENT, KEYLESS_IDENTITY, KEYLESS_ISSUER, SPDX_DOCUMENT, githubProvenancePredicate } from './referrer-specs.js';
import { mountBlob, pushBlob, putManifest } from './registry-http.js';
import { dssePae, sign, type SigningKey, type SigningKeys } from './signing.js';

const SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const DSSE = 'application/vnd.dsse.envelope.v1+json';
const EMPTY_JSON = Buffer.from('{}');
const EMPTY_CONFIG: Descriptor = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(EMPTY_JSON), size: 2 };

interface Target {
  host: string;
  url: string;
}

/** Pushes JSON as a manifest by digest (or under `tag`) and returns its descriptor. */
async function putJson(target: Target, doc: unknown, tag?: string): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(doc));
  const mediaType = (doc as { mediaType: string }).mediaType;
  const digest = sha256Digest(bytes);
  await putManifest(target.url, REFERRERS.repository, tag ?? digest, bytes, mediaType);
  return { mediaType, digest, size: bytes.length };
}

async function blob(target: Target, mediaType: string, bytes: Buffer, annotations?: Record<string, string>): Promise<Descriptor> {
  const digest = await pushBlob(target.url, REFERRERS.repository, bytes);
  return { mediaType, digest, size: bytes.length, ...(annotations ? { annotations } : {}) };
}

/** `sha256-<hex>` and cosign's `sha256-<hex>.sig`. */
const schemaTag = (digest: string) => digest.replace(':', '-');
const cosignTag = (digest: string, suffix: 'sig' | 'att' | 'sbom') => `${schemaTag(digest)}.${suffix}`;

/** The image manifest cosign writes around its layers (go-containerregistry's empty image plus the layers). */
async function cosignManifest(target: Target, layers: Descriptor[], tag: string): Promise<Descriptor> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const configDescriptor = await blob(target, MediaType.ociConfig, config);
  return putJson(target, { schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDescriptor, layers }, tag);
}

/** cosign's simple-signing payload for `digest`. */
function simpleSigningPayload(host: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': `${host}/${REFERRERS.repository}` },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

async function signatureLayer(target: Target, payload: Buffer, signature: Buffer, extra: Record<string, string> = {}): Promise<Descriptor> {
  return blob(target, SIMPLESIGNING, payload, { 'dev.cosignproject.cosign/signature': signature.toString('base64'), ...extra });
}

async function signedLayer(target: Target, key: SigningKey, digest: string): Promise<Descriptor> {
  const payload = simpleSigningPayload(target.host, digest);
  return signatureLayer(target, payload, await sign(key, payload));
}

function statement(subject: string, predicateType: string, predicate: unknown): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: `${REFERRERS.repository}`, digest: { sha256: subject.slice('sha256:'.length) } }],
      predicateType,
      predicate,
    }),
  );
}

async function dsseLayer(target: Target, key: SigningKey, predicateType: string, payload: Buffer): Promise<Descriptor> {
  const signature = await sign(key, dssePae('application/vnd.in-toto+json', payload));
  const envelope = {
    payloadType: 'application/vnd.in-toto+json',
    payload: payload.toString('base64'),
    signatures: [{ keyid: '', sig: signature.toString('base64') }],
  };
  return blob(target, DSSE, Buffer.from(JSON.stringify(envelope)), { predicateType });
}

/** A small subject image: the many-tags image's blobs (mounted), with an annotation of its own. */
async function subjectImage(target: Target, small: BuiltImageLayout, tag: string): Promise<Descriptor> {
  const { manifest } = small.image;
  return putJson(
    target,
    { ...manifest, annotations: { 'org.opencontainers.image.description': `lading referrers subject (${tag})` } },
    tag,
  );
}

/** A referrers tag-schema index, as oras writes it: each entry with its artifact type and annotations. */
async function tagSchemaIndex(target: Target, subject: string, entries: Descriptor[]): Promise<Descriptor> {
  return putJson(target, { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries }, schemaTag(subject));
}

/** An OCI 1.1 artifact with `subject` (what `oras attach --artifact-type` pushes); returns its index entry. */
async function artifact(target: Target, artifactType: string, layers: Descriptor[], subject: Descriptor): Promise<Descriptor> {
  const annotations = { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' };
  const descriptor = await putJson(target, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType,
    config: EMPTY_CONFIG,
    layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  });
  return { ...descriptor, artifactType, annotations };
}

export async function createReferrerFixtures(target: Target, small: BuiltImageLayout, keys: SigningKeys): Promise<ReferrersFixture> {
  const { manifest } = small.image;
  for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
    const status = await mountBlob(target.url, REFERRERS.repository, digest, MANY_TAGS_REPOSITORY);
    if (status !== 201) throw new Error(`fixture check failed: mount ${digest} into ${REFERRERS.repository} answered ${status}`);
  }
  await blob(target, EMPTY_CONFIG.mediaType, EMPTY_JSON);
  const [signed, bad, loop] = await Promise.all([
    subjectImage(target, small, REFERRERS.signedTag),
    subjectImage(target, small, REFERRERS.badTag),
    subjectImage(target, small, REFERRERS.loopTag),
  ]);

  // oras attach --artifact-type application/spdx+json, then the tag-schema index it maintains.
  const spdx = await blob(target, 'application/spdx+json', Buffer.from(JSON.stringify(SPDX_DOCUMENT)), {
    'org.opencontainers.image.title': 'sbom.spdx.json',
  });
  const sbomArtifact = await artifact(target, 'application/spdx+json', [spdx], signed);
  const tagSchema = await tagSchemaIndex(target, signed.digest, [sbomArtifact]);

  // cosign sign --key (ECDSA, RSA) and a keyless signature: one .sig manifest, a layer each.
  const keylessPayload = simpleSigningPayload(target.host, signed.digest);
  const [ecdsaLayer, rsaLayer, keylessLayer] = await Promise.all([
    signedLayer(target, keys.ecdsa, signed.digest),
    signedLayer(target, keys.rsa, signed.digest),
    sign(keys.keyless, keylessPayload).then((signature) =>
      signatureLayer(target, keylessPayload, signature, {
        'dev.sigstore.cosign/certificate': keys.keyless.certificatePem,
        'dev.sigstore.cosign/chain': keys.keyless.chainPem,
        'dev.sigstore.cosign/bundle': JSON.stringify({
          SignedEntryTimestamp: 'MEUCIQD0not0a0real0timestamp0signature0AAAAAAAAAAAAAAAAAAAA==',
          Payload: {
            body: 'e30=',
            integratedTime: 1704067200,
            logIndex: 61234567,
            logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
          },
        }),
      }),
    ),
  ]);
  const sig = await cosignManifest(target, [ecdsaLayer, rsaLayer, keylessLayer], cosignTag(signed.digest, 'sig'));

  // cosign attest: SLSA v1 provenance and an SPDX SBOM as in-toto statements in DSSE envelopes.
  const provenanceLayer = await dsseLayer(
    target,
    keys.ecdsa,
    'https://slsa.dev/provenance/v1',
    statement(signed.digest, 'https://slsa.dev/provenance/v1', githubProvenancePredicate()),
  );
  const spdxStatementLayer = await dsseLayer(
    target,
    keys.ecdsa,
    'https://spdx.dev/Document',
    statement(signed.digest, 'https://spdx.dev/Document', SPDX_DOCUMENT),
  );
  const att = await cosignManifest(target, [provenanceLayer, spdxStatementLayer], cosignTag(signed.digest, 'att'));

  // cosign attach sbom --type cyclonedx.
  const cyclonedx = await blob(target, 'application/vnd.cyclonedx+json', Buffer.from(JSON.stringify(CYCLONEDX_DOCUMENT)));
  const sbomTag = await cosignManifest(target, [cyclonedx], cosignTag(signed.digest, 'sbom'));

  // cosign sign of the SBOM artifact: a referrer of a referrer.
  const sbomSignature = await cosignManifest(
    target,
    [await signedLayer(target, keys.ecdsa, sbomArtifact.digest)],
    cosignTag(sbomArtifact.digest, 'sig'),
  );

  // What goes wrong: a valid signature over another image, and a payload changed after it was signed.
  const otherDigestLayer = await signedLayer(target, keys.ecdsa, signed.digest);
  const original = simpleSigningPayload(target.host, bad.digest);
  const tampered = Buffer.from(original.toString('utf8').replace('"optional":null', '"optional":{"approved":"yes"}'));
  const tamperedLayer = await signatureLayer(target, tampered, await sign(keys.ecdsa, original));
  const badSig = await cosignManifest(target, [otherDigestLayer, tamperedLayer], cosignTag(bad.digest, 'sig'));
  const notBase64 = await blob(
    target,
    DSSE,
    Buffer.from(
      JSON.stringify({
        payloadType: 'application/vnd.in-toto+json',
        payload: 'this is not base64!',
        signatures: [{ keyid: '', sig: 'AAAA' }],
      }),
    ),
    { predicateType: 'https://slsa.dev/provenance/v1' },
  );
  const badAtt = await cosignManifest(target, [notBase64], cosignTag(bad.digest, 'att'));

  // A loop: Q refers to P (its subject), and the tag-schema index of Q lists P back.
  const note = await blob(target, 'text/plain', Buffer.from('a note about the loop subject\n'), {
    'org.opencontainers.image.title': 'note.txt',
  });
  const loopArtifact = await artifact(target, 'application/vnd.lading.note.v1', [note], loop);
  await tagSchemaIndex(target, loop.digest, [loopArtifact]);
  await tagSchemaIndex(target, loopArtifact.digest, [{ ...loop, artifactType: 'application/vnd.lading.note.v1' }]);

  return {
    repository: REFERRERS.repository,
    signed: { tag: REFERRERS.signedTag, digest: signed.digest },
    bad: { tag: REFERRERS.badTag, digest: bad.digest },
    loop: { tag: REFERRERS.loopTag, digest: loop.digest, artifact: loopArtifact.digest },
    keys: { ecdsa: keys.ecdsa.publicPem, rsa: keys.rsa.publicPem, unrelated: keys.unrelated.publicPem },
    privateKeyPaths: { ecdsa: keys.ecdsa.keyPath, rsa: keys.rsa.keyPath, keyless: keys.keyless.keyPath },
    keyless: { identity: KEYLESS_IDENTITY, issuer: KEYLESS_ISSUER, certificatePem: keys.keyless.certificatePem },
    sbomArtifact: { digest: sbomArtifact.digest, size: sbomArtifact.size, artifactType: 'application/spdx+json', layer: spdx.digest },
    tagSchema: { tag: schemaTag(signed.digest), digest: tagSchema.digest },
    sig: {
      tag: cosignTag(signed.digest, 'sig'),
      digest: sig.digest,
      layers: { ecdsa: ecdsaLayer.digest, rsa: rsaLayer.digest, keyless: keylessLayer.digest },
    },
    att: {
      tag: cosignTag(signed.digest, 'att'),
      digest: att.digest,
      layers: { provenance: provenanceLayer.digest, spdx: spdxStatementLayer.digest },
    },
    sbom: { tag: cosignTag(signed.digest, 'sbom'), digest: sbomTag.digest, layer: cyclonedx.digest },
    sbomSignature: { tag: cosignTag(sbomArtifact.digest, 'sig'), digest: sbomSignature.digest },
    badSig: {
      tag: cosignTag(bad.digest, 'sig'),
      digest: badSig.digest,
      layers: { otherDigest: otherDigestLayer.digest, tampered: tamperedLayer.digest },
    },
    badAtt: { tag: cosignTag(bad.digest, 'att'), digest: badAtt.digest, layer: notBase64.digest },
  };
}
