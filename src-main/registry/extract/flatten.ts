/**
 * The flattened filesystem of an image as a stream of entries, layers applied
 * as a container runtime would: `.wh.<name>` deletes `<name>` from lower
 * layers, `.wh..wh..opq` empties its directory of lower-layer entries, an
 * upper entry shadows a lower one at the same path, and a lower entry below a
 * path an upper layer made a non-directory is gone.
 *
 * The walk goes newest layer first, so every entry can be decided (and
 * streamed on) the moment it is read: each layer blob is read exactly once
 * and never held in memory. The price is that hard links may arrive before
 * their targets; they wait in PendingLinks and are emitted right after the
 * target. Whiteout files themselves never appear in the output.
 */
import type { Image } from '../image';
import type tar from 'tar-stream';
import { flatTypeOf, type FlatEntry, type FlatHeader, type FlatType } from './entry';
import { PendingLinks, type WaitingLink } from './hardlinks';
import { readLayerEntries, type EntryBody } from './layer-entries';
import { normalizeName, parseWhiteout, unsafeNameReason } from './paths';
import { LayerCuts, Visibility } from './visibility';

export interface FlattenOptions {
  signal?: AbortSignal;
  /** Compressed layer bytes, as they are read. */
  onBytes?: (count: number) => void;
  /** An entry of the image that will not appear in the output, and why (dangling hard links, unknown entry types). */
  onDrop?: (path: string, reason: string) => void;
}

/** What has been emitted at a path: hard links check the layer and the type of their target. */
interface Emitted {
  layer: number;
  type: FlatType;
}

function flatHeader(header: tar.Header, name: string, type: FlatType): FlatHeader {
  return {
    name,
    type,
    mode: (header.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    ...(header.uname ? { uname: header.uname } : {}),
    ...(header.gname ? { gname: header.gname } : {}),
    mtime: header.mtime ?? new Date(0),
    size: type === 'file' ? header.size ?? 0 : 0,
    ...(type === 'symlink' ? { linkname: header.linkname ?? '' } : {}),
    ...(type === 'link' ? { linkname: normalizeName(header.linkname ?? '') } : {}),
    ...(type === 'character-device' || type === 'block-device'
      ? { devmajor: header.devmajor ?? 0, devminor: header.devminor ?? 0 }
      : {}),
  };
}

function asLink(header: FlatHeader, target: string): FlatHeader {
  return { ...header, type: 'link', linkname: target, size: 0 };
}

/** Yields the flattened filesystem. Reading an entry's body is optional; stopping early closes the current layer. */
export async function* flattenImage(image: Image, opts: FlattenOptions = {}): AsyncGenerator<FlatEntry> {
  const visibility = new Visibility();
  const pending = new PendingLinks();
  const emitted = new Map<string, Emitted>();
  const drop = (path: string, reason: string): void => opts.onDrop?.(path, reason);

  /** Links that wait for their target, by their own path: a later link to one of them follows it. */
  const waitingAt = new Map<string, WaitingLink>();

  /**
   * A visible hard link seen in `layer`'s view: written now if its target was
   * already written from that same layer, else it waits for the target.
   */
  function* placeLink(link: WaitingLink): Generator<FlatEntry> {
    const target = link.header.linkname ?? '';
    if (unsafeNameReason(target) !== undefined) {
      // No layer can hold such a target; pass the link on so the writer reports it for what it is.
      yield { header: link.header };
      return;
    }
    const known = emitted.get(target);
    if (known && known.layer === link.layer) {
      if (known.type === 'directory') {
        drop(link.header.name, `hard link to a directory (${target})`);
        return;
      }
      emitted.set(link.header.name, { layer: link.layer, type: 'link' });
      yield { header: link.header };
      return;
    }
    const chained = waitingAt.get(target);
    if (!known && chained && chained.layer === link.layer && chained.header.linkname !== undefined) {
      // A link to a link that is itself waiting: both name one inode, so wait for the same target.
      yield* placeLink({ header: asLink(link.header, chained.header.linkname), layer: link.layer });
      return;
    }
    waitingAt.set(link.header.name, link);
    pending.add(target, link);
  }

  for (let layer = image.layers.length - 1; layer >= 0; layer--) {
    const cuts = new LayerCuts();
    const source = image.layers[layer];
    if (!source) continue;
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
      const visible = visibility.isVisible(name, layer);
      if (visible) visibility.addEntry(name, layer, type === 'directory');
      if (type !== 'directory') cuts.nonDirectory(name);

      if (type === 'link') {
        // A link to a link is a link to the same inode: point the waiting ones at the final target.
        const target = header.linkname ?? '';
        if (visible) yield* placeLink({ header, layer });
        for (const link of waiting ?? []) yield* placeLink({ header: asLink(link.header, target), layer });
        continue;
      }
      if (visible) {
        emitted.set(name, { layer, type });
        yield type === 'file' ? { header, body: body as EntryBody } : { header };
      }
      if (!waiting) continue;
      if (type === 'directory') {
        for (const link of waiting) drop(link.header.name, `hard link to a directory (${name})`);
        continue;
      }
      if (visible) {
        for (const link of waiting) {
          emitted.set(link.header.name, { layer: link.layer, type: 'link' });
          yield { header: asLink(link.header, name) };
        }
        continue;
      }
      // The target is shadowed or deleted above, but the links still need what they saw:
      // the first link becomes the entry itself, the others link to it.
      const [first, ...rest] = waiting;
      if (!first) continue;
      emitted.set(first.header.name, { layer: first.layer, type });
      const materialized: FlatHeader = { ...header, name: first.header.name };
      yield type === 'file' ? { header: materialized, body: body as EntryBody } : { header: materialized };
      for (const link of rest) {
        emitted.set(link.header.name, { layer: link.layer, type: 'link' });
        yield { header: asLink(link.header, first.header.name) };
      }
    }
    for (const { link, reason } of pending.dropCut(cuts)) drop(link.header.name, reason);
  }
  for (const { link, target } of pending.drainAll()) {
    drop(link.header.name, `hard link target ${target} is in no layer`);
  }
}
