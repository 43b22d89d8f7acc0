/**
 * What crosses the contract about the files inside an image: the flattened
 * listing, a file's preview, and two images compared, with the input schema
 * of a path inside an image.
 *
 * The listing of a big image has 100,000 entries and more, so it travels as
 * columns (one array per field, in entry order) over a shared path table
 * (each entry names its parent entry and its own base name), not as one
 * object per entry: fewer bytes and fewer tokens to parse (bench/ui-files.ts
 * prints the answer's size and the time to the first rows). Numbers are plain JSON arrays, which
 * both hosts carry as they are (the WebSocket bridge sends JSON text, where a
 * typed array would turn into an object of numbered keys; Electron's IPC
 * would clone one). Bytes (the start of a binary file) travel as base64 for the
 * same reason.
 *
 * No Node, no DOM, no electron.
 */
import { z } from 'zod';

/** An entry's type, as the listing codes it (`types[i]` is an index into this). */
export const FILE_TYPES = ['file', 'directory', 'symlink', 'hardlink', 'other'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** What a layer did to a path (`kinds[i]` is an index into this). */
export const CHANGE_KINDS = ['added', 'modified', 'deleted'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What one layer changed, as columns in path order. */
export interface LayerChangeColumns {
  digest: string;
  /** Compressed size, as the manifest gives it. */
  size: number;
  /** Content bytes of the regular files the layer holds. */
  addedBytes: number;
  /** Entries of the layer other than directories and whiteouts. */
  fileCount: number;
  /** Per change: the index of the listing's entry at its path, or -1 when the image no longer has it (its path is then the next of `paths`). */
  entries: number[];
  /** Paths of the changes the listing has no entry for, in order. */
  paths: string[];
  /** Per change: the type the layer gave the path (for a deletion: the type it had below), as an index into FILE_TYPES. */
  types: number[];
  /** Per change: an index into CHANGE_KINDS. */
  kinds: number[];
  sizes: number[];
}

/** The flattened filesystem of an image, as columns: entry `i` is `names[i]`, below entry `parents[i]`. Sorted by path. */
export interface FileListing {
  /** The image manifest it was made from. */
  digest: string;
  count: number;
  /** Base names; a top-level entry's parent is -1. */
  names: string[];
  parents: number[];
  /** Indexes into FILE_TYPES. */
  types: number[];
  /** Content bytes of files and hard links, else 0. */
  sizes: number[];
  /** Permission bits. */
  modes: number[];
  uids: number[];
  gids: number[];
  /** Index in the image's layers of the layer that last wrote the entry. */
  layers: number[];
  /** Link targets of the symlinks and hard links, in entry order. */
  links: string[];
  layerChanges: LayerChangeColumns[];
  /** Content bytes of the regular files in the listing (hard links not counted again). */
  totalBytes: number;
  /** Bytes stored in the layers that the listing does not show: overwritten or deleted later (dive's measure). */
  wastedBytes: number;
  /** Entries left out (hard links without a target, entries below a symlink of their own layer...), at most MAX_SKIPPED_LISTED. */
  skipped: { path: string; layer: number; reason: string }[];
  skippedCount: number;
  /**
   * Only in the answer of files.head: the entries of the whole listing, of
   * which this holds the first `count` (in path order, the same indexes), the
   * totals of the whole, and no layer's changes.
   */
  total?: number;
}

/** The entries files.head gives: more than a window of the tree shows, a small answer still. */
export const HEAD_ROWS = 400;

export const MAX_SKIPPED_LISTED = 1000;

export type FilesListResult =
  | { indexed: true; listing: FileListing }
  /** Not indexed yet: start `jobs.indexFiles` for this digest, then ask again. */
  | { indexed: false; digest: string; layers: { digest: string; size: number }[] };

/** The most of a text file a preview holds. */
export const PREVIEW_TEXT_BYTES = 1024 * 1024;
/** The bytes of a binary file a preview shows in hex. */
export const PREVIEW_HEX_BYTES = 4096;

export type FilePreview =
  | {
      path: string;
      kind: 'text';
      /** The first PREVIEW_TEXT_BYTES at most, decoded as UTF-8. */
      text: string;
      /** The file has more than the text holds. */
      truncated: boolean;
    }
  | {
      path: string;
      kind: 'binary';
      /** Base64 of the first PREVIEW_HEX_BYTES at most. */
      head: string;
      truncated: boolean;
    };

/** A changed config field of a diff (as the library's diffImages names them). */
export interface ConfigChangeView {
  field: string;
  a: string | string[] | Record<string, string> | null;
  b: string | string[] | Record<string, string> | null;
}

/** Two images compared: layers by digest, config fields, and files path by path (columns, sorted by path). */
export interface ImageDiffView {
  digestA: string;
  digestB: string;
  layersA: { digest: string; size: number }[];
  layersB: { digest: string; size: number }[];
  /** Layer digests in both, only in a, only in b. */
  shared: string[];
  onlyA: string[];
  onlyB: string[];
  config: ConfigChangeView[];
  files: {
    paths: string[];
    /** 0 added (in b only), 1 removed (in a only), 2 changed (type, size, mode, link target or content). */
    changes: number[];
    /** Indexes into FILE_TYPES; -1 where that image has no such path. */
    typesA: number[];
    typesB: number[];
    /** -1 where that image has no such path. */
    sizesA: number[];
    sizesB: number[];
  };
  sizeA: number;
  sizeB: number;
}

export const DIFF_CHANGES = ['added', 'removed', 'changed'] as const;

export type FilesDiffResult = { indexed: true; diff: ImageDiffView } | { indexed: false; missing: ('a' | 'b')[] };

/** A job's index: which images it made listings of. */
export interface IndexFilesResult {
  kind: 'indexFiles';
  images: { digest: string; entries: number }[];
}

export interface SaveFilesResult {
  kind: 'saveFiles';
  /** The folder written. */
  path: string;
  /** The part of the image saved, and where it is in that folder. */
  imagePath: string;
  savedAs: string;
  digest: string;
  entries: number;
  bytesWritten: number;
  skipped: { path: string; reason: string }[];
}

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;

/**
 * A path inside an image, as the listing gives it (`etc/passwd`): never a
 * path on disk. Relative, no empty, `.` or `..` component, no NUL.
 */
export const imagePathSchema = z
  .string({ error: 'Path must be a string' })
  .min(1, 'Path is required: a file or folder of the image, e.g. "etc/passwd"')
  .max(4096, 'Path is longer than 4096 characters')
  .refine((v) => !NUL.test(v), { message: 'Path must not contain a NUL character', abort: true })
  .refine((v) => !v.startsWith('/'), {
    message: 'Path must be relative to the image\'s root, as the file list shows it (e.g. "etc/passwd")',
    abort: true,
  })
  .refine((v) => v.split('/').every((part) => part !== '..'), { message: 'Path must not contain ".." segments', abort: true })
  .refine(
    (v) => v.split('/').every((part) => part !== '' && part !== '.'),
    'Path must not have empty or "." segments (no "//", no trailing "/")',
  );
