/**
 * What is attached to an image, for the UI: the referrers of an image or
 * index (for an image opened from an index, also the index's BuildKit
 * attestations about it), one attachment decoded, cosign signatures checked
 * against a public key, and an attachment's original document saved to a
 * file. Plain data shaped for the contract (src-shared/referrers.ts) over the
 * registry library's referrers code.
 */
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ParsedInputOf } from '../../src-shared/contract';
import {
  MAX_SBOM_PACKAGES,
  type AttachmentPartView,
  type AttachmentView,
  type NotationCheckView,
  type ReferrerView,
  type ReferrersView,
  type SavedAttachment,
  type SbomView,
  type SignatureCheckView,
  type VerificationView,
} from '../../src-shared/referrers';
import { requireFolder } from '../registry/disk/index';
import { errorCode } from '../registry/error-code';
import {
  MAX_PART_BYTES,
  parseReference,
  readAttachment,
  saveLayer,
  verifyCosignSignature,
  verifyNotationSignature,
  InvalidPublicKeyError,
  type AttachmentPart,
  type NotationCheck,
  type Referrer,
  type Sbom,
  type SignatureCheck,
} from '../registry/index';
import { descriptorView } from './browse';
import type { ClientPool } from './clients';
import { AppFailure } from './errors';

export class ReferrersService {
  constructor(private readonly pool: ClientPool) {}

  async list(input: ParsedInputOf<'referrers.list'>, signal?: AbortSignal): Promise<ReferrersView> {
    return this.pool.use(input.connectionId, async (root) => {
      const repo = root.withSegment(input.repository);
      const ref = parseReference(input.reference);
      const digest = ref.kind === 'digest' ? ref.digest : await repo.getDigest(input.reference, { signal });
      const own = await repo.listReferrers(digest, { signal });
      const views = own.map(referrerView);
      if (input.index && input.index !== digest) {
        // BuildKit puts an image's attestations in the index, not beside the image: the index's referrers that describe it.
        const known = new Set(own.map((r) => r.descriptor.digest));
        for (const r of await repo.listReferrers(input.index, { signal })) {
          if (r.describes === digest && !known.has(r.descriptor.digest)) views.push({ ...referrerView(r), viaIndex: input.index });
        }
      }
      return { repository: input.repository, reference: input.reference, digest, referrers: views };
    });
  }

  async read(input: ParsedInputOf<'referrers.read'>, signal?: AbortSignal): Promise<AttachmentView> {
    return this.pool.use(input.connectionId, async (root) => {
      const repo = root.withSegment(input.repository);
      // readAttachment reads the manifest itself; of the referrer it needs the digest and the kind (how to read a layer of unknown type).
      const referrer: Referrer = {
        descriptor: { mediaType: '', digest: input.digest, size: 0 },
        kind: input.kind,
        source: 'api',
        sources: [],
        describes: '',
      };
      const attachment = await readAttachment(repo, referrer, { signal });
      const view: AttachmentView = { digest: input.digest, mediaType: attachment.mediaType, parts: attachment.parts.map(partView) };
      if (attachment.artifactType) view.artifactType = attachment.artifactType;
      if (attachment.annotations) view.annotations = attachment.annotations;
      return view;
    });
  }

  async verify(input: ParsedInputOf<'referrers.verify'>, signal?: AbortSignal): Promise<VerificationView> {
    return this.pool.use(input.connectionId, async (root) => {
      const repo = root.withSegment(input.repository);
      if (!/-----BEGIN CERTIFICATE-----/.test(input.publicKey)) {
        const checks = await verifyCosignSignature(repo, input.digest, { publicKey: input.publicKey, signal });
        return { digest: input.digest, checks: checks.map(checkView) };
      }
      // A certificate: the trust anchor of Notation signatures, and (its key) a key for cosign's.
      const notation = await verifyNotationSignature(repo, input.digest, { trustedCertificates: input.publicKey, signal });
      let checks: SignatureCheck[] = [];
      try {
        checks = await verifyCosignSignature(repo, input.digest, { publicKey: input.publicKey, signal });
      } catch (err) {
        // A CA certificate's key may be of a kind cosign never signs with; the Notation checks still stand.
        if (!(err instanceof InvalidPublicKeyError)) throw err;
      }
      return { digest: input.digest, checks: checks.map(checkView), notationChecks: notation.map(notationCheckView) };
    });
  }

  /** One layer of a referrer, streamed to a new file (verified against its digest on the way), whole or not at all. */
  async save(input: ParsedInputOf<'referrers.save'>, signal?: AbortSignal): Promise<SavedAttachment> {
    return this.pool.use(input.connectionId, async (root) => {
      const repo = root.withSegment(input.repository);
      const manifest = await repo.getManifest(`@${input.referrer}`, { signal });
      const layer = manifest.isIndex() ? undefined : manifest.getManifest().layers.find((l) => l.digest === input.layer);
      if (!layer) throw new AppFailure('not-found', `${input.layer} is not a layer of ${repo.getRegistry()}@${input.referrer}`);
      if (layer.size > MAX_PART_BYTES) {
        throw new AppFailure(
          'invalid-input',
          `${input.layer} is ${Math.round(layer.size / (1024 * 1024))} MiB, more than an attachment is saved this way: open the attachment and save it from its Layers tab`,
        );
      }
      await requireFolder(dirname(input.path));
      if (await exists(input.path)) throw new AppFailure('exists', `${input.path} already exists: choose another name, or remove it first`);
      const result = await saveLayer({ ...layer, open: (o) => repo.openBlob(layer, o) }, input.path, { ...(signal ? { signal } : {}) });
      return { path: result.path, bytes: result.bytes, digest: layer.digest };
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}

function referrerView(r: Referrer): ReferrerView {
  const view: ReferrerView = { ...descriptorView(r.descriptor), kind: r.kind, sources: [...r.sources], describes: r.describes };
  if (r.tag) view.tag = r.tag;
  return view;
}

function sbomView(sbom: Sbom): SbomView {
  const view: SbomView = { format: sbom.format, packages: sbom.packages.slice(0, MAX_SBOM_PACKAGES), packageCount: sbom.packages.length };
  if (sbom.specVersion) view.specVersion = sbom.specVersion;
  if (sbom.name) view.name = sbom.name;
  return view;
}

function partView(part: AttachmentPart): AttachmentPartView {
  const descriptor = descriptorView(part.descriptor);
  switch (part.type) {
    case 'sbom':
      return { ...part, descriptor, sbom: sbomView(part.sbom) };
    case 'in-toto': {
      const { sbom, ...rest } = part;
      return { ...rest, descriptor, ...(sbom ? { sbom: sbomView(sbom) } : {}) };
    }
    default:
      return { ...part, descriptor };
  }
}

function notationCheckView(c: NotationCheck): NotationCheckView {
  const view: NotationCheckView = {
    referrer: c.referrer.descriptor.digest,
    layer: c.layer.digest,
    verified: c.verified,
    signatureValid: c.signatureValid,
    chainTrusted: c.chainTrusted,
    digestMatches: c.digestMatches,
    signedDigest: c.signedDigest,
    reason: c.reason,
    note: c.note,
  };
  if (c.signer) view.signer = c.signer;
  if (c.trustedBy) view.trustedBy = c.trustedBy;
  return view;
}

function checkView(c: SignatureCheck): SignatureCheckView {
  const view: SignatureCheckView = {
    referrer: c.referrer.descriptor.digest,
    layer: c.layer.digest,
    verified: c.verified,
    signatureValid: c.signatureValid,
    digestMatches: c.digestMatches,
    signedDigests: c.signedDigests,
    reason: c.reason,
  };
  if (c.referrer.tag) view.tag = c.referrer.tag;
  if (c.keyless) {
    const { certificate } = c.keyless;
    view.keyless = {
      ...(certificate.identity ? { identity: certificate.identity } : {}),
      ...(certificate.oidcIssuer ? { issuer: certificate.oidcIssuer } : {}),
      signatureMatchesCertificate: c.keyless.signatureMatchesCertificate,
      note: c.keyless.note,
    };
  }
  return view;
}
