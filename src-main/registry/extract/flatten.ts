/**
 * The flattened filesystem of an image as a stream of entries, layers applied
 * as a container runtime would: `.wh.<name>` deletes `<name>` from lower
 * layers, `.wh..wh..opq` empties its directory of lower-layer entries, an
 * upper entry shadows a lower one at the same path, and a lower entry below a
 * path an upper layer made a non-directory is gone.
 *
 * The walk goes newest layer first (as go-containerregistry's mutate.Extract
 * does), so every entry can be decided, and streamed on, the moment it is
 * read: each layer blob is read exactly once and never held in memory. The
 * price is paid by hard links, whose target may be read after them:
 *
 * - A link whose target lies in a lower layer (or later in its own archive)
 *   waits in PendingLinks and is emitted right after the target. If an upper
 *   layer hid that target, the first waiting link takes the target's content
 *   itself and the others link to it.
 * - A link whose target came earlier in the same layer but is hidden from
 *   the result (an upper layer replaced or deleted it) needs content that has
 *   already gone by. With `keepHidden`, such candidates are offered as
 *   `hidden` items, and the link comes as `from-hidden`; a consumer that
 *   cannot keep them (the tar stream) loses those links.
 *
 * Whiteout files themselves never appear in the output.
 */
import type { Image } from '../image';
import type { BlobReadOptions } from '../types';
import { flatTypeOf, type FlatHeader, type FlatItem, type FlatType } from './entry';
import { PendingLinks, type WaitingLink } from './hardlinks';
import { readLayerEntries, type TarHeader } from './layer-entries';
import { normalizeName, parseWhiteout, unsafeNameReason } from './paths';
import { LayerCuts, Visibility } from './visibility';

export interface FlattenOptions {
  signal?: AbortSignal | undefined;
  /** Compressed layer bytes, as they are read. */
  onBytes?: (count: number) => void;
  /** A layer's download broke and was resumed. */
  onResume?: BlobReadOptions['onResume'];
  /** An entry of the image that will not appear in the output, and why (dangling hard links, unknown entry types). */
  onDrop?: (path: string, reason: string) => void;
  /** Offer hidden regular files (`hidden` items) so later links of their layer can still use them. */
  keepHidden?: boolean;
}

/**
 * Where something was emitted: hard links check the layer of their target and
 * whether it is a directory. Packed in one small integer (layer * 2 + 1 for a
 * directory): there is one per path of the result, so no object each.
 */
type Placed = number;

function placed(layer: number, type: FlatType): Placed {
  return layer * 2 + (type === 'directory' ? 1 : 0);
}

function flatHeader(header: TarHeader, name: string, type: FlatType): FlatHeader {
  return {
    name,
    type,
    mode: (header.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    ...(header.uname ? { uname: header.uname } : {}),
    ...(header.gname ? { gname: header.gname } : {}),
    mtime: header.mtime ?? new Date(0),
    size: type === 'file' ? (header.size ?? 0) : 0,
    ...(type === 'symlink' ? { linkname: header.linkname ?? '' } : {}),
    ...(type === 'link' ? { linkname: normalizeName(header.linkname ?? '') } : {}),
    ...(type === 'character-device' || type === 'block-device' ? { devmajor: header.devmajor ?? 0, devminor: header.devminor ?? 0 } : {}),
  };
}

function asLink(header: FlatHeader, target: string): FlatHeader {
  return { ...header, type: 'link', linkname: target, size: 0 };
}

/** Yields the flattened filesystem. Reading a body is optional; stopping early closes the current layer. */
export async function* flattenImage(image: Image, opts: FlattenOptions = {}): AsyncGenerator<FlatItem> {
  const visibility = new Visibility();
  const pending = new PendingLinks();
  /** What the result holds at a path, and from which layer. */
  const emitted = new Map<string, Placed>();
  /** Links waiting for their target, by their own path: a later link to one of them follows it. */
  const waitingAt = new Map<string, WaitingLink>();
  /** Hidden targets of this layer that a link already materialised: later links point at that link. */
  const materialized = new Map<string, string>();
  /** Hidden regular files offered in this layer. */
  const offered = new Set<string>();
  const drop = (path: string, reason: string): void => opts.onDrop?.(path, reason);

  function emitLink(link: WaitingLink, target: string): FlatItem {
    emitted.set(link.header.name, placed(link.layer, 'link'));
    return { kind: 'entry', header: asLink(link.header, target) };
  }

  /** A visible hard link, seen in its layer's view: emitted now, or left waiting for its target. */
  function* placeLink(link: WaitingLink, current: number): Generator<FlatItem> {
    const target = link.header.linkname ?? '';
    if (unsafeNameReason(target) !== undefined) {
      // No layer can hold such a target; pass it on so the writer reports it for what it is.
      yield { kind: 'entry', header: link.header };
      return;
    }
    const known = emitted.get(target);
    if (known !== undefined && known >> 1 === link.layer) {
      if ((known & 1) === 1) drop(link.header.name, `hard link to a directory (${target})`);
      else yield emitLink(link, target);
      return;
    }
    if (link.layer === current) {
      const stand = materialized.get(target);
      if (stand !== undefined) {
        yield emitLink(link, stand);
        return;
      }
      if (offered.has(target)) {
        materialized.set(target, link.header.name);
        emitted.set(link.header.name, placed(link.layer, 'file'));
        yield { kind: 'from-hidden', header: asLink(link.header, target) };
        return;
      }
    }
    const chained = waitingAt.get(target);
    if (!known && chained && chained.layer === link.layer && chained.header.linkname !== undefined) {
      // A link to a link that is itself waiting: both name one inode, so wait for the same target.
      yield* placeLink({ header: asLink(link.header, chained.header.linkname), layer: link.layer }, current);
      return;
    }
    waitingAt.set(link.header.name, link);
    pending.add(target, link);
  }

  for (let layer = image.layers.length - 1; layer >= 0; layer--) {
    const source = image.layers[layer];
    if (!source) continue;
    const cuts = new LayerCuts();
    materialized.clear();
    offered.clear();
    for await (const { header: raw, body } of readLayerEntries(source, opts)) {
      const name = normalizeName(raw.name);
      const whiteout = parseWhiteout(name);
      if (whiteout) {
        if (whiteout.kind === 'delete') {
          visibility.addWhiteout(whiteout.target, layer);
          cuts.deleted(whiteout.target);
        } else if (whiteout.kind === 'opaque') {
          visibility.addOpaque(whiteout.dir, layer);
          cuts.opaque(whiteout.dir);
        }
        continue;
      }
      const type = flatTypeOf(raw.type);
      if (type === undefined) {
        drop(name, `unsupported tar entry type ${String(raw.type)}`);
        continue;
      }
      const header = flatHeader(raw, name, type);
      // Links waiting for this path resolve to this entry, visible or not: it is what they saw.
      const waiting = pending.take(name);
      const visible = visibility.isVisible(name, layer, type === 'directory');
      // The lowest layer hides nothing: no layer below it asks.
      if (visible && layer > 0) visibility.addEntry(name, layer, type === 'directory');
      if (type !== 'directory') cuts.nonDirectory(name);

      if (type === 'link') {
        // A link to a link names the same inode: the waiting ones follow it to its target.
        const target = header.linkname ?? '';
        if (visible) yield* placeLink({ header, layer }, layer);
        for (const link of waiting ?? []) yield* placeLink({ header: asLink(link.header, target), layer }, layer);
        continue;
      }
      if (visible) {
        emitted.set(name, placed(layer, type));
        yield type === 'file' ? { kind: 'entry', header, body } : { kind: 'entry', header };
        for (const link of waiting ?? []) {
          if (type === 'directory') drop(link.header.name, `hard link to a directory (${name})`);
          else yield emitLink(link, name);
        }
        continue;
      }
      const [first, ...rest] = waiting ?? [];
      if (first && type !== 'directory') {
        // Shadowed or deleted above, but links still need what they saw: the first link
        // becomes the entry itself, the others (and later links of this layer) link to it.
        emitted.set(first.header.name, placed(first.layer, type));
        materialized.set(name, first.header.name);
        const stand: FlatHeader = { ...header, name: first.header.name };
        yield type === 'file' ? { kind: 'entry', header: stand, body } : { kind: 'entry', header: stand };
        for (const link of rest) yield emitLink(link, first.header.name);
        continue;
      }
      for (const link of waiting ?? []) drop(link.header.name, `hard link to a directory (${name})`);
      if (opts.keepHidden && type === 'file' && unsafeNameReason(name) === undefined) {
        offered.add(name);
        yield { kind: 'hidden', header, body };
      }
    }
    for (const { link, reason } of pending.dropCut(cuts)) drop(link.header.name, reason);
    yield { kind: 'layer-end' };
  }
  for (const { link, target } of pending.drainAll()) {
    drop(link.header.name, `hard link target ${target} is in no layer`);
  }
}
