/**
 * How tags are ordered for a person: by name in natural order (`v1.9` before
 * `v1.10`), by version (semantic versions, loosely: `v1.2`, `1.2.3-rc.1`,
 * `v1.2.3_build.5`), or by when the image was built. Pure functions, shared
 * by main (sorting a repository's tags, picking tag ranges) and the renderer.
 */
import { coerce, compare, parse, type SemVer } from 'semver';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order: runs of digits compare as numbers (`t9` < `t10`), then byte order breaks ties, so the order is total. */
export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A tag that starts like a version: `1`, `v1.2`, `1.2.3`, then anything after a separator. */
const VERSION_START = /^v?\d+(?:\.\d+){0,2}(?:[-+_.].*)?$/i;

/**
 * The version a tag names, or undefined: exact semver first (loose, so `v1.2.3`
 * and `=1.2.3` count), then the leading `v?N[.N[.N]]` of a tag such as `v1.2`
 * or `1.2.3_build.5` (its prerelease kept when it has one). Tags that merely
 * contain digits (`sha-0123abc`, `latest-2`) are not versions.
 */
export function versionOf(tag: string): SemVer | undefined {
  const exact = parse(tag, { loose: true });
  if (exact) return exact;
  if (!VERSION_START.test(tag)) return undefined;
  return coerce(tag, { includePrerelease: true }) ?? undefined;
}

/**
 * Highest version first (`v2.0.0` before `v2.0.0-rc.10` before `v2.0.0-rc.1`
 * before `v1.10.0`); tags naming the same version in natural order; tags that
 * are no version after all versions, in natural order.
 */
export function compareVersionsDescending(a: string, b: string): number {
  const va = versionOf(a);
  const vb = versionOf(b);
  if (va && vb) return compare(vb, va) || compareNatural(a, b);
  if (va) return -1;
  if (vb) return 1;
  return compareNatural(a, b);
}

/** An ISO 8601 time as milliseconds, or undefined when absent or unreadable. */
export function createdMs(created: string | undefined): number | undefined {
  if (!created) return undefined;
  const ms = Date.parse(created);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Newest first; tags whose date is not known (not read yet, or the image
 * says none) after all dated ones, in natural order; equal dates in natural order.
 */
export function compareCreatedDescending(
  a: { tag: string; created?: string | undefined },
  b: { tag: string; created?: string | undefined },
): number {
  const ca = createdMs(a.created);
  const cb = createdMs(b.created);
  if (ca !== undefined && cb !== undefined && ca !== cb) return cb - ca;
  if (ca !== undefined && cb === undefined) return -1;
  if (ca === undefined && cb !== undefined) return 1;
  return compareNatural(a.tag, b.tag);
}

/** Tags in compareCreatedDescending's order, each date read once (for lists of thousands). */
export function sortByCreatedDescending(tags: readonly string[], createdOf: (tag: string) => string | undefined): string[] {
  const keyed = tags.map((tag) => ({ tag, ms: createdMs(createdOf(tag)) }));
  keyed.sort((a, b) => {
    if (a.ms !== undefined && b.ms !== undefined && a.ms !== b.ms) return b.ms - a.ms;
    if (a.ms !== undefined && b.ms === undefined) return -1;
    if (a.ms === undefined && b.ms !== undefined) return 1;
    return compareNatural(a.tag, b.tag);
  });
  return keyed.map((k) => k.tag);
}

export type TagSort = 'name' | 'version' | 'created';
