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
import { ColumnReader, ColumnWriter, CorruptFileError } from './columns';
import { MAX_TOTAL_ENTRIES } from './layer-indexes';
import { isoCache, type ContentLocation, type ImageView } from './overlay';
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
  out.column(Float64Array.from(entries, (e) => Date.parse(e.mtime)));
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

/** Reads a view written by encodeView() under `key`; throws CorruptFileError for anything else. */
export function decodeView(bytes: Buffer, key: string): ImageView {
  const input = new ColumnReader(bytes, MAGIC, VERSION, key);
  const n = input.u32();
  if (n > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${n} entries`);
  const paths = input.strings(n);
  const typeCodes = input.column(new Uint8Array(n));
  const sizes = input.column(new Float64Array(n));
  const modes = input.column(new Uint16Array(n));
  const uids = input.column(new Uint32Array(n));
  const gids = input.column(new Uint32Array(n));
  const mtimes = input.column(new Float64Array(n));
  const layerOf = input.column(new Uint32Array(n));
  const links = input.strings(n);
  const hashes = input.digests(n, (i) => hasContent(TYPES[typeCodes[i]!]));
  const bodyLayers = input.column(new Uint32Array(n));
  const ordinals = input.column(new Uint32Array(n));
  const bodyPaths = input.strings(n);

  const iso = isoCache();
  const entries = new Array<ImageFileEntry>(n);
  for (let i = 0; i < n; i++) {
    const type = TYPES[typeCodes[i]!];
    if (type === undefined) throw new CorruptFileError('unknown entry type');
    // One literal per shape (no spreads): this loop is most of what a reopen costs.
    const mtime = iso(mtimes[i]!);
    entries[i] = type === 'file'
      ? { path: paths[i]!, type, size: sizes[i]!, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, sha256: hashes[i]!, layer: layerOf[i]! }
      : type === 'hardlink'
        ? {
          path: paths[i]!, type, size: sizes[i]!, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, linkname: links[i]!, sha256: hashes[i]!,
          layer: layerOf[i]!,
        }
        : type === 'symlink'
          ? { path: paths[i]!, type, size: 0, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, linkname: links[i]!, layer: layerOf[i]! }
          : { path: paths[i]!, type, size: 0, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime, layer: layerOf[i]! };
  }

  const layerCount = input.u32();
  const layers: LayerChanges[] = [];
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
    const changeTypes = input.column(new Uint8Array(count));
    const changeKinds = input.column(new Uint8Array(count));
    const changeSizes = input.column(new Float64Array(count));
    const changes = new Array<LayerChange>(count);
    let own = 0;
    for (let i = 0; i < count; i++) {
      const type = TYPES[changeTypes[i]!];
      const change = CHANGES[changeKinds[i]!];
      if (type === undefined || change === undefined) throw new CorruptFileError('unknown change');
      const ref = refs[i]!;
      const path = ref === 0 ? ownPaths[own++]! : paths[ref - 1]!;
      changes[i] = { path, type, size: changeSizes[i]!, change };
    }
    layers.push({ digest, changes, addedBytes, fileCount });
  }
  const wastedBytes = input.f64();
  const skippedCount = input.u32();
  if (skippedCount > MAX_TOTAL_ENTRIES) throw new CorruptFileError(`${skippedCount} skipped entries`);
  const skippedPaths = input.strings(skippedCount);
  const skippedLayers = input.column(new Uint32Array(skippedCount));
  const reasons = input.strings(skippedCount);
  input.finish();
  const skipped: SkippedFile[] = skippedPaths.map((path, i) => ({ path, layer: skippedLayers[i]!, reason: reasons[i]! }));

  const locate = (i: number): ContentLocation | undefined => {
    const entry = entries[i];
    if (!entry || !hasContent(entry.type)) return undefined;
    return { layer: bodyLayers[i]!, ordinal: ordinals[i]!, path: bodyPaths[i] || entry.path, size: entry.size, sha256: entry.sha256 ?? '' };
  };
  return { files: { entries, layers, wastedBytes, skipped }, locate };
}
