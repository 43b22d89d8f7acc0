/**
 * Inside an image: its files, one file's start, two images compared (part of
 * the contract's table); the listing's types are in src-shared/files.ts.
 */
import { z } from 'zod';
import { imagePathSchema, type FilePreview, type FilesDiffResult, type FilesListResult } from '../files';
import { operation, platformImageRef } from '../operation-spec';

export const fileOperations = {
  'files.list': operation<FilesListResult>()(
    'query',
    "An image's flattened files, what each layer changed, total and wasted bytes, when indexed; else its layers (start jobs.indexFiles)",
    z.strictObject(platformImageRef),
  ),
  'files.head': operation<FilesListResult>()(
    'query',
    "The first HEAD_ROWS entries of an image's listing with the totals of the whole (what a tree paints first), when indexed; else its layers",
    z.strictObject(platformImageRef),
  ),
  'files.read': operation<FilePreview>()(
    'query',
    'The start of one file of an image for a preview: text (up to 1 MiB) or the first bytes of a binary file',
    z.strictObject({ ...platformImageRef, path: imagePathSchema }),
  ),
  'files.diff': operation<FilesDiffResult>()(
    'query',
    'Two images compared (layers, config, files), when both are indexed; else which are not (start jobs.indexFiles with both)',
    z.strictObject({
      a: z.strictObject(platformImageRef),
      b: z.strictObject(platformImageRef),
    }),
  ),
} as const;
