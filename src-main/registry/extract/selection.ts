/**
 * extractToDirectory's `paths`: a part of the flattened image (files, or
 * directories with everything below them), each written below the target
 * under its own base name, as `docker cp` and a file manager's copy do:
 * `etc/ssl` lands at `<target>/ssl`, `etc/passwd` at `<target>/passwd`.
 *
 * The flattened stream (flatten.ts) is filtered and renamed on its way to the
 * safe writer, so every rule of a full extraction holds: names are checked
 * again after renaming, hard links must find their target below the target
 * directory, and nothing is written through a symlink.
 *
 * A hard link inside the selection whose target lies outside it (saving
 * `usr/bin/perl`, a link to `usr/bin/perl5.36`) gets the content itself. The
 * stream offers a file's bytes once, before the link that needs them, and
 * keeping every unselected file just in case would write the whole image to
 * disk; so such links are noted in a first pass, and only when there are some
 * is the image walked a second time, keeping exactly the files they need (in
 * the writer's store of hidden files, until their layer ends). Within one
 * layer's part of the stream a link always follows the content it names
 * (flatten.ts), so nothing kept outlives its layer.
 */
import type { FlatHeader, FlatItem } from './entry';
import { ExtractError } from './errors';
import { normalizeName, ROOT, unsafeNameReason } from './paths';

interface SelectedRoot {
  /** The path in the image. */
  path: string;
  /** Its name below the target. */
  base: string;
}

/** A selected hard link whose target content is outside the selection: written in the second pass. */
interface OutsideLink {
  /**
   * `entry`: the content is the file the stream emitted at `target`; `hidden`: a hidden
   * file of that name (flatten.ts); `chain`: another outside link, by its output name.
   */
  via: 'entry' | 'hidden' | 'chain';
  target: string;
}

export class Selection {
  readonly roots: readonly SelectedRoot[];
  /** Roots met in the stream (their own entry, or something below them). */
  private readonly seen = new Set<string>();
  /** By the link's output name. */
  private readonly outside = new Map<string, OutsideLink>();

  /** Throws ExtractError for a path that cannot name a part of an image, or paths that overlap. */
  constructor(paths: readonly string[], target: string) {
    const roots: SelectedRoot[] = [];
    for (const raw of paths) {
      // Paths in a container are absolute: `/etc` and `etc` name the same directory.
      const path = normalizeName(raw.replace(/^\/+/, ''));
      const problem = raw.includes('\0')
        ? 'has a NUL character'
        : path === ROOT
          ? 'is the whole image (leave paths out to extract everything)'
          : unsafeNameReason(path);
      if (problem !== undefined) throw new ExtractError(`Cannot extract ${JSON.stringify(raw)}: the path ${problem}`, target);
      roots.push({ path, base: path.slice(path.lastIndexOf('/') + 1) });
    }
    if (roots.length === 0) throw new ExtractError('paths is empty: name at least one file or directory of the image', target);
    for (const a of roots) {
      for (const b of roots) {
        if (a === b) continue;
        if (a.path === b.path || b.path.startsWith(`${a.path}/`)) {
          throw new ExtractError(
            `${b.path} is ${a.path === b.path ? 'given twice' : `inside ${a.path}`}: name each part of the image once`,
            target,
          );
        }
        if (a.base === b.base)
          throw new ExtractError(`${a.path} and ${b.path} would both be written as ${a.base}: extract them apart`, target);
      }
    }
    this.roots = roots;
  }

  /** The name below the target of an image path inside the selection, or undefined for a path outside it. */
  map(name: string): string | undefined {
    for (const { path, base } of this.roots) {
      if (name === path) return base;
      if (name.length > path.length && name.charCodeAt(path.length) === 0x2f && name.startsWith(path))
        return base + name.slice(path.length);
    }
    return undefined;
  }

  /** Whether the second pass is needed: some selected hard links need content from outside the selection. */
  get needsSecondPass(): boolean {
    return this.outside.size > 0;
  }

  /** Roots the image does not have. */
  missingRoots(): SelectedRoot[] {
    return this.roots.filter((r) => !this.seen.has(r.path));
  }

  /** The first pass: the selected part of the stream, renamed; outside links are noted (and left out). */
  async *firstPass(items: AsyncIterable<FlatItem>): AsyncGenerator<FlatItem> {
    for await (const item of items) {
      if (item.kind === 'layer-end') {
        yield item;
        continue;
      }
      const { header } = item;
      const name = this.map(header.name);
      if (name === undefined) continue; // a body nobody reads is skipped by the layer reader
      if (item.kind !== 'hidden') this.markSeen(name);
      const isLink = item.kind === 'from-hidden' || header.type === 'link';
      if (!isLink) {
        yield { ...item, header: { ...header, name } };
        continue;
      }
      const linkname = header.linkname ?? '';
      const target = unsafeNameReason(linkname) === undefined ? this.map(linkname) : linkname;
      if (target === undefined) {
        this.outside.set(name, { via: item.kind === 'from-hidden' ? 'hidden' : 'entry', target: linkname });
      } else if (this.outside.has(target)) {
        this.outside.set(name, { via: 'chain', target });
      } else {
        // An unsafe target passes as it is: the writer refuses it, and says why.
        yield { ...item, header: { ...header, name, linkname: target } };
      }
    }
  }

  /** The second pass: only the outside links, each given the content of its target (kept while its layer is read). */
  async *secondPass(items: AsyncIterable<FlatItem>): AsyncGenerator<FlatItem> {
    const wanted = { entry: new Set<string>(), hidden: new Set<string>() };
    for (const link of this.outside.values()) if (link.via !== 'chain') wanted[link.via].add(link.target);
    /** Targets whose content went to an outside link in this layer: later links to them link to that one. */
    const given = new Map<string, string>();
    for await (const item of items) {
      if (item.kind === 'layer-end') {
        given.clear();
        yield item;
        continue;
      }
      const { header } = item;
      if (
        item.kind !== 'from-hidden' &&
        item.body &&
        header.type === 'file' &&
        wanted[item.kind === 'hidden' ? 'hidden' : 'entry'].has(header.name)
      ) {
        yield { kind: 'hidden', header, body: item.body };
        continue;
      }
      const name = this.map(header.name);
      const link = name === undefined ? undefined : this.outside.get(name);
      if (name === undefined || link === undefined) continue;
      if (link.via === 'chain') {
        yield { kind: 'entry', header: linkHeader(header, name, link.target) };
        continue;
      }
      const first = given.get(link.target);
      if (first !== undefined) {
        yield { kind: 'entry', header: linkHeader(header, name, first) };
      } else {
        given.set(link.target, name);
        yield { kind: 'from-hidden', header: linkHeader(header, name, link.target) };
      }
    }
  }

  /** Drops reported by the flattener, for the selected part only, under their names below the target. */
  dropped(path: string, reason: string, skip: (path: string, reason: string) => void): void {
    const name = this.map(path);
    if (name === undefined) return;
    this.markSeen(name);
    skip(name, reason);
  }

  /** A root is there when the stream has it or anything below it (a directory may be only implied). */
  private markSeen(name: string): void {
    if (this.seen.size === this.roots.length) return;
    for (const r of this.roots)
      if (name === r.base || (name.startsWith(r.base) && name.charCodeAt(r.base.length) === 0x2f)) this.seen.add(r.path);
  }
}

function linkHeader(header: FlatHeader, name: string, linkname: string): FlatHeader {
  return { ...header, name, type: 'link', linkname, size: 0 };
}
