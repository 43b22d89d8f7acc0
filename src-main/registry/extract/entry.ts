/**
 * An entry of the flattened filesystem, as the flattener hands it to a writer
 * (the tar stream, or the safe directory writer). Plain data plus the content
 * stream, independent of the tar reader's header type.
 */
import type { TarEntryType } from './tar-reader';

export type FlatType = 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';

export interface FlatHeader {
  /** Normalised (see paths.ts): no `./`, no trailing `/`; the root is `.`. */
  name: string;
  type: FlatType;
  /** Permission bits only (`& 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  mtime: Date;
  /** Content length; 0 for everything but files. */
  size: number;
  /** Symlink target as written, or hard link target (normalised). */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

export interface FlatEntry {
  kind: 'entry';
  header: FlatHeader;
  /**
   * A file's content. Read it before asking for the next item, or not at all:
   * what is left unread is discarded.
   */
  body?: AsyncIterable<Buffer>;
}

/**
 * A regular file that is not part of the result (an upper layer shadows or
 * deletes it) but whose content a later hard link of the same layer may
 * still need. Keep it until the next `layer-end`, or ignore it.
 */
export interface HiddenFile {
  kind: 'hidden';
  header: FlatHeader;
  body: AsyncIterable<Buffer>;
}

/** A hard link to a kept hidden file (`header.linkname`): the kept content goes under `header.name`. */
export interface FromHidden {
  kind: 'from-hidden';
  header: FlatHeader;
}

/** Hidden files of the layer just read can no longer be asked for. */
export interface LayerEnd {
  kind: 'layer-end';
}

export type FlatItem = FlatEntry | HiddenFile | FromHidden | LayerEnd;

/** Reads a tar header's type as a flattened entry's type; undefined for what a filesystem cannot hold. */
export function flatTypeOf(type: TarEntryType | null | undefined): FlatType | undefined {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
    case 'symlink':
    case 'link':
    case 'character-device':
    case 'block-device':
    case 'fifo':
      return type;
    default:
      return undefined;
  }
}
