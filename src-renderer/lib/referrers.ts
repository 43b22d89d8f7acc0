/**
 * Words for what is attached to an image: the groups of the Referrers tab,
 * where each referrer was found, a signature check's verdict in plain words,
 * a name for a saved document, and the package filter. React-free, so a
 * test can run it without a page.
 */
import type {
  NotationCheckView,
  ReferrerKindView,
  ReferrerSourceView,
  ReferrerView,
  SbomPackageView,
  SignatureCheckView,
} from '../../src-shared/referrers';

export interface ReferrerGroup {
  kind: ReferrerKindView;
  title: string;
  referrers: ReferrerView[];
}

const GROUPS: { kind: ReferrerKindView; title: string }[] = [
  { kind: 'signature', title: 'Signatures' },
  { kind: 'attestation', title: 'Attestations' },
  { kind: 'sbom', title: 'SBOMs' },
  { kind: 'other', title: 'Other' },
];

/** The referrers by kind, in the tab's order; empty groups left out. */
export function groupReferrers(referrers: ReferrerView[]): ReferrerGroup[] {
  return GROUPS.map((g) => ({ ...g, referrers: referrers.filter((r) => r.kind === g.kind) })).filter((g) => g.referrers.length > 0);
}

/** "2 signatures, 1 attestation, 2 SBOMs". */
export function summarizeKinds(kinds: ReferrerKindView[]): string {
  const words: Record<ReferrerKindView, [string, string]> = {
    signature: ['signature', 'signatures'],
    attestation: ['attestation', 'attestations'],
    sbom: ['SBOM', 'SBOMs'],
    other: ['other', 'others'],
  };
  return GROUPS.map(({ kind }) => {
    const n = kinds.filter((k) => k === kind).length;
    return n === 0 ? '' : `${n} ${words[kind][n === 1 ? 0 : 1]}`;
  })
    .filter(Boolean)
    .join(', ');
}

const SOURCE_WORDS: Record<ReferrerSourceView, string> = {
  api: 'Referrers API',
  'tag-schema': 'tag schema',
  'cosign-tag': 'cosign tag',
  index: 'in the index',
};

/** Where a referrer was found, each place once: "Referrers API", "tag schema", "cosign tag", "in the index". */
export function sourceWords(r: Pick<ReferrerView, 'sources' | 'viaIndex'>): string[] {
  const words = r.sources.map((s) => SOURCE_WORDS[s]);
  if (r.viaIndex && !r.sources.includes('index')) words.push('in the index');
  return words;
}

/** What a referrer is, for its row: cosign's, a known artifact type, or the media type as it is. */
export function describeArtifact(r: Pick<ReferrerView, 'artifactType' | 'tag' | 'sources' | 'kind'>): string {
  if (r.tag?.endsWith('.sig')) return 'cosign signature';
  if (r.tag?.endsWith('.att')) return 'cosign attestation';
  if (r.tag?.endsWith('.sbom')) return 'cosign SBOM';
  if (r.sources.includes('index')) return 'BuildKit attestation';
  const type = r.artifactType ?? '';
  if (/spdx/.test(type)) return 'SPDX SBOM';
  if (/cyclonedx/.test(type)) return 'CycloneDX SBOM';
  if (/notary/.test(type)) return 'Notation signature';
  if (/sigstore\.bundle/.test(type)) return 'sigstore bundle';
  return type ? type.replace(/^application\/vnd\./, '') : 'artifact';
}

/** A Notation signature: checked against a trusted certificate, not a cosign public key. */
export function isNotationSignature(r: Pick<ReferrerView, 'artifactType'>): boolean {
  return r.artifactType === 'application/vnd.cncf.notary.signature';
}

export interface Verdict {
  ok: boolean;
  /** The outcome in plain words. */
  words: string;
}

/** A signature check in plain words: signed by this key for this image, not this key, or valid but for another image. */
export function verdictOf(check: SignatureCheckView): Verdict {
  if (check.verified) return { ok: true, words: 'Signed by this key, for this image' };
  if (check.signatureValid && !check.digestMatches) {
    const named = check.signedDigests.length ? check.signedDigests.join(', ') : '(it names no image)';
    return { ok: false, words: `Signature is valid but for another image ${named}` };
  }
  return { ok: false, words: 'Signature does not match this key' };
}

/** A Notation check in plain words: signed under the trusted certificate for this image, or which of the three failed. */
export function notationVerdictOf(check: NotationCheckView): Verdict {
  if (check.verified) return { ok: true, words: 'Signed under this certificate, for this image' };
  if (!check.signatureValid) return { ok: false, words: 'Signature does not match its own certificate: changed after signing' };
  if (!check.chainTrusted) return { ok: false, words: 'Not signed under this certificate' };
  return { ok: false, words: `Signature is valid but for another image ${check.signedDigest}` };
}

const EXTENSIONS: [RegExp, string][] = [
  [/spdx/, '.spdx.json'],
  [/cyclonedx/, '.cdx.json'],
  [/dsse|in-toto/, '.intoto.json'],
  [/simplesigning/, '.payload.json'],
  [/json/, '.json'],
];

/** A file name for a saved layer: its title annotation when it has a plain one, else a name from its digest and type. */
export function documentFileName(layer: { digest: string; mediaType: string; annotations?: Record<string, string> }): string {
  const title = layer.annotations?.['org.opencontainers.image.title'];
  if (title && /^[A-Za-z0-9._-]{1,128}$/.test(title) && !/^\.+$/.test(title)) return title;
  const hex = layer.digest.slice(layer.digest.indexOf(':') + 1, layer.digest.indexOf(':') + 13);
  const extension = EXTENSIONS.find(([pattern]) => pattern.test(layer.mediaType))?.[1] ?? '.blob';
  return `${hex}${extension}`;
}

/** Packages whose name, version, license or purl contains `filter` (case-insensitive); all of them without one. */
export function filterPackages(packages: SbomPackageView[], filter: string): SbomPackageView[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return packages;
  return packages.filter((p) =>
    [p.name, p.version, p.license, p.purl].some((field) => field !== undefined && field.toLowerCase().includes(needle)),
  );
}
