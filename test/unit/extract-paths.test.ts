/**
 * Entry names (src-main/registry/extract/paths.ts): normalizeName's fast
 * path for names that are already normal must agree with the general rule on
 * every name, hostile ones included, and so must unsafeNameReason's scan
 * for `..` components; checked exhaustively over short names built from the
 * characters that matter.
 */
import { describe, expect, it } from 'vitest';
import { normalizeName, unsafeNameReason } from '../../src-main/registry/extract/paths';

/** The rule, spelled out the slow way. */
function reference(raw: string): string {
  const absolute = raw.startsWith('/');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return absolute ? '/' : '.';
  return (absolute ? '/' : '') + parts.join('/');
}

describe('normalizeName', () => {
  it('keeps `..` and a leading slash (for the writer to refuse), drops `.`, empty parts and trailing slashes', () => {
    expect(normalizeName('./usr//bin/./ls')).toBe('usr/bin/ls');
    expect(normalizeName('usr/share/')).toBe('usr/share');
    expect(normalizeName('usr/share')).toBe('usr/share');
    expect(normalizeName('./')).toBe('.');
    expect(normalizeName('/etc/passwd')).toBe('/etc/passwd');
    expect(normalizeName('a/../../x')).toBe('a/../../x');
    expect(normalizeName('...')).toBe('...');
  });

  it('agrees with the general rule on every name of up to 6 pieces of a, ., .., /, x/ and empty', () => {
    const pieces = ['a', '.', '/', '..', '', 'x/'];
    let checked = 0;
    const walk = (name: string, depth: number): void => {
      expect(normalizeName(name), JSON.stringify(name)).toBe(reference(name));
      const dotDot = !name.startsWith('/') && name.split('/').includes('..');
      expect(unsafeNameReason(name) === "path has a '..' component", JSON.stringify(name)).toBe(dotDot);
      checked++;
      if (depth > 0) for (const piece of pieces) walk(name + piece, depth - 1);
    };
    walk('', 6);
    expect(checked).toBeGreaterThan(50_000);
  });
});
