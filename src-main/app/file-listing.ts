/**
 * The library's listing and diff in the contract's column form
 * (src-shared/files.ts): one array per field, each entry naming its parent
 * entry and its base name. Both lists are sorted by path, so the changes of a
 * layer find their entries with one merge walk.
 */
import {
  CHANGE_KINDS,
  FILE_TYPES,
  MAX_SKIPPED_LISTED,
  type FileListing,
  type FileType,
  type ImageDiffView,
  type LayerChangeColumns,
} from '../../src-shared/files';
import type { ChangeKind, ImageDiff, ImageFileEntry, ImageFiles, LayerChanges, ListingHead } from '../registry/index';

const TYPE_CODES = new Map<FileType, number>(FILE_TYPES.map((t, i) => [t, i]));
const KIND_CODES = new Map<ChangeKind, number>(CHANGE_KINDS.map((k, i) => [k, i]));

const typeCode = (type: FileType): number => TYPE_CODES.get(type) ?? FILE_TYPES.indexOf('other');
const LINKED_CODES = new Set([typeCode('symlink'), typeCode('hardlink')]);

/** Path order of the library's lists: by UTF-16 code unit. */
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeListing(digest: string, files: ImageFiles, layerSizes: readonly number[]): FileListing {
  const { entries } = files;
  const count = entries.length;
  const names = new Array<string>(count);
  const parents = new Array<number>(count);
  const types = new Array<number>(count);
  const sizes = new Array<number>(count);
  const modes = new Array<number>(count);
  const uids = new Array<number>(count);
  const gids = new Array<number>(count);
  const layers = new Array<number>(count);
  const links: string[] = [];
  /** Directories by path: a path's parent sorts before it, though not always right before (`a`, `a-b`, `a/b`). */
  const directories = new Map<string, number>();
  let totalBytes = 0;
  for (let i = 0; i < count; i++) {
    const e = entries[i]!;
    const slash = e.path.lastIndexOf('/');
    const parent = slash < 0 ? -1 : directories.get(e.path.slice(0, slash));
    // Every parent is listed (the library implies the missing ones); should one not be, the whole path names the entry.
    names[i] = parent === undefined ? e.path : e.path.slice(slash + 1);
    parents[i] = parent ?? -1;
    types[i] = typeCode(e.type);
    sizes[i] = e.size;
    modes[i] = e.mode;
    uids[i] = e.uid;
    gids[i] = e.gid;
    layers[i] = e.layer;
    if (e.type === 'directory') directories.set(e.path, i);
    if (e.type === 'symlink' || e.type === 'hardlink') links.push(e.linkname ?? '');
    if (e.type === 'file') totalBytes += e.size;
  }
  return {
    digest,
    count,
    names,
    parents,
    types,
    sizes,
    modes,
    uids,
    gids,
    layers,
    links,
    layerChanges: files.layers.map((layer, i) => encodeChanges(entries, layer, layerSizes[i] ?? 0)),
    totalBytes,
    wastedBytes: files.wastedBytes,
    skipped: files.skipped.slice(0, MAX_SKIPPED_LISTED).map(({ path, layer, reason }) => ({ path, layer, reason })),
    skippedCount: files.skipped.length,
  };
}

/** The first `rows` entries of a listing, with the totals of the whole and no layer's changes (files.head). */
export function headOf(listing: FileListing, rows: number): FileListing {
  const count = Math.min(rows, listing.count);
  let links = 0;
  for (let i = 0; i < count; i++) if (LINKED_CODES.has(listing.types[i]!)) links++;
  return {
    ...listing,
    count,
    names: listing.names.slice(0, count),
    parents: listing.parents.slice(0, count),
    types: listing.types.slice(0, count),
    sizes: listing.sizes.slice(0, count),
    modes: listing.modes.slice(0, count),
    uids: listing.uids.slice(0, count),
    gids: listing.gids.slice(0, count),
    layers: listing.layers.slice(0, count),
    links: listing.links.slice(0, links),
    layerChanges: listing.layerChanges.map((l) => ({ ...l, entries: [], paths: [], types: [], kinds: [], sizes: [] })),
    skipped: [],
    total: listing.total ?? listing.count,
  };
}

/** The library's head of a cached listing (listCachedImageFilesHead) in the contract's form, as headOf() makes it. */
export function encodeHead(digest: string, head: ListingHead, layerSizes: readonly number[]): FileListing {
  const files: ImageFiles = {
    entries: head.entries,
    layers: head.layers.map((l) => ({ ...l, changes: [] })),
    wastedBytes: head.wastedBytes,
    skipped: [],
  };
  return { ...encodeListing(digest, files, layerSizes), totalBytes: head.fileBytes, skippedCount: head.skippedCount, total: head.total };
}

function encodeChanges(entries: readonly ImageFileEntry[], layer: LayerChanges, size: number): LayerChangeColumns {
  const { changes } = layer;
  const refs = new Array<number>(changes.length);
  const paths: string[] = [];
  let e = 0;
  for (let c = 0; c < changes.length; c++) {
    const path = changes[c]!.path;
    while (e < entries.length && comparePaths(entries[e]!.path, path) < 0) e++;
    if (e < entries.length && entries[e]!.path === path) refs[c] = e;
    else {
      refs[c] = -1;
      paths.push(path);
    }
  }
  return {
    digest: layer.digest,
    size,
    addedBytes: layer.addedBytes,
    fileCount: layer.fileCount,
    entries: refs,
    paths,
    types: changes.map((c) => typeCode(c.type)),
    kinds: changes.map((c) => KIND_CODES.get(c.change) ?? 1),
    sizes: changes.map((c) => c.size),
  };
}

interface DiffImage {
  digest: string;
  layers: readonly { digest: string; size: number }[];
}

export function encodeDiff(a: DiffImage, b: DiffImage, diff: ImageDiff): ImageDiffView {
  const rows: { path: string; change: number; typeA: number; typeB: number; sizeA: number; sizeB: number }[] = [];
  for (const f of diff.files.added) rows.push({ path: f.path, change: 0, typeA: -1, typeB: typeCode(f.type), sizeA: -1, sizeB: f.size });
  for (const f of diff.files.removed) rows.push({ path: f.path, change: 1, typeA: typeCode(f.type), typeB: -1, sizeA: f.size, sizeB: -1 });
  for (const f of diff.files.changed) {
    rows.push({ path: f.path, change: 2, typeA: typeCode(f.a.type), typeB: typeCode(f.b.type), sizeA: f.a.size, sizeB: f.b.size });
  }
  rows.sort((x, y) => comparePaths(x.path, y.path));
  return {
    digestA: a.digest,
    digestB: b.digest,
    layersA: a.layers.map(({ digest, size }) => ({ digest, size })),
    layersB: b.layers.map(({ digest, size }) => ({ digest, size })),
    shared: diff.layers.shared,
    onlyA: diff.layers.onlyA,
    onlyB: diff.layers.onlyB,
    config: diff.config.map(({ field, a: valueA, b: valueB }) => ({ field, a: valueA, b: valueB })),
    files: {
      paths: rows.map((r) => r.path),
      changes: rows.map((r) => r.change),
      typesA: rows.map((r) => r.typeA),
      typesB: rows.map((r) => r.typeB),
      sizesA: rows.map((r) => r.sizeA),
      sizesB: rows.map((r) => r.sizeB),
    },
    sizeA: diff.sizeA,
    sizeB: diff.sizeB,
  };
}

/** About what a listing or diff holds in memory, to bound how many are kept. */
export function approximateBytes(value: FileListing | ImageDiffView): number {
  const strings = 'names' in value ? [...value.names, ...value.links] : value.files.paths;
  let bytes = 0;
  for (const s of strings) bytes += 40 + 2 * s.length;
  const rows =
    'names' in value ? value.count * 8 + value.layerChanges.reduce((n, l) => n + l.entries.length * 4, 0) : value.files.paths.length * 5;
  return bytes + rows * 8;
}
