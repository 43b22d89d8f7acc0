/**
 * Entry names inside layer tarballs: normalising them, telling whiteouts
 * apart, and naming the ancestors a flattening or a safe write must check.
 * Pure string work on POSIX-style names; nothing here touches the disk.
 */

/** Marks a deletion: `<dir>/.wh.<name>` removes `<dir>/<name>` from lower layers. */
export const WHITEOUT_PREFIX = '.wh.';
/** Marks an opaque directory: `<dir>/.wh..wh..opq` hides everything lower layers put in `<dir>`. */
export const OPAQUE_MARKER = '.wh..wh..opq';
/** `.wh..wh.*` names are AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): never real files. */
const META_PREFIX = '.wh..wh.';

/** The name of the image's root directory after normalisation. */
export const ROOT = '.';

/**
 * `./a//b/./c/` -> `a/b/c`; `./` -> `.`. A leading `/` and `..` components are
 * kept on purpose: they are what a safe writer must see to refuse an entry,
 * and resolving `a/../../x` here would hide the escape.
 */
export function normalizeName(raw: string): string {
  if (isNormal(raw)) return raw;
  // A directory's name as tar writes it: the same without its one trailing slash.
  if (raw.length > 1 && raw.endsWith('/') && isNormal(raw.slice(0, -1))) return raw.slice(0, -1);
  const absolute = raw.startsWith('/');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return absolute ? '/' : ROOT;
  return (absolute ? '/' : '') + parts.join('/');
}

/**
 * Already what normalizeName() returns (most names in a layer are): not empty,
 * no leading or trailing `/`, no empty or `.` component. Checked without
 * allocating: this runs for every entry of every layer.
 */
function isNormal(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && name.charCodeAt(i) !== 0x2f) continue;
    const length = i - start;
    if (length === 0) return false;
    if (length === 1 && name.charCodeAt(start) === 0x2e) return false;
    start = i + 1;
  }
  return true;
}

/** Why a name may not be written below a target directory, or undefined when it may. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.startsWith('/')) return 'absolute path';
  if (hasDotDot(name)) return "path has a '..' component";
  return undefined;
}

/** `name.split('/').includes('..')`, without an array per entry. */
function hasDotDot(name: string): boolean {
  for (let at = name.indexOf('..'); at !== -1; at = name.indexOf('..', at + 1)) {
    const before = at === 0 || name.charCodeAt(at - 1) === 0x2f;
    const after = at + 2 === name.length || name.charCodeAt(at + 2) === 0x2f;
    if (before && after) return true;
  }
  return false;
}

/** `a/b/c` -> `['a', 'a/b']`: the proper ancestors, outermost first, the root left out. */
export function ancestorsOf(name: string): string[] {
  const out: string[] = [];
  let at = name.indexOf('/', name.startsWith('/') ? 1 : 0);
  while (at !== -1) {
    out.push(name.slice(0, at));
    at = name.indexOf('/', at + 1);
  }
  return out;
}

/** The directory holding `name` (`.` for a top-level name). */
export function dirnameOf(name: string): string {
  const at = name.lastIndexOf('/');
  if (at === -1) return ROOT;
  return at === 0 ? '/' : name.slice(0, at);
}

function joinName(dir: string, base: string): string {
  if (dir === ROOT) return base;
  return dir.endsWith('/') ? `${dir}${base}` : `${dir}/${base}`;
}

export type Whiteout =
  /** Delete `target` (and everything below it) from lower layers. */
  | { kind: 'delete'; target: string }
  /** Hide everything lower layers have below `dir`; `dir` itself stays. */
  | { kind: 'opaque'; dir: string }
  /** Other `.wh..wh.*` bookkeeping: drop it, it means nothing to the filesystem. */
  | { kind: 'meta' };

/** Reads a normalised name as a whiteout, or undefined for an ordinary entry. */
export function parseWhiteout(name: string): Whiteout | undefined {
  const slash = name.lastIndexOf('/');
  const base = name.slice(slash + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = dirnameOf(name);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(META_PREFIX)) return { kind: 'meta' };
  const target = base.slice(WHITEOUT_PREFIX.length);
  // `.wh.` alone, `.wh..` or `.wh...` name nothing a layer could hold.
  if (target === '' || target === '.' || target === '..') return { kind: 'meta' };
  return { kind: 'delete', target: joinName(dir, target) };
}
