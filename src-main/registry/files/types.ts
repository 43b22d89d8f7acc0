/**
 * Public types of the file listing: the flattened filesystem of an image,
 * what each layer changed, and the options of the calls that build them.
 */
import type { CallOptions } from '../types';
import type { FileIndexCache } from './cache';

/** `hardlink`: another name of a regular file listed in the same image (its `linkname`). `other`: a device node or FIFO. */
export type ImageFileType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface ImageFileEntry {
  /** Relative, without a leading `/` or `./` and without a trailing `/`. */
  path: string;
  type: ImageFileType;
  /** Content bytes of a regular file or a hard link; 0 for everything else. */
  size: number;
  /** Permission bits, e.g. `0o755` (set-id and sticky bits included). */
  mode: number;
  uid: number;
  gid: number;
  /** ISO 8601. A directory no layer names (only implied by what is inside it) has the epoch. */
  mtime: string;
  /** A symlink's target as written, or the path of the file a hard link shares its content with. */
  linkname?: string;
  /** Hex sha256 of the content of a regular file or a hard link. */
  sha256?: string;
  /** Index in `image.layers` of the layer that last wrote this path. */
  layer: number;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface LayerChange {
  path: string;
  /** The type the layer gave the path; for a deletion, the type it had below. */
  type: ImageFileType;
  size: number;
  /**
   * `added`: no layer below had the path. `modified`: a layer below had it, and this
   * one wrote it again (a directory only counts when its type, mode or owner changed).
   * `deleted`: removed by a whiteout, an opaque directory, or a non-directory written
   * over a directory; every path below a removed directory is listed too.
   */
  change: ChangeKind;
}

export interface LayerChanges {
  digest: string;
  /** Sorted by path. */
  changes: LayerChange[];
  /** Content bytes of the regular files the layer holds. */
  addedBytes: number;
  /** Entries of the layer other than directories and whiteouts: files, hard links, symlinks, devices, FIFOs. */
  fileCount: number;
}

/** An entry of a layer that the flattened filesystem cannot hold, and why (as extractToDirectory skips it). */
export interface SkippedFile {
  path: string;
  layer: number;
  reason: string;
}

export interface ImageFiles {
  /** The flattened filesystem, sorted by path; the root directory itself is not listed. */
  entries: ImageFileEntry[];
  /** One per layer, in the order of `image.layers`. */
  layers: LayerChanges[];
  /**
   * Bytes of regular files stored in the layers that the flattened filesystem does not
   * show: overwritten or deleted by a later layer (dive's "wasted space", without
   * counting the copy that survives).
   */
  wastedBytes: number;
  /** Entries left out of `entries`: hard links without a usable target, entries below a symlink of the same layer, unknown tar entry types. */
  skipped: SkippedFile[];
}

export interface IndexProgress {
  /** Index (in the list of layers being indexed) of the layer being read. */
  layer: number;
  layers: number;
  /** Compressed bytes of all the layers read so far; layers found in the cache count as read. */
  bytesDone: number;
  bytesTotal: number;
}

export interface ListFilesOptions {
  signal?: AbortSignal | undefined;
  /** At the start of each layer, at most every 100 ms while it is read, and once at the end. */
  onProgress?: (progress: IndexProgress) => void;
  /** Layer indexes kept on disk: layers found there are not read again. */
  cache?: FileIndexCache;
}

export interface ReadFileOptions extends CallOptions {
  cache?: FileIndexCache;
}
