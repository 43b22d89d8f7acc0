/**
 * What is attached to an image: signatures, SBOMs and attestations, found
 * wherever real tools put them, decoded, and checked.
 */
export { listReferrers } from './list';
export { readAttachment, DEFAULT_MAX_PART_BYTES, MAX_PART_BYTES, MAX_ATTACHMENT_BYTES } from './read';
export { verifyCosignSignature, KEYLESS_NOTE } from './verify-signature';
export { NOTATION_NOTE } from './notation';
export { verifyNotationSignature, NOTATION_VERIFY_NOTE } from './verify-notation';
export {
  planReferrers,
  DEFAULT_MAX_REFERRER_DEPTH,
  MAX_PLANNED_REFERRERS,
  type PlanReferrersOptions,
  type PlannedManifest,
  type PlannedReferrer,
  type ReferrerPlan,
} from './plan';
export { MAX_REFERRERS, MAX_REFERRER_PAGES } from './registry-access';
export type { MirroredReferrer, MirroredReferrerOutcome, MirroredReferrers } from './copy';
export { referrersTag, cosignTag } from './tags';
export { AttachmentError, AttachmentTooLargeError, InvalidAttachmentError, InvalidPublicKeyError, ReferrersLimitError } from './errors';
export type {
  Attachment,
  AttachmentPart,
  CertificateInfo,
  CosignSignaturePart,
  InTotoPart,
  InTotoStatement,
  InTotoSubject,
  ListReferrersOptions,
  MessageSignaturePart,
  NotationCheck,
  NotationSignaturePart,
  OtherPart,
  VerifyNotationOptions,
  Provenance,
  ReadAttachmentOptions,
  Referrer,
  ReferrerKind,
  ReferrerSource,
  Sbom,
  SbomPackage,
  SbomPart,
  SignatureCheck,
  SignerInfo,
  VerifyCosignOptions,
} from './types';
