/** How tags are ordered for a person (src-shared/tag-order.ts): by name, by version, by date. */
import { describe, expect, it } from 'vitest';
import {
  compareCreatedDescending,
  compareNatural,
  compareVersionsDescending,
  sortByCreatedDescending,
  versionOf,
} from '../../src-shared/tag-order';
import { SEMVER_TAGS } from '../harness/fixture-names';

describe('compareNatural', () => {
  it('puts v1.10 after v1.9 and build-10 after build-9', () => {
    expect(['v1.10', 'v1.9', 'v1.2', 'build-10', 'build-9', 'build-100'].sort(compareNatural)).toEqual([
      'build-9',
      'build-10',
      'build-100',
      'v1.2',
      'v1.9',
      'v1.10',
    ]);
  });

  it('is a total order: tags that differ only in case or leading zeros still have a fixed order', () => {
    const tags = ['A1', 'a1', 'a01', 'a001', 'a1'];
    const once = [...tags].sort(compareNatural);
    expect([...tags].reverse().sort(compareNatural)).toEqual(once);
    for (let i = 1; i < once.length; i++) expect(compareNatural(once[i - 1]!, once[i]!)).toBeLessThanOrEqual(0);
    expect(compareNatural('a1', 'a1')).toBe(0);
  });
});

describe('versions', () => {
  it('reads semantic versions loosely, and versions at the start of a tag; not digits elsewhere', () => {
    expect(versionOf('v1.2.3')?.version).toBe('1.2.3');
    expect(versionOf('1.2')?.version).toBe('1.2.0');
    expect(versionOf('v2.0.0-rc.10')?.version).toBe('2.0.0-rc.10');
    expect(versionOf('v1.2.3_build.5')?.version).toBe('1.2.3');
    for (const tag of ['latest', 'sha-0123abc', 'T9999', 'z_last', 'stable', 'main-2']) expect(versionOf(tag), tag).toBeUndefined();
  });

  it('orders the harness semver tags highest first, then the rest by name', () => {
    expect([...SEMVER_TAGS].sort(compareVersionsDescending)).toEqual([
      'v2.0.0-rc.10',
      'v2.0.0-rc.1',
      '1.10.0',
      'v1.10.0',
      '1.9.9',
      'v1.2.3',
      'v1.2.3_build.5',
      '1.2.0',
      '1.0.1',
      '1.0',
      'v1.0.0',
      'v0.0.1-alpha',
      'latest',
      'sha-0123abc',
      'stable',
      'T9999',
      'z_last',
    ]);
  });

  it('a release comes before its release candidates', () => {
    expect(['v2.0.0-rc.1', 'v2.0.0', 'v2.0.0-rc.2'].sort(compareVersionsDescending)).toEqual(['v2.0.0', 'v2.0.0-rc.2', 'v2.0.0-rc.1']);
  });
});

describe('compareCreatedDescending', () => {
  it('newest first, undated and unreadable last by name, equal dates by name', () => {
    const rows = [
      { tag: 'b', created: '2024-01-01T00:00:00Z' },
      { tag: 'undated-2' },
      { tag: 'a', created: '2024-01-01T00:00:00Z' },
      { tag: 'new', created: '2024-06-01T12:00:00.5Z' },
      { tag: 'undated-10', created: 'yesterday' },
      { tag: 'old', created: '2020-01-01T00:00:00+02:00' },
    ];
    const expected = ['new', 'a', 'b', 'old', 'undated-2', 'undated-10'];
    expect([...rows].sort(compareCreatedDescending).map((r) => r.tag)).toEqual(expected);
    const created = new Map(rows.map((r) => [r.tag, r.created]));
    expect(
      sortByCreatedDescending(
        [...rows].reverse().map((r) => r.tag),
        (t) => created.get(t),
      ),
    ).toEqual(expected);
  });
});
