/**
 * Paths of the flattened image as this folder lists them: relative, with no
 * `./`, no leading `/` and no trailing `/`. A layer's hostile names (`..`,
 * absolute) are resolved lexically inside the image, as a container runtime
 * puts them (`/etc/x` is `etc/x`, `a/../../x` is `x`): the listing shows
 * where they would land in the image, never a place outside it. Nothing here
 * touches the disk; extraction keeps refusing such names (extract/paths.ts).
 */
import { posix } from 'node:path';
import { normalizeName, ROOT, unsafeNameReason } from '../extract/paths';

export { ROOT };

/** What normalizeName would change: an empty, `.` or `..` component, a doubled, leading or trailing `/`. */
const NOT_NORMAL = /(?:^|\/)\.{0,2}(?:\/|$)|^\//;

export function imagePath(raw: string): string {
  // Most names in a layer are already normal: keep them as they are (no split and join per entry).
  if (raw !== '' && !NOT_NORMAL.test(raw)) return raw;
  const name = normalizeName(raw);
  if (unsafeNameReason(name) === undefined) return name;
  const inside = posix.normalize(`/${name}`).slice(1);
  return inside === '' ? ROOT : inside;
}

/** Path order of the listings: by UTF-16 code unit, the same for every list this folder returns. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of `path` among `count` paths sorted by comparePaths, each read through `at`; -1 when absent. */
export function findSorted(count: number, at: (i: number) => string, path: string): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const order = comparePaths(at(mid), path);
    if (order === 0) return mid;
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
