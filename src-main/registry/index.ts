/**
 * Lading's registry client: the TypeScript counterpart of
 * deckhouse/pkg/registry/client. Usable on its own from Node.js.
 */
export { createClient, type Client } from './client';
export {
  RegistryError, ImageNotFoundError, RepositoryNotFoundError, AccessDeniedError, CatalogNotSupportedError,
  DigestMismatchError, ConnectionError, InvalidManifestError, InvalidReferenceError, type OciErrorDetail,
} from './errors';
export type { ManifestResult } from './manifest';
export type { Image, Layer, BlobSource } from './image';
export type {
  AuthConfig, CallOptions, ClientOptions, ConfigFile, ContainerConfig, Descriptor, History, ImageOptions, IndexManifest,
  ListOptions, Logger, Manifest, Platform,
} from './types';
export { DEFAULT_PLATFORM, formatPlatform, parsePlatform, normalizePlatform, isAttestation } from './platform';
export * as mediaTypes from './mediatypes';
export { mirror, type MirrorOptions, type MirrorProgress, type MirrorResult } from './mirror';
export type { ImageWriter, BlobOutcome } from './writer';
export type { BlobProgress, PushOptions } from './types';
export { saveLayer, type SaveLayerOptions, type SaveLayerResult } from './save-layer';
export { openLayout, LayoutClient } from './layout/client';
export { LayoutWriter, type LayoutBlobOutcome } from './layout/writer';
export {
  extractToDirectory, ExtractError, LayerFormatError,
  type ExtractProgress, type ExtractResult, type ExtractToDirectoryOptions, type SkippedEntry,
} from './extract';
export {
  listImageFiles, readImageFile, diffImages, FileIndexCache, FileDeletedError, FileIndexLimitError, FileNotInImageError, ImageFileError,
  NotARegularFileError, MAX_LAYER_ENTRIES, MAX_TOTAL_ENTRIES,
  type ChangeKind, type ChangedFile, type ConfigChange, type ConfigField, type ConfigValue, type DiffFile, type FileIndexCacheOptions,
  type FileState, type ImageDiff, type ImageFileEntry, type ImageFileType, type ImageFiles, type IndexProgress, type LayerChange,
  type LayerChanges, type ListFilesOptions, type ReadFileOptions, type SkippedFile,
} from './files';

// Image.extract() reaches the tar code through a hook, so image.ts does not load it;
// importing the package wires it.
import { setExtractor } from './image';
import { extractImage } from './extract';
setExtractor(extractImage);
