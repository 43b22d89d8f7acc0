/** The repository mirror dialog's form without React (src-renderer/components/mirror-repository/mirror-repository-form.ts). */
import { describe, expect, it } from 'vitest';
import { operations } from '../../src-shared/contract';
import {
  checkValues,
  mirrorRepositoryInput,
  platformList,
  tagSelection,
  describePreview,
  type MirrorRepositoryValues,
} from '../../src-renderer/components/mirror-repository/mirror-repository-form';

const values = (changes: Partial<MirrorRepositoryValues> = {}): MirrorRepositoryValues => ({
  target: 'conn-0123456789abcdef',
  repository: 'team/app',
  mode: 'all',
  list: '',
  pattern: '',
  range: '',
  platforms: '',
  referrers: false,
  ...changes,
});

describe('tagSelection', () => {
  it('reads a list split by spaces, commas and new lines, without repeats', () => {
    expect(tagSelection(values({ mode: 'list', list: 'v1, v2\nv3 v1' }))).toEqual({
      selection: { kind: 'list', tags: ['v1', 'v2', 'v3'] },
    });
  });

  it('says what is wrong: an empty list, a tag that is not one, a pattern that does not compile, an empty range', () => {
    expect(tagSelection(values({ mode: 'list', list: ' ' })).problem).toBe('Name at least one tag');
    expect(tagSelection(values({ mode: 'list', list: 'v1 -bad' })).problem).toBe('"-bad" is not a tag');
    expect(tagSelection(values({ mode: 'pattern', pattern: 'v1(' })).problem).toMatch(/^Not a regular expression/);
    expect(tagSelection(values({ mode: 'semver', range: '  ' })).problem).toMatch(/^Type a version range/);
  });

  it('passes a pattern and a range on as typed (main anchors the one and checks the other)', () => {
    expect(tagSelection(values({ mode: 'pattern', pattern: ' v1\\..* ' })).selection).toEqual({ kind: 'pattern', pattern: 'v1\\..*' });
    expect(tagSelection(values({ mode: 'semver', range: '>=1.2 <2' })).selection).toEqual({ kind: 'semver', range: '>=1.2 <2' });
  });
});

describe('platforms, checks and the job input', () => {
  it('reads platforms as a list and refuses what is not os/arch', () => {
    expect(platformList('linux/amd64, linux/arm64/v8')).toEqual({ platforms: ['linux/amd64', 'linux/arm64/v8'] });
    expect(platformList('amd64').problem).toMatch(/is not a platform/);
  });

  it('checks every field, and makes an input the contract takes', () => {
    expect(checkValues(values({ target: '', repository: 'Team', mode: 'list', platforms: 'x' }))).toEqual({
      target: 'Pick a connection to copy to',
      repository: 'Not a valid repository name (lower-case, e.g. team/app)',
      tags: 'Name at least one tag',
      platforms: '"x" is not a platform: write os/arch, e.g. linux/amd64',
    });
    const good = values({ mode: 'pattern', pattern: 'v1.*', platforms: 'linux/amd64', referrers: true });
    expect(Object.values(checkValues(good)).filter(Boolean)).toEqual([]);
    const input = mirrorRepositoryInput({ connectionId: 'conn-fedcba9876543210', repository: 'src/app' }, good);
    expect(input).toEqual({
      source: { connectionId: 'conn-fedcba9876543210', repository: 'src/app' },
      target: { connectionId: 'conn-0123456789abcdef', repository: 'team/app' },
      tags: { kind: 'pattern', pattern: 'v1.*' },
      platforms: ['linux/amd64'],
      referrers: true,
    });
    expect(operations['jobs.mirrorRepository'].input.safeParse(input).success).toBe(true);
  });
});

describe('describePreview', () => {
  it('says how many, the first few, and the listed tags the repository lacks', () => {
    expect(describePreview({ repository: 'a', total: 2617, selected: 3, sample: ['t0000', 't0001', 't0002'], missing: [] })).toBe(
      'Selects 3 of 2,617 tags: t0000, t0001, t0002',
    );
    expect(describePreview({ repository: 'a', total: 20, selected: 14, sample: ['a', 'b'], missing: ['zz'] })).toBe(
      'Selects 14 of 20 tags: a, b, …; not in the repository: zz',
    );
  });
});
