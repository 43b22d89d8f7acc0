/**
 * Errors of the file listing. All are RegistryErrors (a caller that catches
 * the client's errors catches these too), told apart with `instanceof`.
 */
import { RegistryError } from '../errors';
import type { ImageFileType } from './types';

/** readImageFile() refused a path; `path` is the path as the image lists it. */
export class ImageFileError extends RegistryError {
  override name = 'ImageFileError';
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

/** No layer of the image has the path (or it lies below a symlink or a file). */
export class FileNotInImageError extends ImageFileError {
  override name = 'FileNotInImageError';

  constructor(path: string) {
    super(`${path} is not in the image`, path);
  }
}

/** A layer had the path, and a later one deleted it (a whiteout, an opaque directory, or a file written over its directory). */
export class FileDeletedError extends ImageFileError {
  override name = 'FileDeletedError';
  /** Index in `image.layers` of the layer that deleted it. */
  readonly layer: number;
  readonly digest: string;

  constructor(path: string, layer: number, digest: string) {
    super(`${path} was deleted by layer ${layer + 1} (${digest}): the image no longer has it`, path);
    this.layer = layer;
    this.digest = digest;
  }
}

/** The path is a directory, a symlink, a device or a FIFO: it has no content to read. */
export class NotARegularFileError extends ImageFileError {
  override name = 'NotARegularFileError';
  readonly type: ImageFileType;

  constructor(path: string, type: ImageFileType, linkname?: string) {
    const what =
      type === 'directory'
        ? 'a directory'
        : type === 'symlink'
          ? `a symlink (to ${linkname ?? '?'}): read its target instead`
          : 'a device node or FIFO';
    super(`${path} is ${what}, not a regular file`, path);
    this.type = type;
  }
}

/** A layer passed a bound of the index (entries, name bytes): far above real images, so a hostile or broken layer. */
export class FileIndexLimitError extends RegistryError {
  override name = 'FileIndexLimitError';
  readonly digest: string;

  constructor(message: string, digest: string) {
    super(message);
    this.digest = digest;
  }
}
