/**
 * The on-disk form of an image's flattened view (columns.ts's format, kind
 * "LDFV"): its listing already sorted, the content location of each file,
 * every layer's changes, and the skipped entries. The subject is the chain
 * of layer digests (viewKey()): a given list of layers always flattens to the
 * same view, so it never goes stale either.
 *
 * Reopening an image reads this one file instead of applying its layers'
 * indexes again. What decoding costs is kept to one object per entry and per
 * change: a change's path is stored as a reference to the entry of that path
 * when there is one (they then share one string), and content locations stay
 * in their columns until readImageFile asks for one.
 */
import { createHash } from 'node:crypto';
import { ColumnReader, ColumnWriter, CorruptFileError, type DigestColumn, type StringColumn } from './columns';
import { MAX_TOTAL_ENTRIES } from './layer-indexes';
import { isoCache, type ContentLocation, type ImageView } from './overlay';
import { findSorted } from './paths';
import type { ChangeKind, ImageFileEntry, ImageFileType, LayerChange, LayerChanges, SkippedFile } from './types';

const MAGIC = 'LDFV';
/** Bump on any change of the layout below or of what a column means. */
const VERSION = 1;

const TYPES: readonly ImageFileType[] = ['file', 'directory', 'symlink', 'hardlink', 'other'];
const TYPE_CODES = new Map(TYPES.map((t, i) => [t, i]));
const CHANGES: readonly ChangeKind[] = ['added', 'modified', 'deleted'];
const CHANGE_CODES = new Map(CHANGES.map((c, i) => [c, i]));

const hasContent = (type: ImageFileType | undefined): boolean => type === 'file' || type === 'hardlink';

/** The name of the view of these layers, in this order. */
export function viewKey(layerDigests: readonly string[]): string {
  return `sha256:${createHash('sha256').update(`lading file view\n${layerDigests.join('\n')}`).digest('hex')}`;
}

export function encodeView(key: string, view: ImageView): Buffer[] {
  const { entries, layers, wastedBytes, skipped } = view.files;
  const n = entries.length;
  const out = new ColumnWriter(MAGIC, VERSION, key);
  out.u32(n);
  out.strings(entries.map((e) => e.path));
  out.column(Uint8Array.from(entries, (e) => TYPE_CODES.get(e.type) ?? 0));
  out.column(Float64Array.from(entries, (e) => e.size));
  out.column(Uint16Array.from(entries, (e) => e.mode));
  out.column(Uint32Array.from(entries, (e) => e.uid));
  out.column(Uint32Array.from(entries, (e) => e.gid));
  out.column(view.mtimes);
  out.column(Uint32Array.from(entries, (e) => e.layer));
  out.strings(entries.map((e) => e.linkname ?? ''));
  out.digests(entries.map((e) => (hasContent(e.type) ? e.sha256 ?? '' : '')));
  const locations = entries.map((_, i) => view.locate(i));
  out.column(Uint32Array.from(locations, (l) => l?.layer ?? 0));
  out.column(Uint32Array.from(locations, (l) => l?.ordinal ?? 0));
  // Mostly the entry's own path: stored only when it differs.
  out.strings(locations.map((l, i) => (l === undefined || l.path === entries[i]!.path ? '' : l.path)));

  const entryIndex = new Map(entries.map((e, i) => [e.path, i]));
  out.u32(layers.length);
  for (const layer of layers) {
    const refs = layer.changes.map((c) => (entryIndex.get(c.path) ?? -1) + 1);
    out.string(layer.digest);
    out.f64(layer.addedBytes);
    out.u32(layer.fileCount);
    out.u32(layer.changes.length);
    out.column(Uint32Array.from(refs));
    out.strings(layer.changes.filter((_, i) => refs[i] === 0).map((c) => c.path));
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

/** What readImageFile needs of a view: one path's entry, where its content is, and what last happened to it. */
export interface ViewLookup {
  /** Index of the entry at `path`, or -1. */
  find(path: string): number;
  entry(i: number): ImageFileEntry;
  locate(i: number): ContentLocation | undefined;
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
  private readonly links: StringColumn;
  private readonly hashes: DigestColumn;
  private readonly bodyLayers: Uint32Array;
  private readonly ordinals: Uint32Array;
  private readonly bodyPaths: StringColumn;
  private readonly layers: LayerSection[] = [];
  private readonly wastedBytes: number;
  private readonly skippedPaths: StringColumn;
  private readonly skippedLayers: Uint32Array;
  private readonly reasons: StringColumn;

  /** Throws CorruptFileError for anything encodeView() did not write under `key`. */
  constructor(bytes: Buffer, key: string) {
    const input = new ColumnReader(bytes, MAGIC, VERSION, key);
    const n = input.u32();
    if (n > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${n} entries`);
    this.count = n;
    this.byteLength = bytes.length;
    this.paths = input.strings(n);
    this.typeCodes = input.column(new Uint8Array(n));
    for (const code of this.typeCodes) if (code >= TYPES.length) throw new CorruptFileError('unknown entry type');
    this.sizes = input.column(new Float64Array(n));
    this.modes = input.column(new Uint16Array(n));
    this.uids = input.column(new Uint32Array(n));
    this.gids = input.column(new Uint32Array(n));
    this.mtimes = input.column(new Float64Array(n));
    this.layerOf = input.column(new Uint32Array(n));
    this.links = input.strings(n);
    this.hashes = input.digests(n, (i) => hasContent(TYPES[this.typeCodes[i]!]));
    this.bodyLayers = input.column(new Uint32Array(n));
    this.ordinals = input.column(new Uint32Array(n));
    this.bodyPaths = input.strings(n);

    const layerCount = input.u32();
    if (layerCount > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${layerCount} layers`);
    for (let l = 0; l < layerCount; l++) {
      const digest = input.string();
      const addedBytes = input.f64();
      const fileCount = input.u32();
      const count = input.u32();
      if (count > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${count} changes`);
      const refs = input.column(new Uint32Array(count));
      let unlisted = 0;
      for (const ref of refs) {
        if (ref === 0) unlisted++;
        else if (ref > n) throw new CorruptFileError('change of an entry that is not there');
      }
      const ownPaths = input.strings(unlisted);
      const types = input.column(new Uint8Array(count));
      const kinds = input.column(new Uint8Array(count));
      for (let i = 0; i < count; i++) {
        if (types[i]! >= TYPES.length || kinds[i]! >= CHANGES.length) throw new CorruptFileError('unknown change');
      }
      const sizes = input.column(new Float64Array(count));
      this.layers.push({ digest, addedBytes, fileCount, count, refs, ownPaths, types, kinds, sizes });
    }
    this.wastedBytes = input.f64();
    const skippedCount = input.u32();
    if (skippedCount > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${skippedCount} skipped entries`);
    this.skippedPaths = input.strings(skippedCount);
    this.skippedLayers = input.column(new Uint32Array(skippedCount));
    this.reasons = input.strings(skippedCount);
    input.finish();
  }

  /** The digests of the layers the view was made of, oldest first. */
  get layerDigests(): string[] {
    return this.layers.map((l) => l.digest);
  }

  find(path: string): number {
    return findSorted(this.count, (i) => this.paths.get(i), path);
  }

  entry(i: number, path = this.paths.get(i), iso: (ms: number) => string = isoString, link?: string, sha256?: string): ImageFileEntry {
    const type = TYPES[this.typeCodes[i]!]!;
    const mtime = iso(this.mtimes[i]!);
    const { sizes, modes, uids, gids, layerOf } = this;
    // One literal per shape (no spreads): materialising a view is mostly this.
    switch (type) {
      case 'file':
        return { path, type, size: sizes[i]!, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, sha256: sha256 ?? this.hashes.get(i), layer: layerOf[i]! };
      case 'hardlink':
        return {
          path, type, size: sizes[i]!, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, linkname: link ?? this.links.get(i),
          sha256: sha256 ?? this.hashes.get(i), layer: layerOf[i]!,
        };
      case 'symlink':
        return { path, type, size: 0, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, linkname: link ?? this.links.get(i), layer: layerOf[i]! };
      default:
        return { path, type, size: 0, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, layer: layerOf[i]! };
    }
  }

  locate(i: number): ContentLocation | undefined {
    if (!hasContent(TYPES[this.typeCodes[i]!])) return undefined;
    return {
      layer: this.bodyLayers[i]!,
      ordinal: this.ordinals[i]!,
      path: this.bodyPaths.get(i) || this.paths.get(i),
      size: this.sizes[i]!,
      sha256: this.hashes.get(i),
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
      if (at >= 0) return { layer: l, change: CHANGES[section.kinds[at]!]! };
    }
    return undefined;
  }

  /** Everything, as listImageFiles returns it. */
  view(): ImageView {
    const paths = this.paths.all();
    const links = this.links.all();
    const hashes = this.hashes.all();
    const iso = isoCache();
    const entries = new Array<ImageFileEntry>(this.count);
    for (let i = 0; i < this.count; i++) entries[i] = this.entry(i, paths[i]!, iso, links[i]!, hashes[i]!);
    const layers: LayerChanges[] = this.layers.map((section) => {
      const own = section.ownPaths.all();
      const changes = new Array<LayerChange>(section.count);
      let next = 0;
      for (let i = 0; i < section.count; i++) {
        const ref = section.refs[i]!;
        changes[i] = {
          path: ref === 0 ? own[next++]! : paths[ref - 1]!,
          type: TYPES[section.types[i]!]!,
          size: section.sizes[i]!,
          change: CHANGES[section.kinds[i]!]!,
        };
      }
      return { digest: section.digest, changes, addedBytes: section.addedBytes, fileCount: section.fileCount };
    });
    const skippedPaths = this.skippedPaths.all();
    const reasons = this.reasons.all();
    const skipped: SkippedFile[] = skippedPaths.map((path, i) => ({ path, layer: this.skippedLayers[i]!, reason: reasons[i]! }));
    return { files: { entries, layers, wastedBytes: this.wastedBytes, skipped }, locate: (i) => this.locate(i), mtimes: this.mtimes };
  }
}

interface LayerSection {
  digest: string;
  addedBytes: number;
  fileCount: number;
  count: number;
  /** Per change: 1 + the index of the entry with its path, or 0 when its path is in ownPaths (in order). */
  refs: Uint32Array;
  ownPaths: StringColumn;
  types: Uint8Array;
  kinds: Uint8Array;
  sizes: Float64Array;
}

/** For each change with its own path, which of the own paths it is. */
function ownIndexes(refs: Uint32Array): Int32Array {
  const out = new Int32Array(refs.length);
  let next = 0;
  for (let i = 0; i < refs.length; i++) out[i] = refs[i] === 0 ? next++ : -1;
  return out;
}

function isoString(ms: number): string {
  return new Date(ms).toISOString();
}
