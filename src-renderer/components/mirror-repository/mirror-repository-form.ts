/**
 * The repository mirror dialog's form, without React: which tags (all, a
 * list, a pattern, a version range) as the contract's selection, the
 * platforms typed as a list, and the checks main will make, worded beside
 * the fields. A test runs these without a page.
 */
import type { InputOf, TagSelectionPreview } from '../../../src-shared/contract';
import { platformSchema, repositorySchema, tagSchema } from '../../../src-shared/schemas';
import { MAX_TAG_LIST, patternProblem, type TagSelectionInput } from '../../../src-shared/tag-selection';
import { formatCount, plural } from '../../lib/format';

export type TagMode = TagSelectionInput['kind'];

export interface MirrorRepositoryValues {
  target: string;
  repository: string;
  mode: TagMode;
  /** Tags separated by spaces, commas or new lines. */
  list: string;
  pattern: string;
  range: string;
  /** `linux/amd64, linux/arm64`, or empty for every platform. */
  platforms: string;
  referrers: boolean;
}

export type MirrorRepositoryField = 'target' | 'repository' | 'tags' | 'platforms';

export const TAG_MODES: { mode: TagMode; label: string }[] = [
  { mode: 'all', label: 'All tags' },
  { mode: 'list', label: 'A list' },
  { mode: 'pattern', label: 'A pattern' },
  { mode: 'semver', label: 'A version range' },
];

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** The selection the values make, or what is wrong with it (a range is checked by main, which has semver). */
export function tagSelection(values: Pick<MirrorRepositoryValues, 'mode' | 'list' | 'pattern' | 'range'>): {
  selection?: TagSelectionInput;
  problem?: string;
} {
  switch (values.mode) {
    case 'all':
      return { selection: { kind: 'all' } };
    case 'list': {
      const tags = [...new Set(words(values.list))];
      if (tags.length === 0) return { problem: 'Name at least one tag' };
      if (tags.length > MAX_TAG_LIST) return { problem: `At most ${MAX_TAG_LIST} tags` };
      const bad = tags.find((t) => !tagSchema.safeParse(t).success);
      if (bad) return { problem: `"${bad.slice(0, 60)}" is not a tag` };
      return { selection: { kind: 'list', tags } };
    }
    case 'pattern': {
      const pattern = values.pattern.trim();
      if (!pattern) return { problem: 'Type a pattern, e.g. v1\\..*' };
      const problem = patternProblem(pattern);
      return problem ? { problem } : { selection: { kind: 'pattern', pattern } };
    }
    case 'semver': {
      const range = values.range.trim();
      return range ? { selection: { kind: 'semver', range } } : { problem: 'Type a version range, e.g. >=1.2 <2' };
    }
  }
}

/** The platforms typed, or what is wrong with them; none means every platform. */
export function platformList(text: string): { platforms: string[]; problem?: string } {
  const platforms = [...new Set(words(text))];
  const bad = platforms.find((p) => !platformSchema.safeParse(p).success);
  return bad ? { platforms, problem: `"${bad.slice(0, 60)}" is not a platform: write os/arch, e.g. linux/amd64` } : { platforms };
}

/** The problems with the values, by field (none when main would take them). */
export function checkValues(values: MirrorRepositoryValues): Partial<Record<MirrorRepositoryField, string | undefined>> {
  return {
    target: values.target ? undefined : 'Pick a connection to copy to',
    repository: repositorySchema.safeParse(values.repository.trim()).success
      ? undefined
      : 'Not a valid repository name (lower-case, e.g. team/app)',
    tags: tagSelection(values).problem,
    platforms: platformList(values.platforms).problem,
  };
}

/** The job's input (call after checkValues found nothing). */
export function mirrorRepositoryInput(
  source: { connectionId: string; repository: string },
  values: MirrorRepositoryValues,
): InputOf<'jobs.mirrorRepository'> {
  const { platforms } = platformList(values.platforms);
  return {
    source,
    target: { connectionId: values.target, repository: values.repository.trim() },
    tags: tagSelection(values).selection!,
    ...(platforms.length ? { platforms } : {}),
    ...(values.referrers ? { referrers: true } : {}),
  };
}

/** "Selects 3 of 2,617 tags: t0000, t0001, t0002" (and, for a list, the tags the repository lacks). */
export function describePreview(p: TagSelectionPreview): string {
  const head = `Selects ${formatCount(p.selected)} of ${plural(p.total, 'tag')}`;
  const sample = p.sample.length ? `: ${p.sample.join(', ')}${p.selected > p.sample.length ? ', …' : ''}` : '';
  const missing = p.missing.length ? `; not in the repository: ${p.missing.join(', ')}` : '';
  return `${head}${sample}${missing}`;
}
