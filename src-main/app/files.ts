/**
 * The files inside images, for the Files and Compare tabs: one file index
 * cache per app (in the data folder, bounded), listings and diffs from it, and
 * previews of single files.
 *
 * Reading an image's layers takes seconds for a big image, so it is a job
 * (index-files-job.ts: progress per layer, cancel) and never happens inside a
 * query: `list` and `diff` answer from memory or the cache, or say what is not
 * indexed yet. What a job made is kept in memory as well, so the tab that
 * started it gets it even when the disk cache could not keep it (full, or the
 * listing larger than its bound).
 */
import { join } from 'node:path';
import {
  diffImages,
  FileIndexCache,
  listCachedImageFiles,
  listCachedImageFilesHead,
  readImageFile,
  type Image,
  type ImageDiff,
  type ImageFiles,
} from '../registry/index';
import type { JobStarted } from '../../src-shared/contract';
import {
  HEAD_ROWS,
  PREVIEW_HEX_BYTES,
  PREVIEW_TEXT_BYTES,
  type FileListing,
  type FilePreview,
  type FilesDiffResult,
  type FilesListResult,
  type ImageDiffView,
} from '../../src-shared/files';
import type { ClientPool } from './clients';
import { approximateBytes, encodeDiff, encodeHead, encodeListing, headOf } from './file-listing';
import { RecentValues } from './recent-values';

export interface ImageInput {
  connectionId: string;
  repository: string;
  reference: string;
  platform?: string | undefined;
}

export interface FilesServiceOptions {
  pool: ClientPool;
  /** The app's data folder: the cache is its `file-index` folder. */
  dataDir: string;
  /** The most the cache folder may take. Default: the library's (512 MiB). */
  cacheMaxBytes?: number | undefined;
  /** Listings and diffs kept in memory, about. Default 64 MiB. */
  memoryBytes?: number | undefined;
}

export const FILE_INDEX_FOLDER = 'file-index';
const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

export class FilesService {
  readonly cache: FileIndexCache;
  private readonly pool: ClientPool;
  private readonly recent: RecentValues<FileListing | ImageDiffView>;
  /** The preview being read of each image: a newer one for the same image cancels it (the tab shows one). */
  private readonly previews = new Map<string, AbortController>();
  /** Index jobs running, by what they index: asking again joins the running one. */
  private readonly indexing = new Map<string, { started: JobStarted; running: () => boolean }>();
  /** Connection, repository and manifest digest of the images `list` found in their registry, oldest first. */
  private readonly seen = new Set<string>();

  constructor(options: FilesServiceOptions) {
    this.pool = options.pool;
    this.cache = new FileIndexCache(join(options.dataDir, FILE_INDEX_FOLDER), {
      ...(options.cacheMaxBytes !== undefined ? { maxBytes: options.cacheMaxBytes } : {}),
    });
    this.recent = new RecentValues(options.memoryBytes ?? DEFAULT_MEMORY_BYTES, approximateBytes);
  }

  /** Runs `fn` with the image, holding its connection's client until `fn` settles. */
  withImage<T>(input: ImageInput, signal: AbortSignal | undefined, fn: (image: Image) => Promise<T>): Promise<T> {
    return this.pool.use(input.connectionId, async (client) => {
      const image = await client
        .withSegment(input.repository)
        .getImage(input.reference, { ...(signal ? { signal } : {}), ...(input.platform ? { platform: input.platform } : {}) });
      return fn(image);
    });
  }

  /** The same for one or two images (a compare), all held until `fn` settles. */
  withImages<T>(inputs: readonly ImageInput[], signal: AbortSignal | undefined, fn: (images: Image[]) => Promise<T>): Promise<T> {
    const [first, ...rest] = inputs;
    if (!first) return fn([]);
    return this.withImage(first, signal, (image) => this.withImages(rest, signal, (others) => fn([image, ...others])));
  }

  async list(input: ImageInput): Promise<FilesListResult> {
    return this.listed(
      input,
      (listing) => listing,
      async (image) => {
        const files = await listCachedImageFiles(image, { cache: this.cache });
        return files && this.keepListing(image, files);
      },
    );
  }

  /**
   * The start of the listing (HEAD_ROWS entries) and its totals, for the first
   * rows of a tree while the whole listing is on its way (list): from memory,
   * or from the cache without making the whole listing.
   */
  async head(input: ImageInput): Promise<FilesListResult> {
    return this.listed(
      input,
      (listing) => headOf(listing, HEAD_ROWS),
      async (image) => {
        const head = await listCachedImageFilesHead(image, { cache: this.cache, rows: HEAD_ROWS });
        return (
          head &&
          encodeHead(
            image.digest,
            head,
            image.layers.map((l) => l.size),
          )
        );
      },
    );
  }

  /** What list and head share: a listing kept in memory (`fromKept`), else from the cache (`fromCache`), else what to index. */
  private async listed(
    input: ImageInput,
    fromKept: (listing: FileListing) => FileListing,
    fromCache: (image: Image) => Promise<FileListing | undefined>,
  ): Promise<FilesListResult> {
    // A reopen by digest answers from memory without asking the registry for the manifest again (two round trips to a
    // remote registry, most of the time to the first rows): this repository was seen to hold that digest before.
    const known = isDigest(input.reference) && !input.platform && this.seen.has(seenKey(input, input.reference));
    const keptBefore = known ? this.recent.get(listingKey(input.reference)) : undefined;
    if (keptBefore && 'names' in keptBefore) return { indexed: true, listing: fromKept(keptBefore) };
    return this.withImage(input, undefined, async (image) => {
      this.noteSeen(seenKey(input, image.digest));
      const kept = this.recent.get(listingKey(image.digest));
      if (kept && 'names' in kept) return { indexed: true, listing: fromKept(kept) };
      const listing = await fromCache(image);
      if (!listing) return { indexed: false, digest: image.digest, layers: image.layers.map(({ digest, size }) => ({ digest, size })) };
      return { indexed: true, listing };
    });
  }

  /** Notes that a repository of a connection holds a manifest digest; the oldest is forgotten past MAX_SEEN. */
  private noteSeen(key: string): void {
    this.seen.delete(key);
    this.seen.add(key);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.values().next().value!);
  }

  /** What an index job made, in the contract's form, kept for `list`. */
  keepListing(image: Image, files: ImageFiles): FileListing {
    const listing = encodeListing(
      image.digest,
      files,
      image.layers.map((l) => l.size),
    );
    this.recent.set(listingKey(image.digest), listing);
    return listing;
  }

  async diff(a: ImageInput, b: ImageInput): Promise<FilesDiffResult> {
    return this.withImages([a, b], undefined, async ([imageA, imageB]) => {
      if (!imageA || !imageB) throw new Error('two images are needed');
      const kept = this.recent.get(diffKey(imageA, imageB));
      if (kept && !('names' in kept)) return { indexed: true, diff: kept };
      const [filesA, filesB] = await Promise.all([imageA, imageB].map((image) => listCachedImageFiles(image, { cache: this.cache })));
      const missing = [...(filesA ? [] : ['a' as const]), ...(filesB ? [] : ['b' as const])];
      if (missing.length > 0) return { indexed: false, missing };
      // Both views are cached (and still in the cache's memory): this reads no layer.
      return { indexed: true, diff: this.keepDiff(imageA, imageB, await diffImages(imageA, imageB, { cache: this.cache })) };
    });
  }

  keepDiff(a: Image, b: Image, diff: ImageDiff): ImageDiffView {
    const view = encodeDiff(a, b, diff);
    this.recent.set(diffKey(a, b), view);
    return view;
  }

  /**
   * The start of one file: text when its first bytes are UTF-8 without NULs,
   * else the first bytes for a hex view. A file read to its end is checked
   * against the hash the index recorded; the start of a longer one is what
   * the layer holds there, unchecked until read whole (readImageFile).
   */
  async read(input: ImageInput & { path: string }): Promise<FilePreview> {
    const controller = new AbortController();
    return this.withImage(input, controller.signal, async (image) => {
      this.previews.get(image.digest)?.abort(new Error('A newer preview of this image replaced this one'));
      this.previews.set(image.digest, controller);
      try {
        const stream = await readImageFile(image, input.path, { cache: this.cache, signal: controller.signal });
        const chunks: Buffer[] = [];
        let length = 0;
        // Breaking out destroys the stream: the layer is read no further.
        for await (const chunk of stream) {
          chunks.push(chunk as Buffer);
          length += (chunk as Buffer).length;
          if (length > PREVIEW_TEXT_BYTES) break;
        }
        const bytes = Buffer.concat(chunks, length);
        return previewOf(input.path, bytes);
      } finally {
        if (this.previews.get(image.digest) === controller) this.previews.delete(image.digest);
      }
    });
  }

  /** A running index job for the same images, if any. */
  runningIndex(key: string): JobStarted | undefined {
    const job = this.indexing.get(key);
    if (job && job.running()) return job.started;
    this.indexing.delete(key);
    return undefined;
  }

  noteIndex(key: string, started: JobStarted, running: () => boolean): void {
    this.indexing.set(key, { started, running });
  }
}

const MAX_SEEN = 10_000;

function isDigest(reference: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(reference);
}

function seenKey(input: ImageInput, digest: string): string {
  return JSON.stringify([input.connectionId, input.repository, digest]);
}

function listingKey(digest: string): string {
  return `listing ${digest}`;
}

function diffKey(a: Image, b: Image): string {
  return `diff ${a.digest} ${b.digest}`;
}

/** `bytes` holds one byte more than a preview shows when the file is longer. */
export function previewOf(path: string, bytes: Buffer): FilePreview {
  const truncated = bytes.length > PREVIEW_TEXT_BYTES;
  const shown = truncated ? bytes.subarray(0, PREVIEW_TEXT_BYTES) : bytes;
  const text = shown.includes(0) ? undefined : decodeUtf8(shown, truncated);
  if (text !== undefined) return { path, kind: 'text', text, truncated };
  const head = bytes.subarray(0, PREVIEW_HEX_BYTES);
  return { path, kind: 'binary', head: head.toString('base64'), truncated: bytes.length > head.length };
}

/** The bytes as UTF-8, or undefined when they are not; a cut may end inside a character, which is left out. */
function decodeUtf8(bytes: Buffer, cut: boolean): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return undefined;
  }
}
