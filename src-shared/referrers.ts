/**
 * The referrers part of the contract (contract.ts names the operations):
 * what is attached to an image (signatures, SBOMs, attestations), a decoded
 * attachment, the checks of a signature against a public key, and what a
 * mirror brought along. Plain data shaped for the UI; the shapes follow the
 * registry library's own (src-main/registry/referrers/types.ts), with
 * descriptors as DescriptorView.
 *
 * No Node, no DOM, no electron.
 */
import { z } from 'zod';
import type { DescriptorView } from './contract';

export type ReferrerKindView = 'signature' | 'attestation' | 'sbom' | 'other';
/** Where a referrer was found: the Referrers API, the referrers tag schema, cosign's tags, the index itself (BuildKit). */
export type ReferrerSourceView = 'api' | 'tag-schema' | 'cosign-tag' | 'index';

export interface ReferrerView extends DescriptorView {
  kind: ReferrerKindView;
  /** Every place it was found, the first first. */
  sources: ReferrerSourceView[];
  /** The digest of the image it is about. */
  describes: string;
  /** For a cosign tag: the tag. */
  tag?: string;
  /** Found through the index the image was opened from (a BuildKit attestation of this image): the index's digest. */
  viaIndex?: string;
}

export interface ReferrersView {
  repository: string;
  reference: string;
  /** The digest whose referrers these are. */
  digest: string;
  referrers: ReferrerView[];
}

// ---- a decoded attachment ----

export interface SbomPackageView {
  name: string;
  version?: string;
  license?: string;
  purl?: string;
}

export interface SbomView {
  format: 'spdx' | 'cyclonedx';
  specVersion?: string;
  name?: string;
  /** At most MAX_SBOM_PACKAGES; `packageCount` says how many the document lists. */
  packages: SbomPackageView[];
  packageCount: number;
}

/** Packages of one SBOM sent to the UI; the whole document can be saved. */
export const MAX_SBOM_PACKAGES = 100_000;

export interface ProvenanceView {
  slsaVersion: '0.2' | '1';
  builder?: string;
  buildType?: string;
  sourceRepository?: string;
  commit?: string;
  buildStartedOn?: string;
  buildFinishedOn?: string;
}

/** Who a certificate was issued to, as it says; NOT checked against any root of trust. */
export interface CertificateView {
  pem: string;
  identity?: string;
  subjectAlternativeNames: string[];
  oidcIssuer?: string;
  certificateIssuer: string;
  /** Its subject's distinguished name (a Notation signer's identity). */
  subject?: string;
  validFrom: string;
  validTo: string;
  sourceRepository?: string;
  sourceCommit?: string;
  buildSigner?: string;
}

export interface SignerView {
  certificate?: CertificateView;
  publicKeyHint?: string;
}

interface PartViewBase {
  /** The layer the part was read from. */
  descriptor: DescriptorView;
}

export interface CosignSignaturePartView extends PartViewBase {
  type: 'cosign-signature';
  payload: string;
  signedDigest?: string;
  dockerReference?: string;
  signatureType?: string;
  claims?: Record<string, unknown>;
  signature?: string;
  certificate?: CertificateView;
  chain?: string;
  transparencyLog?: { logIndex?: number; integratedTime?: string; logId?: string };
}

export interface InTotoPartView extends PartViewBase {
  type: 'in-toto';
  envelope?: { payloadType: string; signatures: { keyid?: string; sig: string }[] };
  signer?: SignerView;
  statement: { type: string; predicateType: string; subjects: { name?: string; digest: Record<string, string> }[] };
  provenance?: ProvenanceView;
  sbom?: SbomView;
  /** The predicate as it is (not for SBOMs, which are in `sbom`). */
  predicate?: unknown;
}

export interface SbomPartView extends PartViewBase {
  type: 'sbom';
  sbom: SbomView;
}

export interface MessageSignaturePartView extends PartViewBase {
  type: 'message-signature';
  signer: SignerView;
  signedDigest?: string;
  signature: string;
}

/** A Notation signature (JWS envelope): what it signs, when, its chain; checked against its own leaf certificate only (`note`). */
export interface NotationSignaturePartView extends PartViewBase {
  type: 'notation-signature';
  envelope: 'jws';
  algorithm: string;
  signedDigest: string;
  signedMediaType?: string;
  signedSize?: number;
  signingScheme?: string;
  signingTime?: string;
  expiry?: string;
  signingAgent?: string;
  /** Leaf first. */
  certificates: CertificateView[];
  signatureMatchesCertificate: boolean;
  chainLinked: boolean;
  note: string;
}

export interface OtherPartView extends PartViewBase {
  type: 'other';
  mediaType: string;
  size: number;
  title?: string;
}

export type AttachmentPartView =
  CosignSignaturePartView | InTotoPartView | SbomPartView | MessageSignaturePartView | NotationSignaturePartView | OtherPartView;

export interface AttachmentView {
  /** The referrer's manifest digest. */
  digest: string;
  mediaType: string;
  artifactType?: string;
  annotations?: Record<string, string>;
  /** What its layers hold, in order. */
  parts: AttachmentPartView[];
}

// ---- checking signatures ----

export interface SignatureCheckView {
  /** The manifest holding the signature, and its cosign tag when it has one. */
  referrer: string;
  tag?: string;
  /** The layer with this one signature. */
  layer: string;
  /** The signature verifies against the key, and it is about this image. */
  verified: boolean;
  signatureValid: boolean;
  digestMatches: boolean;
  /** The digests the signed payload names. */
  signedDigests: string[];
  /** The library's words for the outcome. */
  reason: string;
  /** A keyless signature: who its certificate names; not checked against Sigstore's roots (`note` says so). */
  keyless?: { identity?: string; issuer?: string; signatureMatchesCertificate: boolean; note: string };
}

/** A Notation signature checked against the certificate(s) given as trusted; `note` says what was not checked. */
export interface NotationCheckView {
  referrer: string;
  layer: string;
  verified: boolean;
  /** The signature matches its signer certificate's key. */
  signatureValid: boolean;
  /** Its certificate chain leads to a trusted certificate. */
  chainTrusted: boolean;
  digestMatches: boolean;
  signedDigest: string;
  signer?: string;
  trustedBy?: string;
  reason: string;
  note: string;
}

export interface VerificationView {
  /** The image digest the signatures were checked for. */
  digest: string;
  checks: SignatureCheckView[];
  /** The Notation signatures, when a certificate was given (they are checked against a trusted certificate, not a key). */
  notationChecks?: NotationCheckView[];
}

export interface SavedAttachment {
  path: string;
  bytes: number;
  /** The layer saved. */
  digest: string;
}

// ---- what a mirror brought along ----

export interface MirroredReferrerView {
  digest: string;
  kind: ReferrerKindView;
  artifactType?: string;
  describes: string;
  /** `copied`; `merged` into the target's own cosign tag; `kept-target`: the target's own was kept; `in-index`: inside the index. */
  outcome: 'copied' | 'merged' | 'kept-target' | 'in-index';
  tag?: string;
}

// ---- input ----

/** A public key is a few hundred bytes (RSA 4096: about 800); a certificate a few KiB. */
export const MAX_PUBLIC_KEY_LENGTH = 16 * 1024;

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A PEM public key (`cosign.pub`) or certificate, as pasted or read from a
 * file: bounded, PEM-shaped, and never a private key. The messages never
 * repeat the value.
 */
export const publicKeySchema = z
  .string({ error: 'Public key must be text' })
  .max(MAX_PUBLIC_KEY_LENGTH, `Public key is longer than ${MAX_PUBLIC_KEY_LENGTH / 1024} KiB: paste the public key only (cosign.pub)`)
  .refine((v) => v.trim().length > 0, { message: 'Paste a public key (cosign.pub) or choose its file', abort: true })
  .refine((v) => !CONTROL_EXCEPT_LINES.test(v), { message: 'Public key must be PEM text, not a binary file', abort: true })
  .refine((v) => !/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(v), {
    message: 'This is a private key: paste the public key instead (cosign.pub, or the output of "cosign public-key")',
    abort: true,
  })
  .refine(
    (v) =>
      /-----BEGIN (?:[A-Z0-9]+ )*(?:PUBLIC KEY|CERTIFICATE)-----[\s\S]+-----END (?:[A-Z0-9]+ )*(?:PUBLIC KEY|CERTIFICATE)-----/.test(v),
    {
      message: 'Public key must be PEM: "-----BEGIN PUBLIC KEY-----", the key, "-----END PUBLIC KEY-----"',
    },
  );
