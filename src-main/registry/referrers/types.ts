/**
 * What the referrers code hands out: referrers, the decoded content of an
 * attachment, and the result of checking a signature. Plain data (no
 * methods, no Buffers), so the app can pass them across IPC as they are.
 */
import type { CallOptions, Descriptor } from '../types';

export type ReferrerKind = 'signature' | 'attestation' | 'sbom' | 'other';

/**
 * Where a referrer was found: the OCI 1.1 Referrers API, the referrers tag
 * schema (an index under `sha256-<hex>`), cosign's `sha256-<hex>.sig/.att/.sbom`
 * tags, or the image index itself (BuildKit's attestation entries).
 */
export type ReferrerSource = 'api' | 'tag-schema' | 'cosign-tag' | 'index';

export interface Referrer {
  /**
   * The referrer's manifest, as the Referrers API lists it: `artifactType` and
   * `annotations` when it has them. For a cosign tag, the tagged manifest's
   * descriptor (artifactType: its own, else its config's media type, as a
   * Referrers API would list it); for a BuildKit entry, the index entry.
   */
  descriptor: Descriptor;
  kind: ReferrerKind;
  /** Where it was found first (see `sources`). */
  source: ReferrerSource;
  /** Every place it was found, `source` first: one manifest can be listed by the API and by the tag schema. */
  sources: ReferrerSource[];
  /** The digest of the image it is about: the subject, or for a BuildKit entry its `vnd.docker.reference.digest`. */
  describes: string;
  /** For a cosign tag: the tag, e.g. `sha256-<hex>.sig`. */
  tag?: string | undefined;
}

export interface ListReferrersOptions extends CallOptions {
  /** Only referrers of this artifact type (asked of the Referrers API, and checked here whatever it answers). */
  artifactType?: string;
}

// ---- decoded attachments ----

export interface SbomPackage {
  name: string;
  version?: string;
  /** The SPDX license expression (SPDX: concluded, else declared; CycloneDX: id, name or expression). */
  license?: string;
  purl?: string;
}

export interface Sbom {
  format: 'spdx' | 'cyclonedx';
  /** `SPDX-2.3`, or CycloneDX's `specVersion` (`1.5`). */
  specVersion?: string;
  /** The document's name (SPDX) or its main component (CycloneDX). */
  name?: string;
  packages: SbomPackage[];
}

/** A SLSA provenance predicate, summed up. */
export interface Provenance {
  slsaVersion: '0.2' | '1';
  builder?: string;
  buildType?: string;
  /** Where the source came from, e.g. `https://github.com/org/app` or `git+https://...@refs/heads/main`. */
  sourceRepository?: string;
  /** The source commit. */
  commit?: string;
  buildStartedOn?: string;
  buildFinishedOn?: string;
}

export interface InTotoSubject {
  name?: string;
  /** Algorithm -> hex, e.g. `{ sha256: '...' }`. */
  digest: Record<string, string>;
}

export interface InTotoStatement {
  /** `_type`, e.g. `https://in-toto.io/Statement/v1`. */
  type: string;
  predicateType: string;
  subjects: InTotoSubject[];
}

/** Who a certificate was issued to, read from it; NOT checked against any root of trust. */
export interface CertificateInfo {
  /** The certificate, PEM. */
  pem: string;
  /** The first subject alternative name: an e-mail address or a URI (a CI workflow). */
  identity?: string;
  subjectAlternativeNames: string[];
  /** The OIDC issuer Fulcio recorded (extension 1.3.6.1.4.1.57264.1.8, else .1.1). */
  oidcIssuer?: string;
  /** The certificate's own issuer (the CA), as a distinguished name. */
  certificateIssuer: string;
  /** The certificate's subject, as a distinguished name (empty for Fulcio's: their identity is the SAN). */
  subject?: string;
  validFrom: string;
  validTo: string;
  /** Fulcio's extensions for CI builds, when present. */
  sourceRepository?: string;
  sourceCommit?: string;
  buildSigner?: string;
}

/** Who signed, as far as the attachment says (a certificate, or a key hint). */
export interface SignerInfo {
  certificate?: CertificateInfo;
  /** A sigstore bundle signed with a key names only a hint of it. */
  publicKeyHint?: string;
}

interface PartBase {
  /** The layer the part was read from. */
  descriptor: Descriptor;
}

/** A cosign simple-signing signature (a layer of a `.sig` manifest). */
export interface CosignSignaturePart extends PartBase {
  type: 'cosign-signature';
  /** The payload, as signed. */
  payload: string;
  /** The image digest the payload names (`critical.image.docker-manifest-digest`). */
  signedDigest?: string;
  /** `critical.identity.docker-reference` (cosign ignores it when verifying). */
  dockerReference?: string;
  /** `critical.type`, `cosign container image signature` for cosign. */
  signatureType?: string;
  /** Claims added with `cosign sign -a key=value`. */
  claims?: Record<string, unknown>;
  /** The signature, base64, from the layer's annotation. */
  signature?: string;
  /** A keyless signature's certificate, and its chain (PEM). */
  certificate?: CertificateInfo;
  chain?: string;
  /** The transparency-log entry cosign stored with the signature (not checked). */
  transparencyLog?: { logIndex?: number; integratedTime?: string; logId?: string };
}

/** An in-toto statement: in a DSSE envelope (cosign `.att`, sigstore bundles) or bare (BuildKit). */
export interface InTotoPart extends PartBase {
  type: 'in-toto';
  /** The envelope it came in; absent for a bare statement. */
  envelope?: { payloadType: string; signatures: { keyid?: string; sig: string }[] };
  /** Present when the statement came in a sigstore bundle. */
  signer?: SignerInfo;
  statement: InTotoStatement;
  provenance?: Provenance;
  sbom?: Sbom;
  /** The predicate as it is, except for SBOMs (summed up in `sbom`; the document can be read whole from the layer). */
  predicate?: unknown;
}

/** An SBOM document stored as an artifact (oras attach, cosign attach sbom, Harbor). */
export interface SbomPart extends PartBase {
  type: 'sbom';
  sbom: Sbom;
}

/** A sigstore bundle with a plain message signature (no statement). */
export interface MessageSignaturePart extends PartBase {
  type: 'message-signature';
  signer: SignerInfo;
  /** `sha256:<hex>` of what was signed. */
  signedDigest?: string;
  signature: string;
}

/**
 * A Notation signature in its JWS envelope: what it signs, when, and its
 * certificate chain. The signature is checked against the leaf certificate's
 * key and the chain for being linked, but nothing decides whether to trust it
 * (no trust store or policy): `note` says so.
 */
export interface NotationSignaturePart extends PartBase {
  type: 'notation-signature';
  envelope: 'jws';
  /** JWS `alg`: PS256, ES384, ... */
  algorithm: string;
  /** The target artifact's digest, media type and size, as signed. */
  signedDigest: string;
  signedMediaType?: string;
  signedSize?: number;
  /** `notary.x509` or `notary.x509.signingAuthority`. */
  signingScheme?: string;
  signingTime?: string;
  expiry?: string;
  signingAgent?: string;
  /** The chain, leaf first. */
  certificates: CertificateInfo[];
  /** The signature verifies against the leaf certificate's key. */
  signatureMatchesCertificate: boolean;
  /** Each certificate is issued and signed by the next one. */
  chainLinked: boolean;
  note: string;
}

/** Anything else: a Notation signature in a COSE envelope, an SBOM in a format Lading does not decode, a tarball. */
export interface OtherPart extends PartBase {
  type: 'other';
  mediaType: string;
  size: number;
  /** `org.opencontainers.image.title`, when the layer has one. */
  title?: string;
}

export type AttachmentPart = CosignSignaturePart | InTotoPart | SbomPart | MessageSignaturePart | NotationSignaturePart | OtherPart;

export interface Attachment {
  referrer: Referrer;
  /** The referrer manifest's media type, artifact type and annotations. */
  mediaType: string;
  artifactType?: string;
  annotations?: Record<string, string>;
  /** What its layers hold, in order (an index referrer: its entries, as `other`). */
  parts: AttachmentPart[];
}

export interface ReadAttachmentOptions extends CallOptions {
  /** The most bytes one layer may have. Default 32 MiB; at most 256 MiB. */
  maxPartBytes?: number;
}

// ---- signature checks ----

export interface SignatureCheck {
  /** The referrer that holds the signature (a `.sig` manifest, a sigstore bundle, ...). */
  referrer: Referrer;
  /** The layer with this one signature. */
  layer: Descriptor;
  /** Both checks passed: the signature verifies against the key, and it is about this image. */
  verified: boolean;
  /** The signature over the payload verifies against the given public key. */
  signatureValid: boolean;
  /** The signed payload names the image digest that was asked about. */
  digestMatches: boolean;
  /** The digest(s) the payload names. */
  signedDigests: string[];
  /** The outcome in plain words. */
  reason: string;
  /** A keyless (Fulcio certificate) signature: who it was issued to. Lading does not check it against Sigstore's roots. */
  keyless?: {
    certificate: CertificateInfo;
    /** The signature verifies against the certificate's own key (which says nothing about who may use it). */
    signatureMatchesCertificate: boolean;
    note: string;
  };
}

export interface VerifyCosignOptions extends CallOptions {
  /** PEM public key: ECDSA (P-256, P-384, P-521), RSA or Ed25519, as `cosign generate-key-pair` and KMS keys make them. */
  publicKey: string;
}

export interface VerifyNotationOptions extends CallOptions {
  /** PEM certificate(s) you trust: the CA (or the signing certificate itself), as a Notation trust store holds them. */
  trustedCertificates: string;
}

/** One Notation signature checked against trusted certificates. */
export interface NotationCheck {
  referrer: Referrer;
  layer: Descriptor;
  /** All three checks passed. */
  verified: boolean;
  /** The signature matches its leaf certificate's key. */
  signatureValid: boolean;
  /** The certificate chain leads to one of the trusted certificates. */
  chainTrusted: boolean;
  digestMatches: boolean;
  signedDigest: string;
  /** The leaf certificate's subject. */
  signer?: string;
  /** The trusted certificate the chain leads to. */
  trustedBy?: string;
  /** The outcome in plain words. */
  reason: string;
  /** What was not checked. */
  note: string;
}
