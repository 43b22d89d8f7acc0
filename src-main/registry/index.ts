/**
 * Lading's registry client: the TypeScript counterpart of
 * deckhouse/pkg/registry/client. Usable on its own from Node.js.
 */
export { createClient, type Client } from './client';
export {
  RegistryError,
  ImageNotFoundError,
  RepositoryNotFoundError,
  AccessDeniedError,
  CatalogNotSupportedError,
  DigestMismatchError,
  ConnectionError,
  InvalidManifestError,
  InvalidReferenceError,
  type OciErrorDetail,
} from './errors';
export type { ManifestResult } from './manifest';
export type { Image, Layer, BlobSource, BlobLocation } from './image';
export type {
  AuthConfig,
  CallOptions,
  ClientOptions,
  ConfigFile,
  ContainerConfig,
  Descriptor,
  History,
  ImageOptions,
  IndexManifest,
  ListOptions,
  Logger,
  Manifest,
  Platform,
} from './types';
export { DEFAULT_PLATFORM, formatPlatform, parsePlatform, normalizePlatform, isAttestation } from './platform';
/** A tag or a digest, as every call takes it: tells one from the other the way the client does. */
export { parseReference, formatReference, type Reference } from './reference';
export * as mediaTypes from './mediatypes';
export { mirror, type MirrorOptions, type MirrorProgress, type MirrorResult } from './mirror';
export {
  mirrorRepository,
  selectTags,
  MAX_LISTED_TAGS,
  type BlobCounts,
  type MirrorRepositoryOptions,
  type MirrorRepositoryProgress,
  type MirrorRepositoryResult,
  type MirroredTag,
  type TagSelection,
  type TagState,
} from './mirror-repository';
export type { ImageWriter, BlobOutcome } from './writer';
export type { BlobProgress, BlobReadOptions, BlobResume, PushOptions } from './types';
/** Blob downloads resume after a dropped connection (Range), at most this many times per blob. */
export { MAX_RESUMES } from './transport/resumable';
export { saveLayer, type SaveLayerOptions, type SaveLayerResult } from './save-layer';
export {
  saveArchive,
  saveReferenceArchive,
  ArchiveError,
  MAX_ARCHIVE_MANIFESTS,
  type ArchiveFormat,
  type SaveArchiveOptions,
  type SaveArchiveProgress,
  type SaveArchiveResult,
  type SaveReferenceArchiveOptions,
} from './archive';
/** What a crash leaves (temporaries of a process that has gone), found and removed; never those of a running job. */
export { findTemporaries, removeStaleTemporaries, type FoundTemporary, type SweepResult } from './disk/index';
export { openLayout, LayoutClient } from './layout/client';
/** Opt-in for a process that streams layers: a small V8 young generation, a lower peak RSS (memory/young-generation.ts). */
export { limitYoungGeneration, youngGenerationLimited } from './memory/young-generation';
/** Opt-in: WebAssembly (undici's HTTP parser) compiled by the baseline compiler only, no 30 MB TurboFan spike (memory/wasm-baseline.ts). */
export { compileWasmBaselineOnly } from './memory/wasm-baseline';
export { LayoutWriter, type LayoutBlobOutcome } from './layout/writer';
export {
  readAttachment,
  verifyCosignSignature,
  planReferrers,
  referrersTag,
  cosignTag,
  AttachmentError,
  AttachmentTooLargeError,
  InvalidAttachmentError,
  InvalidPublicKeyError,
  ReferrersLimitError,
  DEFAULT_MAX_PART_BYTES,
  MAX_PART_BYTES,
  MAX_ATTACHMENT_BYTES,
  MAX_REFERRERS,
  MAX_REFERRER_PAGES,
  DEFAULT_MAX_REFERRER_DEPTH,
  MAX_PLANNED_REFERRERS,
  KEYLESS_NOTE,
  NOTATION_NOTE,
  verifyNotationSignature,
  NOTATION_VERIFY_NOTE,
  type Attachment,
  type AttachmentPart,
  type CertificateInfo,
  type CosignSignaturePart,
  type InTotoPart,
  type InTotoStatement,
  type InTotoSubject,
  type ListReferrersOptions,
  type MessageSignaturePart,
  type NotationSignaturePart,
  type NotationCheck,
  type VerifyNotationOptions,
  type OtherPart,
  type Provenance,
  type ReadAttachmentOptions,
  type Referrer,
  type ReferrerKind,
  type ReferrerSource,
  type Sbom,
  type SbomPackage,
  type SbomPart,
  type SignatureCheck,
  type SignerInfo,
  type VerifyCosignOptions,
  type PlanReferrersOptions,
  type PlannedManifest,
  type PlannedReferrer,
  type ReferrerPlan,
  type MirroredReferrer,
  type MirroredReferrerOutcome,
  type MirroredReferrers,
} from './referrers';
export {
  DeleteNotSupportedError,
  SummaryLimitError,
  MAX_SUMMARY_IMAGES,
  MAX_CACHED_SUMMARIES,
  MAX_REMEMBERED_TAGS,
  PLACEHOLDER_LABEL,
  type DeleteImageOptions,
  type DeleteImageResult,
  type ImageSummary,
  type PlatformSummary,
  type TagImageResult,
} from './tags';
export type { RateLimit } from './rate-limit';
export {
  extractToDirectory,
  ExtractError,
  LayerFormatError,
  type ExtractProgress,
  type ExtractResult,
  type ExtractToDirectoryOptions,
  type SkippedEntry,
} from './extract';
export {
  listImageFiles,
  listCachedImageFiles,
  listCachedImageFilesHead,
  readImageFile,
  diffImages,
  FileIndexCache,
  FileDeletedError,
  FileIndexLimitError,
  FileNotInImageError,
  ImageFileError,
  NotARegularFileError,
  MAX_LAYER_ENTRIES,
  MAX_TOTAL_ENTRIES,
  type ChangeKind,
  type ChangedFile,
  type ConfigChange,
  type ConfigField,
  type ConfigValue,
  type DiffFile,
  type FileIndexCacheOptions,
  type FileState,
  type ImageDiff,
  type ImageFileEntry,
  type ImageFileType,
  type ImageFiles,
  type IndexProgress,
  type LayerChange,
  type LayerChanges,
  type ListingHead,
  type ListFilesOptions,
  type ReadFileOptions,
  type SkippedFile,
} from './files';
