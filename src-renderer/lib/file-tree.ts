/**
 * The Files tab's model, without React: the listing's columns (src-shared/
 * files.ts) as a tree, and the rows it shows for the current choices (which
 * directories are collapsed, a path filter, a layer whose changes are marked,
 * "changes only"). Typed arrays throughout: a listing of 100,000 entries
 * gives its rows in a few milliseconds, and only the rows in view become DOM.
 *
 * Nodes are the listing's entries (0 .. count-1) and, when a layer is chosen,
 * the paths that layer changed which the image no longer has ("ghosts":
 * count, count+1, ...), so a deletion shows where it happened.
 */
import { CHANGE_KINDS, FILE_TYPES, type ChangeKind, type FileListing, type FileType } from '../../src-shared/files';

/** A node's mark for the chosen layer: 0 none, else 1 + its index in CHANGE_KINDS. */
export type Mark = 0 | 1 | 2 | 3;

export interface LayerMarks {
  layer: number;
  /** Per node (entries, then ghosts). */
  marks: Uint8Array;
  ghosts: { path: string; name: string; parent: number; type: FileType; size: number }[];
  /** Ghost children of a node (entry or ghost), in name order; -1 is the top. */
  ghostChildren: Map<number, number[]>;
  counts: Record<ChangeKind, number>;
}

export interface RowOptions {
  /** Per entry: 1 when the directory is collapsed. */
  collapsed: Uint8Array;
  /** A substring of the path, case-insensitive; '' for none. */
  filter: string;
  marks: LayerMarks | undefined;
  changesOnly: boolean;
}

export interface Rows {
  /** Node of each row. */
  nodes: Int32Array;
  depths: Uint16Array;
  length: number;
  /** Nodes the filter matched (not counting the directories shown around them). */
  matches: number;
}

const DIRECTORY = FILE_TYPES.indexOf('directory');
const LINKED = new Set([FILE_TYPES.indexOf('symlink'), FILE_TYPES.indexOf('hardlink')]);

export class FileTree {
  readonly listing: FileListing;
  readonly count: number;
  /** Children of node `p` are `childList[childStart[p + 1] .. childStart[p + 2])`; the top level is p = -1. */
  private readonly childStart: Int32Array;
  private readonly childList: Int32Array;
  /** Index into listing.links, or -1. */
  private readonly linkIndex: Int32Array;
  private readonly paths: (string | undefined)[];
  private lowerPaths: string[] | undefined;
  private readonly marksByLayer = new Map<number, LayerMarks>();

  constructor(listing: FileListing) {
    this.listing = listing;
    const n = listing.count;
    this.count = n;
    const { parents, types } = listing;
    // Entries are sorted by path, so each directory's children arrive in name order.
    const start = new Int32Array(n + 2);
    for (let i = 0; i < n; i++) start[parents[i]! + 2]!++;
    for (let p = 1; p < n + 2; p++) start[p]! += start[p - 1]!;
    const list = new Int32Array(n);
    const fill = start.slice(0, n + 1);
    for (let i = 0; i < n; i++) list[fill[parents[i]! + 1]!++] = i;
    this.childStart = start;
    this.childList = list;
    const links = new Int32Array(n).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) if (LINKED.has(types[i]!)) links[i] = next++;
    this.linkIndex = links;
    this.paths = new Array<string | undefined>(n);
  }

  isGhost(node: number): boolean {
    return node >= this.count;
  }

  name(node: number, marks?: LayerMarks): string {
    return node < this.count ? this.listing.names[node]! : (ghostOf(this, node, marks)?.name ?? '');
  }

  type(node: number, marks?: LayerMarks): FileType {
    return node < this.count ? (FILE_TYPES[this.listing.types[node]!] ?? 'other') : (ghostOf(this, node, marks)?.type ?? 'other');
  }

  isDirectory(node: number, marks?: LayerMarks): boolean {
    return this.type(node, marks) === 'directory';
  }

  size(node: number, marks?: LayerMarks): number {
    return node < this.count ? this.listing.sizes[node]! : (ghostOf(this, node, marks)?.size ?? 0);
  }

  /** A symlink's target, or the path whose content a hard link shares. */
  link(node: number): string | undefined {
    const i = node < this.count ? this.linkIndex[node]! : -1;
    return i < 0 ? undefined : this.listing.links[i];
  }

  parent(node: number, marks?: LayerMarks): number {
    return node < this.count ? this.listing.parents[node]! : (ghostOf(this, node, marks)?.parent ?? -1);
  }

  path(node: number, marks?: LayerMarks): string {
    if (node >= this.count) return ghostOf(this, node, marks)?.path ?? '';
    const known = this.paths[node];
    if (known !== undefined) return known;
    const parent = this.listing.parents[node]!;
    const path = parent < 0 ? this.listing.names[node]! : `${this.path(parent)}/${this.listing.names[node]!}`;
    this.paths[node] = path;
    return path;
  }

  /** The entry at `path`, or -1 (a binary search: entries are sorted by path). */
  find(path: string): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.path(mid);
      if (at === path) return mid;
      if (at < path) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Entries below `node` (-1: the top), in name order. */
  children(node: number): Int32Array {
    return this.childList.subarray(this.childStart[node + 1], this.childStart[node + 2]);
  }

  /** Entries and ghosts below `node`, in name order. */
  private kids(node: number, marks: LayerMarks | undefined): ArrayLike<number> {
    const entries = node < this.count ? this.children(node) : new Int32Array(0);
    const ghosts = marks?.ghostChildren.get(node);
    if (!ghosts) return entries;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < entries.length || j < ghosts.length) {
      const e = entries[i];
      const g = ghosts[j];
      if (g === undefined || (e !== undefined && this.name(e) < this.name(g, marks))) {
        out.push(e!);
        i++;
      } else {
        out.push(g);
        j++;
      }
    }
    return out;
  }

  /** What layer `layer` changed, as marks on the tree (made once per layer). */
  layerMarks(layer: number): LayerMarks | undefined {
    const known = this.marksByLayer.get(layer);
    if (known) return known;
    const changes = this.listing.layerChanges[layer];
    if (!changes) return undefined;
    const ghosts: LayerMarks['ghosts'] = [];
    const ghostByPath = new Map<string, number>();
    const kinds: number[] = [];
    let own = 0;
    for (let c = 0; c < changes.entries.length; c++) {
      const entry = changes.entries[c]!;
      kinds.push(changes.kinds[c]!);
      if (entry >= 0) continue;
      const path = changes.paths[own++] ?? '';
      const slash = path.lastIndexOf('/');
      const parentPath = slash < 0 ? '' : path.slice(0, slash);
      // Changes are sorted by path: a ghost's ghost parent came before it.
      const parent = parentPath === '' ? -1 : (ghostByPath.get(parentPath) ?? this.find(parentPath));
      const node = this.count + ghosts.length;
      ghostByPath.set(path, node);
      // A parent neither listed nor changed here (a later layer deleted it too): the whole path names it, at the top.
      const name = slash < 0 || parent < 0 ? path : path.slice(slash + 1);
      ghosts.push({ path, name, parent, type: FILE_TYPES[changes.types[c]!] ?? 'other', size: changes.sizes[c]! });
    }
    const marks = new Uint8Array(this.count + ghosts.length);
    const counts: Record<ChangeKind, number> = { added: 0, modified: 0, deleted: 0 };
    let ghost = 0;
    for (let c = 0; c < changes.entries.length; c++) {
      const entry = changes.entries[c]!;
      const node = entry >= 0 ? entry : this.count + ghost++;
      const kind = kinds[c]!;
      marks[node] = kind + 1;
      counts[CHANGE_KINDS[kind] ?? 'modified']++;
    }
    const ghostChildren = new Map<number, number[]>();
    ghosts.forEach((g, i) => {
      const list = ghostChildren.get(g.parent);
      if (list) list.push(this.count + i);
      else ghostChildren.set(g.parent, [this.count + i]);
    });
    const result: LayerMarks = { layer, marks, ghosts, ghostChildren, counts };
    this.marksByLayer.set(layer, result);
    return result;
  }

  /** The rows to show, depth first, each directory's children in name order. */
  rows(options: RowOptions): Rows {
    const { collapsed, marks } = options;
    const total = this.count + (marks?.ghosts.length ?? 0);
    const filter = options.filter.toLowerCase();
    const keep = filter || options.changesOnly ? this.kept(filter, options.changesOnly, marks, total) : undefined;
    const nodes = new Int32Array(total);
    const depths = new Uint16Array(total);
    let length = 0;
    // An explicit stack (an image may nest deeper than the call stack goes): nodes pushed in reverse to pop in order.
    const stack: number[] = [];
    const depthOf: number[] = [];
    const pushKids = (node: number, depth: number): void => {
      const kids = this.kids(node, marks);
      for (let k = kids.length - 1; k >= 0; k--) {
        const kid = kids[k]!;
        if (keep && !keep.kept[kid]) continue;
        stack.push(kid);
        depthOf.push(depth);
      }
    };
    pushKids(-1, 0);
    while (stack.length > 0) {
      const node = stack.pop()!;
      const depth = depthOf.pop()!;
      nodes[length] = node;
      depths[length] = Math.min(depth, 0xffff);
      length++;
      // A file may have ghosts below it: the layer deleted a directory and wrote a file at its path.
      const open =
        node < this.count ? (this.listing.types[node] === DIRECTORY && !collapsed[node]) || marks?.ghostChildren.has(node) === true : true;
      if (open) pushKids(node, depth + 1);
    }
    return { nodes, depths, length, matches: keep?.matches ?? total };
  }

  /** Nodes matching the filter (and changed, with changesOnly), with every directory above them. */
  private kept(filter: string, changesOnly: boolean, marks: LayerMarks | undefined, total: number): { kept: Uint8Array; matches: number } {
    const kept = new Uint8Array(total);
    const lower = filter ? this.lowerCasePaths() : undefined;
    let matches = 0;
    for (let node = 0; node < total; node++) {
      if (changesOnly && !marks?.marks[node]) continue;
      if (lower) {
        const path = node < this.count ? lower[node]! : this.path(node, marks).toLowerCase();
        if (!path.includes(filter)) continue;
      }
      matches++;
      for (let at = node; at >= 0 && !kept[at]; at = this.parent(at, marks)) kept[at] = 1;
    }
    return { kept, matches };
  }

  private lowerCasePaths(): string[] {
    if (!this.lowerPaths) {
      const out = new Array<string>(this.count);
      for (let i = 0; i < this.count; i++) out[i] = this.path(i).toLowerCase();
      this.lowerPaths = out;
    }
    return this.lowerPaths;
  }
}

function ghostOf(tree: FileTree, node: number, marks: LayerMarks | undefined): LayerMarks['ghosts'][number] | undefined {
  return marks?.ghosts[node - tree.count];
}

/** The layer's marks of a node: 'added', 'modified', 'deleted', or undefined. */
export function markOf(marks: LayerMarks | undefined, node: number): ChangeKind | undefined {
  const mark = marks?.marks[node] ?? 0;
  return mark === 0 ? undefined : CHANGE_KINDS[mark - 1];
}
