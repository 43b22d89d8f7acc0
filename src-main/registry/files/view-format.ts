/**
 * The on-disk form of an image's flattened view (columns.ts's format, kind
 * "LDFV"): its listing already sorted, where each file's content is, every
 * layer's changes, and the skipped entries. The subject is the chain of layer
 * digests (viewKey()): a given list of layers always flattens to the same
 * view, so it never goes stale either.
 *
 *   u32 n  paths  types u8[n]  sizes f64[n]  modes u16[n]  uids u32[n]  gids u32[n]  mtimes f64[n]  layers u32[n]
 *   link targets of the symlinks and hard links, in entry order
 *   sha256, body layer u32, ordinal u32 and (when not the entry's own) tar name of the files and hard links, in entry order
 *   u32 layer count, each: digest  addedBytes f64  fileCount u32  u32 changes  u32 own
 *     refs u32[changes] (1 + the entry index with that path, or 0: the next of its own paths)  own paths
 *     types u8[]  kinds u8[]  sizes f64[]
 *   wastedBytes f64  u32 skipped  paths  layers u32[]  reasons
 *
 * Reopening an image reads this one file instead of applying its layers'
 * indexes again, and that is what a reopen costs, so reading is kept to the
 * least: nothing is walked entry by entry but the one loop that makes the
 * listing's objects (a fresh process runs such loops in the interpreter
 * first); a change's path is the string of its entry's; changes and content
 * locations are made only when asked for.
 */
import { createHash } from 'node:crypto';
import { ColumnReader, ColumnWriter, CorruptFileError, type DigestList, type StringColumn } from './columns';
import { MAX_TOTAL_ENTRIES } from './layer-indexes';
import { isoCache, type ContentLocation, type ImageView } from './overlay';
import { comparePaths, findSorted } from './paths';
import type { ChangeKind, ImageFileEntry, ImageFiles, ImageFileType, LayerChange, LayerChanges, SkippedFile } from './types';

const MAGIC = 'LDFV';
/** Bump on any change of the layout above or of what a column means. */
const VERSION = 3;

const TYPES: readonly ImageFileType[] = ['file', 'directory', 'symlink', 'hardlink', 'other'];
const TYPE_CODES = new Map(TYPES.map((t, i) => [t, i]));
const CHANGES: readonly ChangeKind[] = ['added', 'modified', 'deleted'];
const CHANGE_CODES = new Map(CHANGES.map((c, i) => [c, i]));

const hasContent = (type: ImageFileType | undefined): boolean => type === 'file' || type === 'hardlink';
const hasLink = (type: ImageFileType | undefined): boolean => type === 'symlink' || type === 'hardlink';

/** The name of the view of these layers, in this order. */
export function viewKey(layerDigests: readonly string[]): string {
  return `sha256:${createHash('sha256')
    .update(`lading file view\n${layerDigests.join('\n')}`)
    .digest('hex')}`;
}

export function encodeView(key: string, view: ImageView): Buffer[] {
  const { entries, layers, wastedBytes, skipped } = view.files;
  const out = new ColumnWriter(MAGIC, VERSION, key, { aligned: true });
  out.u32(entries.length);
  out.strings(entries.map((e) => e.path));
  out.column(Uint8Array.from(entries, (e) => TYPE_CODES.get(e.type) ?? 0));
  out.column(Float64Array.from(entries, (e) => e.size));
  out.column(Uint16Array.from(entries, (e) => e.mode));
  out.column(Uint32Array.from(entries, (e) => e.uid));
  out.column(Uint32Array.from(entries, (e) => e.gid));
  out.column(view.mtimes);
  out.column(Uint32Array.from(entries, (e) => e.layer));
  const linked = entries.filter((e) => hasLink(e.type));
  out.u32(linked.length);
  out.strings(linked.map((e) => e.linkname ?? ''));
  const withContent = entries.flatMap((e, i) => (hasContent(e.type) ? [{ entry: e, at: view.locate(i) }] : []));
  out.digests(withContent.map(({ entry }) => entry.sha256 ?? ''));
  out.column(Uint32Array.from(withContent, ({ at }) => at?.layer ?? 0));
  out.column(Uint32Array.from(withContent, ({ at }) => at?.ordinal ?? 0));
  // Mostly the entry's own path: stored only when it differs.
  out.strings(withContent.map(({ entry, at }) => (at === undefined || at.path === entry.path ? '' : at.path)));

  out.u32(layers.length);
  for (const layer of layers) {
    const refs = entryRefs(entries, layer.changes);
    const own = layer.changes.filter((_, i) => refs[i] === 0).map((c) => c.path);
    out.string(layer.digest);
    out.f64(layer.addedBytes);
    out.u32(layer.fileCount);
    out.u32(layer.changes.length);
    out.u32(own.length);
    out.column(refs);
    out.strings(own);
    out.column(Uint8Array.from(layer.changes, (c) => TYPE_CODES.get(c.type) ?? 0));
    out.column(Uint8Array.from(layer.changes, (c) => CHANGE_CODES.get(c.change) ?? 0));
    out.column(Float64Array.from(layer.changes, (c) => c.size));
  }
  out.f64(wastedBytes);
  out.u32(skipped.length);
  out.strings(skipped.map((s) => s.path));
  out.column(Uint32Array.from(skipped, (s) => s.layer));
  out.strings(skipped.map((s) => s.reason));
  return out.finish();
}

/** Per change, 1 + the index of the entry with its path, or 0: both lists are sorted by path, so one merge walk finds them. */
function entryRefs(entries: readonly ImageFileEntry[], changes: readonly LayerChange[]): Uint32Array {
  const refs = new Uint32Array(changes.length);
  let e = 0;
  for (let c = 0; c < changes.length; c++) {
    const path = changes[c]!.path;
    while (e < entries.length && comparePaths(entries[e]!.path, path) < 0) e++;
    if (e < entries.length && entries[e]!.path === path) refs[c] = e + 1;
  }
  return refs;
}

/** What readImageFile needs of a view: one path's entry, where its content is, and what last happened to it. */
export interface ViewLookup {
  /** Index of the entry at `path`, or -1. */
  find(path: string): number;
  entry(i: number): ImageFileEntry;
  locate(i: number): ContentLocation | undefined;
  /** The highest layer with a change at `path`, and that change; undefined when no layer touched it. */
  lastChange(path: string): { layer: number; change: ChangeKind } | undefined;
}

/** A view in memory (just made), as a ViewLookup. */
export function lookupOf(view: ImageView): ViewLookup {
  const { entries, layers } = view.files;
  return {
    find: (path) => findSorted(entries.length, (i) => entries[i]!.path, path),
    entry: (i) => entries[i]!,
    locate: (i) => view.locate(i),
    lastChange(path) {
      for (let l = layers.length - 1; l >= 0; l--) {
        const changes = layers[l]!.changes;
        const at = findSorted(changes.length, (i) => changes[i]!.path, path);
        if (at >= 0) return { layer: l, change: changes[at]!.change };
      }
      return undefined;
    },
  };
}

/**
 * A view file, checked whole (its checksum) and read lazily: the typed
 * columns are copied at once, strings and digests are decoded when asked
 * for. readImageFile finds one path with a binary search that decodes a few
 * names; listImageFiles asks for everything (view()).
 */
export class ViewReader implements ViewLookup {
  readonly count: number;
  /** Size of the file read, which this reader keeps. */
  readonly byteLength: number;
  private readonly paths: StringColumn;
  private readonly typeCodes: Uint8Array;
  private readonly sizes: Float64Array;
  private readonly modes: Uint16Array;
  private readonly uids: Uint32Array;
  private readonly gids: Uint32Array;
  private readonly mtimes: Float64Array;
  private readonly layerOf: Uint32Array;
  /** Of the symlinks and hard links, in entry order. */
  private readonly links: StringColumn;
  /** Of the files and hard links, in entry order. */
  private readonly hashes: DigestList;
  private readonly bodyLayers: Uint32Array;
  private readonly ordinals: Uint32Array;
  private readonly bodyPaths: StringColumn;
  private readonly layers: LayerSection[] = [];
  private readonly wastedBytes: number;
  private readonly skippedPaths: StringColumn;
  private readonly skippedLayers: Uint32Array;
  private readonly reasons: StringColumn;
  /** Row -> its place among the rows with a link target, and among those with content; made on the first lookup. */
  private ranks: { link: Int32Array; content: Int32Array } | undefined;

  /**
   * Throws CorruptFileError for anything encodeView() did not write under
   * `key`. The checksum vouches for every byte, so the columns are walked
   * here only once, over the types (rankings()); the rest is left to the loops that use them.
   */
  constructor(bytes: Buffer, key: string) {
    const input = new ColumnReader(bytes, MAGIC, VERSION, key, { aligned: true });
    const n = input.u32();
    if (n > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${n} entries`);
    this.count = n;
    this.byteLength = bytes.length;
    this.paths = input.strings(n);
    this.typeCodes = input.column(Uint8Array, n);
    this.sizes = input.column(Float64Array, n);
    this.modes = input.column(Uint16Array, n);
    this.uids = input.column(Uint32Array, n);
    this.gids = input.column(Uint32Array, n);
    this.mtimes = input.column(Float64Array, n);
    this.layerOf = input.column(Uint32Array, n);
    const linked = input.u32();
    if (linked > n) throw new CorruptFileError(`${linked} link targets`);
    this.links = input.strings(linked);
    this.hashes = input.digests();
    const withContent = this.hashes.length;
    if (withContent > n) throw new CorruptFileError(`${withContent} digests`);
    this.bodyLayers = input.column(Uint32Array, withContent);
    this.ordinals = input.column(Uint32Array, withContent);
    this.bodyPaths = input.strings(withContent);

    const layerCount = input.u32();
    if (layerCount > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${layerCount} layers`);
    for (let l = 0; l < layerCount; l++) {
      const digest = input.string();
      const addedBytes = input.f64();
      const fileCount = input.u32();
      const count = input.u32();
      const own = input.u32();
      if (count > MAX_TOTAL_ENTRIES || own > count) throw new CorruptFileError(`${count} changes`);
      const refs = input.column(Uint32Array, count);
      const ownPaths = input.strings(own);
      const types = input.column(Uint8Array, count);
      const kinds = input.column(Uint8Array, count);
      const sizes = input.column(Float64Array, count);
      this.layers.push({ digest, addedBytes, fileCount, count, refs, ownPaths, types, kinds, sizes });
    }
    this.wastedBytes = input.f64();
    const skippedCount = input.u32();
    if (skippedCount > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${skippedCount} skipped entries`);
    this.skippedPaths = input.strings(skippedCount);
    this.skippedLayers = input.column(Uint32Array, skippedCount);
    this.reasons = input.strings(skippedCount);
    input.finish();
    // One pass over the types: link targets and digests must match the entries, or the file is a miss (and rebuilt)
    // before anything is read from it, rather than an error when its entries are first read.
    this.rankings();
  }

  /** The digests of the layers the view was made of, oldest first. */
  get layerDigests(): string[] {
    return this.layers.map((l) => l.digest);
  }

  find(path: string): number {
    return findSorted(this.count, (i) => this.paths.get(i), path);
  }

  entry(i: number): ImageFileEntry {
    const { link, content } = this.rankings();
    return this.make(
      i,
      this.paths.get(i),
      new Date(this.mtimes[i]!).toISOString(),
      (j) => this.links.get(link[j]!),
      (j) => this.hashes.get(content[j]!),
    );
  }

  locate(i: number): ContentLocation | undefined {
    const k = this.rankings().content[i]!;
    if (k < 0) return undefined;
    return {
      layer: this.bodyLayers[k]!,
      ordinal: this.ordinals[k]!,
      path: this.bodyPaths.get(k) || this.paths.get(i),
      size: this.sizes[i]!,
      sha256: this.hashes.get(k),
    };
  }

  lastChange(path: string): { layer: number; change: ChangeKind } | undefined {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const section = this.layers[l]!;
      const ownIndex = ownIndexes(section.refs);
      const pathOf = (i: number): string => {
        const ref = section.refs[i]!;
        return ref === 0 ? section.ownPaths.get(ownIndex[i]!) : this.paths.get(ref - 1);
      };
      const at = findSorted(section.count, pathOf, path);
      if (at >= 0) return { layer: l, change: CHANGES[section.kinds[at]!] ?? 'modified' };
    }
    return undefined;
  }

  /**
   * The first `rows` entries (in path order) and what the whole listing adds
   * up to, without making the other entries: what a tree shows first.
   */
  head(rows: number): ListingHead {
    const entries: ImageFileEntry[] = [];
    for (let i = 0; i < Math.min(rows, this.count); i++) entries.push(this.entry(i));
    let fileBytes = 0;
    const fileCode = TYPE_CODES.get('file');
    for (let i = 0; i < this.count; i++) if (this.typeCodes[i] === fileCode) fileBytes += this.sizes[i]!;
    return {
      total: this.count,
      entries,
      layers: this.layers.map(({ digest, addedBytes, fileCount }) => ({ digest, addedBytes, fileCount })),
      wastedBytes: this.wastedBytes,
      fileBytes,
      skippedCount: this.skippedPaths.length,
    };
  }

  /**
   * Everything, as listImageFiles returns it. The entries are made when first
   * read (as each layer's changes are): a reopen that looks at a few paths, or
   * at none, does not pay for 100,000 objects it never uses.
   */
  view(): ImageView {
    // Decoded once, for the entries and for the changes that name their paths, whichever is read first.
    let paths: string[] | undefined;
    const allPaths = (): string[] => (paths ??= this.paths.all());
    const layers = this.layers.map((section) => lazyChanges(section, () => this.changesOf(section, allPaths())));
    const skippedPaths = this.skippedPaths.all();
    const reasons = this.reasons.all();
    const skipped: SkippedFile[] = skippedPaths.map((path, i) => ({ path, layer: this.skippedLayers[i]!, reason: reasons[i]! }));
    const files = lazyEntries({ layers, wastedBytes: this.wastedBytes, skipped }, () => this.allEntries(allPaths()));
    return { files, locate: (i) => this.locate(i), mtimes: this.mtimes };
  }

  private allEntries(paths: readonly string[]): ImageFileEntry[] {
    const links = this.links.all();
    const hex = this.hashes.hex();
    const iso = isoCache();
    const entries = new Array<ImageFileEntry>(this.count);
    let nextLink = 0;
    let nextHash = 0;
    const takeLink = (): string => links[nextLink++] ?? '';
    const takeHash = (): string => hex.slice(64 * nextHash, 64 * ++nextHash);
    // The one loop over every entry (see the top of the file): links and digests are taken in step.
    for (let i = 0; i < this.count; i++) entries[i] = this.make(i, paths[i]!, iso(this.mtimes[i]!), takeLink, takeHash);
    if (nextLink !== links.length || 64 * nextHash !== hex.length)
      throw new CorruptFileError('link targets or digests do not match the entries');
    return entries;
  }

  private changesOf(section: LayerSection, paths: readonly string[]): LayerChange[] {
    const own = section.ownPaths.all();
    const changes = new Array<LayerChange>(section.count);
    let next = 0;
    for (let i = 0; i < section.count; i++) {
      const ref = section.refs[i]!;
      changes[i] = {
        path: (ref === 0 ? own[next++] : paths[ref - 1]) ?? '',
        type: TYPES[section.types[i]!] ?? 'other',
        size: section.sizes[i]!,
        change: CHANGES[section.kinds[i]!] ?? 'modified',
      };
    }
    return changes;
  }

  /** One entry; `link` and `sha256` are asked for only by the types that have them. */
  private make(i: number, path: string, mtime: string, link: (i: number) => string, sha256: (i: number) => string): ImageFileEntry {
    const type = TYPES[this.typeCodes[i]!];
    const { sizes, modes, uids, gids, layerOf } = this;
    // One literal per shape (no spreads): materialising a view is mostly this.
    switch (type) {
      case 'file':
        return { path, type, size: sizes[i]!, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, sha256: sha256(i), layer: layerOf[i]! };
      case 'hardlink':
        return {
          path,
          type,
          size: sizes[i]!,
          mode: modes[i]!,
          uid: uids[i]!,
          gid: gids[i]!,
          mtime,
          linkname: link(i),
          sha256: sha256(i),
          layer: layerOf[i]!,
        };
      case 'symlink':
        return { path, type, size: 0, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, linkname: link(i), layer: layerOf[i]! };
      case 'directory':
      case 'other':
        return { path, type, size: 0, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, layer: layerOf[i]! };
      default:
        throw new CorruptFileError('unknown entry type');
    }
  }

  private rankings(): { link: Int32Array; content: Int32Array } {
    if (!this.ranks) {
      const link = new Int32Array(this.count).fill(-1);
      const content = new Int32Array(this.count).fill(-1);
      let links = 0;
      let contents = 0;
      for (let i = 0; i < this.count; i++) {
        const type = TYPES[this.typeCodes[i]!];
        if (hasLink(type)) link[i] = links++;
        if (hasContent(type)) content[i] = contents++;
      }
      if (links !== this.links.length || contents !== this.hashes.length)
        throw new CorruptFileError('link targets or digests do not match the entries');
      this.ranks = { link, content };
    }
    return this.ranks;
  }
}

interface LayerSection {
  digest: string;
  addedBytes: number;
  fileCount: number;
  count: number;
  /** Per change: 1 + the index of the entry with its path, or 0 when its path is the next of ownPaths. */
  refs: Uint32Array;
  ownPaths: StringColumn;
  types: Uint8Array;
  kinds: Uint8Array;
  sizes: Float64Array;
}

/**
 * Makes `obj[key]` a property made on first read by `make`: reading it (JSON,
 * structured clone, a spread) makes a plain value, which then stays;
 * assigning replaces it. `obj` already lists `key` where it belongs among its
 * keys (a placeholder), so the object looks as a plain one would.
 */
function madeOnFirstRead<T extends object, K extends keyof T>(obj: T, key: K, make: () => T[K]): T {
  const settle = (value: T[K]): T[K] => {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    return value;
  };
  Object.defineProperty(obj, key, { enumerable: true, configurable: true, get: () => settle(make()), set: settle });
  return obj;
}

/**
 * A layer's changes made on first read: a reopened image shows its tree
 * before anyone asks what one layer changed, and there are about as many
 * changes as entries.
 */
function lazyChanges(section: LayerSection, decode: () => LayerChange[]): LayerChanges {
  const layer: LayerChanges = { digest: section.digest, changes: [], addedBytes: section.addedBytes, fileCount: section.fileCount };
  return madeOnFirstRead(layer, 'changes', decode);
}

/** The entries of a listing made on first read, for the same reason as a layer's changes (lazyChanges). */
function lazyEntries(rest: Omit<ImageFiles, 'entries'>, make: () => ImageFileEntry[]): ImageFiles {
  // `entries` first among the keys, as in a listing made from the layers.
  const files: ImageFiles = { entries: [], ...rest };
  return madeOnFirstRead(files, 'entries', make);
}

/** The start of a listing, and what the whole of it adds up to (ViewReader.head()). */
export interface ListingHead {
  /** Entries in the whole listing. */
  total: number;
  /** The first entries, in path order. */
  entries: ImageFileEntry[];
  layers: { digest: string; addedBytes: number; fileCount: number }[];
  wastedBytes: number;
  /** Content bytes of the regular files of the whole listing. */
  fileBytes: number;
  skippedCount: number;
}

/** For each change with its own path, which of the own paths it is (-1 for the others). */
function ownIndexes(refs: Uint32Array): Int32Array {
  const out = new Int32Array(refs.length);
  let next = 0;
  for (let i = 0; i < refs.length; i++) out[i] = refs[i] === 0 ? next++ : -1;
  return out;
}
