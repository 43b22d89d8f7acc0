/**
 * Inside an image: its flattened filesystem with what each layer changed
 * (listImageFiles), one file's content (readImageFile), two images compared
 * (diffImages), and the on-disk cache of layer indexes that makes a second
 * open instant (FileIndexCache).
 */
export { listImageFiles } from './list';
export { listCachedImageFiles, listCachedImageFilesHead } from './cached';
export type { ListingHead } from './view-format';
export { readImageFile } from './read';
export {
  diffImages,
  type ChangedFile,
  type ConfigChange,
  type ConfigField,
  type ConfigValue,
  type DiffFile,
  type FileState,
  type ImageDiff,
} from './diff';
export { FileIndexCache, type FileIndexCacheOptions } from './cache';
export { FileDeletedError, FileIndexLimitError, FileNotInImageError, ImageFileError, NotARegularFileError } from './errors';
export { MAX_LAYER_ENTRIES } from './layer-index';
export { MAX_TOTAL_ENTRIES } from './layer-indexes';
export type {
  ChangeKind,
  ImageFileEntry,
  ImageFileType,
  ImageFiles,
  IndexProgress,
  LayerChange,
  LayerChanges,
  ListFilesOptions,
  ReadFileOptions,
  SkippedFile,
} from './types';
