/**
 * The Referrers tab's words, without a page: a signature check's verdict in
 * plain words, the groups and their summary, where a referrer was found, the
 * name a saved document gets, and the package filter.
 */
import { describe, expect, it } from 'vitest';
import type { NotationCheckView, ReferrerView, SignatureCheckView } from '../../src-shared/referrers';
import {
  describeArtifact,
  documentFileName,
  filterPackages,
  groupReferrers,
  isNotationSignature,
  notationVerdictOf,
  sourceWords,
  summarizeKinds,
  verdictOf,
} from '../../src-renderer/lib/referrers';

const IMAGE = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

const check = (over: Partial<SignatureCheckView>): SignatureCheckView => ({
  referrer: OTHER,
  layer: OTHER,
  verified: false,
  signatureValid: false,
  digestMatches: true,
  signedDigests: [IMAGE],
  reason: '',
  ...over,
});

describe('verdictOf', () => {
  it('says in plain words whether the key signed this image, another image, or did not sign', () => {
    expect(verdictOf(check({ verified: true, signatureValid: true }))).toEqual({ ok: true, words: 'Signed by this key, for this image' });
    expect(verdictOf(check({}))).toEqual({ ok: false, words: 'Signature does not match this key' });
    expect(verdictOf(check({ signatureValid: true, digestMatches: false, signedDigests: [OTHER] }))).toEqual({
      ok: false,
      words: `Signature is valid but for another image ${OTHER}`,
    });
    // Neither the key nor the image: the key comes first (it says nothing about who wrote the payload).
    expect(verdictOf(check({ digestMatches: false, signedDigests: [OTHER] })).words).toBe('Signature does not match this key');
  });
});

describe('notationVerdictOf', () => {
  const notation = (over: Partial<NotationCheckView>): NotationCheckView => ({
    referrer: OTHER,
    layer: OTHER,
    verified: false,
    signatureValid: true,
    chainTrusted: true,
    digestMatches: true,
    signedDigest: IMAGE,
    reason: '',
    note: '',
    ...over,
  });
  it('says which of the three failed: the signature itself first, then the chain, then the image', () => {
    expect(notationVerdictOf(notation({ verified: true }))).toEqual({ ok: true, words: 'Signed under this certificate, for this image' });
    expect(notationVerdictOf(notation({ signatureValid: false, chainTrusted: false })).words).toBe(
      'Signature does not match its own certificate: changed after signing',
    );
    expect(notationVerdictOf(notation({ chainTrusted: false, digestMatches: false })).words).toBe('Not signed under this certificate');
    expect(notationVerdictOf(notation({ digestMatches: false, signedDigest: OTHER }))).toEqual({
      ok: false,
      words: `Signature is valid but for another image ${OTHER}`,
    });
  });
});

describe('groups and places', () => {
  const r = (kind: ReferrerView['kind'], digest: string): ReferrerView => ({
    mediaType: 'm',
    digest,
    size: 1,
    kind,
    sources: ['api'],
    describes: IMAGE,
  });

  it('groups by kind in a fixed order, leaving empty groups out, and sums them up', () => {
    const groups = groupReferrers([r('sbom', '1'), r('signature', '2'), r('sbom', '3')]);
    expect(groups.map((g) => [g.title, g.referrers.map((x) => x.digest)])).toEqual([
      ['Signatures', ['2']],
      ['SBOMs', ['1', '3']],
    ]);
    expect(summarizeKinds(['sbom', 'signature', 'sbom', 'attestation'])).toBe('1 signature, 1 attestation, 2 SBOMs');
  });

  it('names every place a referrer was found, and an index it was found through', () => {
    expect(sourceWords({ sources: ['api', 'tag-schema'] })).toEqual(['Referrers API', 'tag schema']);
    expect(sourceWords({ sources: ['index'], viaIndex: OTHER })).toEqual(['in the index']);
  });

  it("tells a Notation signature (not for Verify…'s key check) from cosign's", () => {
    const notation = {
      artifactType: 'application/vnd.cncf.notary.signature',
      sources: ['tag-schema' as const],
      kind: 'signature' as const,
    };
    expect(isNotationSignature(notation)).toBe(true);
    expect(describeArtifact(notation)).toBe('Notation signature');
    const cosign = {
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      sources: ['api' as const],
      kind: 'signature' as const,
    };
    expect(isNotationSignature(cosign)).toBe(false);
    expect(isNotationSignature({})).toBe(false);
  });
});

describe('documentFileName', () => {
  it('uses a plain title annotation, never a path; else the digest and the type', () => {
    expect(
      documentFileName({
        digest: IMAGE,
        mediaType: 'application/spdx+json',
        annotations: { 'org.opencontainers.image.title': 'sbom.spdx.json' },
      }),
    ).toBe('sbom.spdx.json');
    for (const title of ['../../etc/passwd', '/abs', '..', 'a b']) {
      expect(
        documentFileName({ digest: IMAGE, mediaType: 'application/spdx+json', annotations: { 'org.opencontainers.image.title': title } }),
      ).toBe(`${'a'.repeat(12)}.spdx.json`);
    }
    expect(documentFileName({ digest: IMAGE, mediaType: 'application/vnd.cyclonedx+json' })).toBe(`${'a'.repeat(12)}.cdx.json`);
    expect(documentFileName({ digest: IMAGE, mediaType: 'application/octet-stream' })).toBe(`${'a'.repeat(12)}.blob`);
  });
});

describe('filterPackages', () => {
  const packages = [
    { name: 'musl', version: '1.2.4', license: 'MIT', purl: 'pkg:apk/alpine/musl@1.2.4' },
    { name: 'zlib', version: '1.3.1', license: 'Zlib' },
    { name: 'app' },
  ];
  it('matches name, version, license or purl, ignoring case; everything without a filter', () => {
    expect(filterPackages(packages, '').length).toBe(3);
    expect(filterPackages(packages, ' mit ').map((p) => p.name)).toEqual(['musl']);
    expect(filterPackages(packages, 'ZLIB').map((p) => p.name)).toEqual(['zlib']);
    expect(filterPackages(packages, 'apk/alpine').map((p) => p.name)).toEqual(['musl']);
    expect(filterPackages(packages, '1.3').map((p) => p.name)).toEqual(['zlib']);
  });
});
