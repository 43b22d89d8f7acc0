/**
 * The index of one layer: every tar entry (name, type, size, mode, owner,
 * mtime, link target, and the sha256 of a regular file's content), its
 * whiteouts and its opaque markers, in archive order. Made in one streamed
 * pass through the shared layer reader (extract/layer-entries.ts: the
 * compression sniffed from the bytes, the blob's digest checked at its end);
 * file contents are hashed as they pass and never kept.
 *
 * Held in columns (typed arrays and string arrays) rather than one object per
 * entry: a third of the memory, and it is read from and written to the cache
 * (index-format.ts) a column at a time.
 *
 * A layer's content never changes, so its index, once complete, is true for
 * good: FileIndexCache keeps it on disk by the layer's digest.
 */
import { createHash } from 'node:crypto';
import type { Layer } from '../image';
import { flatTypeOf } from '../extract/entry';
import { readLayerEntries, type EntryBody, type TarHeader } from '../extract/layer-entries';
import { parseWhiteout } from '../extract/paths';
import { FileIndexLimitError } from './errors';
import { imagePath } from './paths';

/** Record kinds, as stored (index-format.ts): never renumber. */
export const Kind = {
  file: 0,
  directory: 1,
  symlink: 2,
  hardlink: 3,
  /** Device node or FIFO. */
  other: 4,
  /** `path` is what the whiteout deletes. */
  whiteout: 5,
  /** `path` is the directory the marker empties. */
  opaque: 6,
  /** A tar entry type no filesystem holds; `links` has the type's name. */
  unsupported: 7,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];
export const KIND_COUNT = 8;

export interface LayerIndex {
  digest: string;
  count: number;
  kinds: Uint8Array;
  /** Image paths (files/paths.ts). */
  paths: string[];
  /** Permission bits. */
  modes: Uint16Array;
  uids: Uint32Array;
  gids: Uint32Array;
  /** Content bytes of files, else 0. */
  sizes: Float64Array;
  /** Milliseconds since the epoch (0 when the header's time is unusable). */
  mtimes: Float64Array;
  /** Position of the entry among all entries of the layer's tar, to find it again. */
  ordinals: Uint32Array;
  /** Symlink: the target as written. Hard link: the target as an image path. Unsupported: the tar type. Else ''. */
  links: string[];
  /** Files: hex sha256 of the content. Else ''. */
  hashes: string[];
}

/**
 * Tar entries of one layer. A tar of a million empty files is a few MB of
 * gzip; the largest layers of real images hold a few hundred thousand.
 */
export const MAX_LAYER_ENTRIES = 1_000_000;
/** Characters of all entry names and link targets of one layer (long names need PAX headers, so this is generous). */
export const MAX_LAYER_NAME_CHARS = 256 * 1024 * 1024;

export interface IndexLayerOptions {
  signal?: AbortSignal | undefined;
  /** Compressed bytes, as they are read. */
  onBytes?: (count: number) => void;
  /** The most tar entries (default MAX_LAYER_ENTRIES); lower only to test the bound. */
  maxEntries?: number;
}

export async function indexLayer(layer: Layer, opts: IndexLayerOptions = {}): Promise<LayerIndex> {
  const out = new LayerIndexBuilder(layer.digest);
  const maxEntries = opts.maxEntries ?? MAX_LAYER_ENTRIES;
  let ordinal = -1;
  let nameChars = 0;
  for await (const { header, body } of readLayerEntries(layer, opts)) {
    ordinal++;
    if (ordinal >= maxEntries) {
      throw new FileIndexLimitError(
        `Layer ${layer.digest} has more than ${maxEntries.toLocaleString('en-US')} entries, the most a file index holds ` +
          '(the largest layers of real images hold a few hundred thousand)',
        layer.digest,
      );
    }
    nameChars += header.name.length + (header.linkname?.length ?? 0);
    if (nameChars > MAX_LAYER_NAME_CHARS) {
      throw new FileIndexLimitError(
        `Layer ${layer.digest} has more than ${MAX_LAYER_NAME_CHARS / (1024 * 1024)} Mi characters of entry names, the most a file index holds`,
        layer.digest,
      );
    }
    const path = imagePath(header.name);
    const whiteout = parseWhiteout(path);
    if (whiteout) {
      if (whiteout.kind === 'delete') out.add(Kind.whiteout, whiteout.target, header, ordinal);
      else if (whiteout.kind === 'opaque') out.add(Kind.opaque, whiteout.dir, header, ordinal);
      continue;
    }
    switch (flatTypeOf(header.type)) {
      case 'file': {
        const { size, sha256 } = await hashBody(body);
        out.add(Kind.file, path, header, ordinal, size, '', sha256);
        break;
      }
      case 'directory':
        out.add(Kind.directory, path, header, ordinal);
        break;
      case 'symlink':
        out.add(Kind.symlink, path, header, ordinal, 0, header.linkname ?? '');
        break;
      case 'link':
        out.add(Kind.hardlink, path, header, ordinal, 0, imagePath(header.linkname ?? ''));
        break;
      case 'character-device':
      case 'block-device':
      case 'fifo':
        out.add(Kind.other, path, header, ordinal);
        break;
      case undefined:
        out.add(Kind.unsupported, path, header, ordinal, 0, String(header.type));
        break;
    }
  }
  return out.finish();
}

async function hashBody(body: EntryBody): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  const size = await body.consume((chunk) => hash.update(chunk));
  return { size, sha256: hash.digest('hex') };
}

/** `Date` values a tar header can hold that toISOString() would reject become the epoch. */
const MAX_DATE_MS = 8.64e15;

/** Owner ids as the index stores them: whole and 32-bit (as uid_t is), else 0. */
function ownerId(value: number | undefined): number {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : 0;
}

function mtimeOf(header: TarHeader): number {
  const ms = header.mtime?.getTime() ?? 0;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : 0;
}

/** Appends records to growing columns (indexLayer() fills one per layer; tests build indexes with it too). */
export class LayerIndexBuilder {
  private count = 0;
  private capacity = 1024;
  private kinds = new Uint8Array(this.capacity);
  private modes = new Uint16Array(this.capacity);
  private uids = new Uint32Array(this.capacity);
  private gids = new Uint32Array(this.capacity);
  private sizes = new Float64Array(this.capacity);
  private mtimes = new Float64Array(this.capacity);
  private ordinals = new Uint32Array(this.capacity);
  private readonly paths: string[] = [];
  private readonly links: string[] = [];
  private readonly hashes: string[] = [];

  constructor(private readonly digest: string) {}

  add(kind: Kind, path: string, header: TarHeader, ordinal: number, size = 0, link = '', sha256 = ''): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.kinds[i] = kind;
    this.modes[i] = (header.mode ?? 0) & 0o7777;
    this.uids[i] = ownerId(header.uid);
    this.gids[i] = ownerId(header.gid);
    this.sizes[i] = size;
    this.mtimes[i] = mtimeOf(header);
    this.ordinals[i] = ordinal;
    this.paths.push(path);
    this.links.push(link);
    this.hashes.push(sha256);
  }

  finish(): LayerIndex {
    const n = this.count;
    return {
      digest: this.digest,
      count: n,
      kinds: this.kinds.slice(0, n),
      paths: this.paths,
      modes: this.modes.slice(0, n),
      uids: this.uids.slice(0, n),
      gids: this.gids.slice(0, n),
      sizes: this.sizes.slice(0, n),
      mtimes: this.mtimes.slice(0, n),
      ordinals: this.ordinals.slice(0, n),
      links: this.links,
      hashes: this.hashes,
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(this.capacity);
      next.set(old);
      return next;
    };
    this.kinds = grown(this.kinds, (n) => new Uint8Array(n));
    this.modes = grown(this.modes, (n) => new Uint16Array(n));
    this.uids = grown(this.uids, (n) => new Uint32Array(n));
    this.gids = grown(this.gids, (n) => new Uint32Array(n));
    this.sizes = grown(this.sizes, (n) => new Float64Array(n));
    this.mtimes = grown(this.mtimes, (n) => new Float64Array(n));
    this.ordinals = grown(this.ordinals, (n) => new Uint32Array(n));
  }
}
