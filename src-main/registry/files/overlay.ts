/**
 * Layer indexes applied oldest first, in memory, to the flattened
 * filesystem, with what each layer changed on the way. The rules are those of
 * extract/flatten.ts (and of umoci, containerd, overlayfs):
 *
 * - A layer's whiteouts (`.wh.<name>`) and opaque markers (`.wh..wh..opq`)
 *   act on the layers below it only, whatever their place in its archive: they
 *   are applied first, then the layer's entries in archive order.
 * - An entry replaces what is at its path (later entries of one layer win, as
 *   in tar); a non-directory replaces a directory with everything below it;
 *   a directory over a directory only takes the new metadata.
 * - An entry below a lower layer's non-directory turns that path into a
 *   directory (the entry implies one); below a non-directory of its own layer,
 *   the entry is skipped (extraction refuses to write through it).
 * - A hard link shares the content its target has at that moment (in a lower
 *   layer, or earlier in its own), and keeps it when the target is later
 *   deleted or replaced: contents are inodes, paths are names of them.
 *
 * The tree is a map from full path to node, each directory knowing its
 * children's paths: one or two map look-ups per entry, whatever its depth.
 */
import { Kind, type LayerIndex } from './layer-index';
import { comparePaths, ROOT } from './paths';
import type { ImageFileEntry, ImageFileType, ImageFiles, LayerChange, LayerChanges, SkippedFile } from './types';

/** Where a regular file's bytes are: the layer (index in the image), the entry's position and name in its tar, and what they hash to. */
export interface ContentLocation {
  layer: number;
  ordinal: number;
  path: string;
  size: number;
  sha256: string;
}

/** The content of one regular file entry of one layer; hard links share it. */
export interface Content extends ContentLocation {
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

/** The flattened image, with where each entry's content is (what readImageFile needs, and FileIndexCache keeps). */
export interface ImageView {
  files: ImageFiles;
  /** Where the content of `files.entries[i]` is: for files and hard links, undefined for the rest. */
  locate(i: number): ContentLocation | undefined;
  /** The entries' mtimes in milliseconds (as the cache stores them). */
  mtimes: Float64Array;
}

interface Meta {
  /** The layer that last wrote the path. */
  layer: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

export interface DirectoryNode extends Meta {
  kind: 'directory';
  /** The paths of its children. */
  children: Set<string>;
}

export interface FileNode {
  kind: 'file';
  layer: number;
  content: Content;
  /** Made by a hard link entry (another name of `content`). */
  viaLink: boolean;
}

export interface SymlinkNode extends Meta {
  kind: 'symlink';
  linkname: string;
}

export interface OtherNode extends Meta {
  kind: 'other';
}

export type FsNode = DirectoryNode | FileNode | SymlinkNode | OtherNode;

/** Directories only implied by their contents, as extraction makes them. */
const IMPLIED_DIRECTORY_MODE = 0o755;

function impliedDirectory(layer: number): DirectoryNode {
  return { kind: 'directory', layer, mode: IMPLIED_DIRECTORY_MODE, uid: 0, gid: 0, mtime: 0, children: new Set() };
}

function describe(node: FsNode): string {
  switch (node.kind) {
    case 'file':
      return 'a regular file';
    case 'symlink':
      return 'a symlink';
    case 'other':
      return 'a device node or FIFO';
    case 'directory':
      return 'a directory';
  }
}

function typeOf(node: FsNode): ImageFileType {
  if (node.kind === 'file') return node.viaLink ? 'hardlink' : 'file';
  return node.kind;
}

function sizeOf(node: FsNode): number {
  return node.kind === 'file' ? node.content.size : 0;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? ROOT : path.slice(0, slash);
}

export class Overlay {
  private readonly nodes = new Map<string, FsNode>([[ROOT, impliedDirectory(-1)]]);
  /** Every file content of every layer applied: those no path shows any more are the wasted bytes. */
  private readonly contents: Content[] = [];
  readonly layers: LayerChanges[] = [];
  readonly skipped: SkippedFile[] = [];
  private current = -1;
  /** Paths the current layer changed, with what was there before it (undefined: nothing). */
  private touched = new Map<string, FsNode | undefined>();

  /** Applies the next layer (the first call applies layer 0). */
  apply(index: LayerIndex): void {
    const layer = ++this.current;
    this.touched = new Map();
    const { kinds, paths, modes, uids, gids, sizes, mtimes, ordinals, links, hashes } = index;
    for (let i = 0; i < index.count; i++) {
      if (kinds[i] === Kind.whiteout) this.remove(paths[i]!);
      else if (kinds[i] === Kind.opaque) this.empty(paths[i]!);
    }
    let addedBytes = 0;
    let fileCount = 0;
    const linksToLaterTargets: number[] = [];
    for (let i = 0; i < index.count; i++) {
      const path = paths[i]!;
      switch (kinds[i]) {
        case Kind.directory:
          this.put(path, {
            kind: 'directory',
            layer,
            mode: modes[i]!,
            uid: uids[i]!,
            gid: gids[i]!,
            mtime: mtimes[i]!,
            children: new Set(),
          });
          break;
        case Kind.file: {
          fileCount++;
          addedBytes += sizes[i]!;
          const content: Content = {
            size: sizes[i]!,
            sha256: hashes[i]!,
            mode: modes[i]!,
            uid: uids[i]!,
            gid: gids[i]!,
            mtime: mtimes[i]!,
            layer,
            ordinal: ordinals[i]!,
            path,
          };
          this.contents.push(content);
          this.put(path, { kind: 'file', layer, content, viaLink: false });
          break;
        }
        case Kind.symlink:
          fileCount++;
          this.put(path, { kind: 'symlink', layer, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime: mtimes[i]!, linkname: links[i]! });
          break;
        case Kind.other:
          fileCount++;
          this.put(path, { kind: 'other', layer, mode: modes[i]!, uid: uids[i]!, gid: gids[i]!, mtime: mtimes[i]! });
          break;
        case Kind.hardlink:
          fileCount++;
          if (!this.link(path, links[i]!, false)) linksToLaterTargets.push(i);
          break;
        case Kind.unsupported:
          this.skip(path, `unsupported tar entry type ${links[i]!}`);
          break;
        default:
          break; // whiteouts and opaque markers: applied above
      }
    }
    // A link may come before its target in its archive; by the layer's end the target is there.
    for (const i of linksToLaterTargets) this.link(paths[i]!, links[i]!, true);
    this.layers.push({ digest: index.digest, changes: this.collectChanges(), addedBytes, fileCount });
  }

  /** What the flattened filesystem has at `path` now. */
  find(path: string): FsNode | undefined {
    return this.nodes.get(path);
  }

  /** The flattened filesystem and the per-layer changes, once every layer is applied. */
  result(): ImageView {
    const { entries, locations, mtimes, wastedBytes } = this.listEntries();
    return { files: { entries, layers: this.layers, wastedBytes, skipped: this.skipped }, locate: (i) => locations[i], mtimes };
  }

  private skip(path: string, reason: string): void {
    this.skipped.push({ path, layer: this.current, reason });
  }

  private touch(path: string, before: FsNode | undefined): void {
    if (!this.touched.has(path)) this.touched.set(path, before);
  }

  /** Removes everything below `dir` (recording it as touched). Iterative: a hostile layer may nest deeply. */
  private removeBelow(dir: DirectoryNode): void {
    const stack = [dir];
    for (let top = stack.pop(); top; top = stack.pop()) {
      for (const path of top.children) {
        const child = this.nodes.get(path);
        this.touch(path, child);
        this.nodes.delete(path);
        if (child?.kind === 'directory') stack.push(child);
      }
      top.children.clear();
    }
  }

  /** A whiteout: the path and everything below it go. */
  private remove(path: string): void {
    const node = path === ROOT ? undefined : this.nodes.get(path);
    if (!node) return;
    this.touch(path, node);
    if (node.kind === 'directory') this.removeBelow(node);
    this.nodes.delete(path);
    (this.nodes.get(parentOf(path)) as DirectoryNode | undefined)?.children.delete(path);
  }

  /** An opaque marker: what lower layers put below the directory goes; the directory stays. */
  private empty(path: string): void {
    const dir = this.nodes.get(path);
    if (dir?.kind === 'directory') this.removeBelow(dir);
  }

  private put(path: string, node: FsNode): void {
    if (path === ROOT) {
      const root = this.nodes.get(ROOT) as DirectoryNode;
      if (node.kind !== 'directory') this.skip(path, `${describe(node)} cannot replace the image's root directory`);
      else Object.assign(root, { layer: node.layer, mode: node.mode, uid: node.uid, gid: node.gid, mtime: node.mtime });
      return;
    }
    const parentPath = parentOf(path);
    let parent = this.nodes.get(parentPath);
    if (parent?.kind !== 'directory') {
      parent = this.makeDirectory(parentPath, path);
      if (!parent) return;
    }
    const existing = this.nodes.get(path);
    this.touch(path, existing);
    if (existing === undefined) parent.children.add(path);
    else if (existing.kind === 'directory') {
      if (node.kind === 'directory') node.children = existing.children;
      else this.removeBelow(existing);
    }
    this.nodes.set(path, node);
  }

  /**
   * Makes `dir` a directory for an entry below it: missing directories are
   * implied, and a lower layer's non-directory is shadowed by one. Undefined
   * (the entry skipped) when a non-directory of this layer is in the way.
   */
  private makeDirectory(dir: string, forPath: string): DirectoryNode | undefined {
    const missing: string[] = [];
    for (let at = dir; ; at = parentOf(at)) {
      const node = this.nodes.get(at);
      if (node?.kind === 'directory') break;
      if (node && node.layer === this.current) {
        this.skip(forPath, `parent ${at} is ${describe(node)}`);
        return undefined;
      }
      missing.push(at);
    }
    let made: DirectoryNode | undefined;
    for (let i = missing.length - 1; i >= 0; i--) {
      const at = missing[i]!;
      const before = this.nodes.get(at);
      this.touch(at, before);
      made = impliedDirectory(this.current);
      if (before === undefined) (this.nodes.get(parentOf(at)) as DirectoryNode).children.add(at);
      this.nodes.set(at, made);
    }
    return made;
  }

  /** Gives a hard link its target's content. False when the target is not there (yet). */
  private link(path: string, targetPath: string, last: boolean): boolean {
    const target = this.nodes.get(targetPath);
    if (target === undefined) {
      if (last) this.skip(path, `hard link target ${targetPath} does not exist`);
      return last;
    }
    if (target.kind === 'file') this.put(path, { kind: 'file', layer: this.current, content: target.content, viaLink: true });
    else if (target.kind === 'directory') this.skip(path, `hard link to a directory (${targetPath})`);
    else this.skip(path, `hard link target ${targetPath} is ${describe(target)}, not a regular file`);
    return true;
  }

  private collectChanges(): LayerChange[] {
    const changes: LayerChange[] = [];
    for (const [path, before] of this.touched) {
      const now = this.nodes.get(path);
      if (now === before) continue;
      if (now === undefined) {
        if (before) changes.push({ path, type: typeOf(before), size: sizeOf(before), change: 'deleted' });
      } else if (before === undefined) {
        changes.push({ path, type: typeOf(now), size: sizeOf(now), change: 'added' });
      } else if (!(now.kind === 'directory' && before.kind === 'directory' && sameOwnerAndMode(now, before))) {
        changes.push({ path, type: typeOf(now), size: sizeOf(now), change: 'modified' });
      }
    }
    return changes.sort((a, b) => comparePaths(a.path, b.path));
  }

  /**
   * The tree as a sorted list. The names of one content are one inode: the
   * name its file entry made is listed as the file while it survives (else
   * the first name in path order), the others as hard links to it.
   */
  private listEntries(): Pick<ImageFiles, 'entries' | 'wastedBytes'> &
    Pick<ImageView, 'mtimes'> & { locations: (ContentLocation | undefined)[] } {
    const paths = [...this.nodes.keys()].filter((p) => p !== ROOT).sort(comparePaths);
    /** Contents whose own file entry no longer names them: the first of their other names, in path order. */
    const firstName = new Map<Content, string>();
    const linked = new Set<Content>();
    const ownerOf = (node: FileNode, path: string): string => {
      const { content } = node;
      if (this.survives(content)) return content.path;
      const first = firstName.get(content);
      if (first !== undefined) return first;
      firstName.set(content, path);
      return path;
    };
    const isoOf = isoCache();
    const locations: (ContentLocation | undefined)[] = new Array<ContentLocation | undefined>(paths.length);
    const mtimes = new Float64Array(paths.length);
    const entries = paths.map((path, i): ImageFileEntry => {
      const node = this.nodes.get(path)!;
      if (node.kind === 'file') {
        const { content } = node;
        locations[i] = content;
        mtimes[i] = content.mtime;
        if (node.viaLink) linked.add(content);
        const owner = ownerOf(node, path);
        return {
          path,
          type: owner === path ? 'file' : 'hardlink',
          size: content.size,
          mode: content.mode,
          uid: content.uid,
          gid: content.gid,
          mtime: isoOf(content.mtime),
          ...(owner === path ? {} : { linkname: owner }),
          sha256: content.sha256,
          layer: node.layer,
        };
      }
      mtimes[i] = node.mtime;
      return {
        path,
        type: node.kind,
        size: 0,
        mode: node.mode,
        uid: node.uid,
        gid: node.gid,
        mtime: isoOf(node.mtime),
        ...(node.kind === 'symlink' ? { linkname: node.linkname } : {}),
        layer: node.layer,
      };
    });
    let wastedBytes = 0;
    for (const content of this.contents) if (!this.survives(content) && !linked.has(content)) wastedBytes += content.size;
    return { entries, locations, mtimes, wastedBytes };
  }

  /** Whether the file entry that made `content` is still at its path. */
  private survives(content: Content): boolean {
    const node = this.nodes.get(content.path);
    return node?.kind === 'file' && node.content === content && !node.viaLink;
  }
}

function sameOwnerAndMode(a: Meta, b: Meta): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

/** Layers tend to share a few mtimes: format each once. */
export function isoCache(): (ms: number) => string {
  const seen = new Map<number, string>();
  return (ms) => {
    let iso = seen.get(ms);
    if (iso === undefined) {
      iso = new Date(ms).toISOString();
      seen.set(ms, iso);
    }
    return iso;
  };
}
