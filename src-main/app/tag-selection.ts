/**
 * A repository mirror's tag selection (src-shared/tag-selection.ts) made into
 * what the library takes: a list as it is, a pattern anchored to the whole
 * tag, a semantic version range as a test with npm's `semver`. Tags that are
 * not versions (`latest`, `sha-0123abc`) are outside every range; `v1.2.3`,
 * `1.2` and `1` read as 1.2.3, 1.2.0 and 1.0.0; pre-releases are in a range
 * only when it names one (`>=2.0.0-rc.1`), as npm has it.
 */
import semver from 'semver';
import type { TagSelectionPreview } from '../../src-shared/contract';
import type { TagSelectionInput } from '../../src-shared/tag-selection';
import type { TagSelection } from '../registry/index';
import { AppFailure } from './errors';

/** `v1`, `1.2`, `1.2.3`, with an optional pre-release and build: what a version tag looks like. */
const VERSION_TAG = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The version a tag names, or undefined for a tag that is not one. */
export function versionOf(tag: string): semver.SemVer | undefined {
  const m = VERSION_TAG.exec(tag);
  if (!m) return undefined;
  const text = `${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}${m[5] ?? ''}`;
  return semver.parse(text) ?? undefined;
}

export function versionRangeTest(range: string): (tag: string) => boolean {
  const valid = semver.validRange(range);
  if (valid === null) {
    throw new AppFailure(
      'invalid-input',
      `"${range.slice(0, 100)}" is not a version range: write it as npm does, e.g. ">=1.2 <2", "^1.4", "1.x"`,
    );
  }
  const parsed = new semver.Range(valid);
  return (tag) => {
    const version = versionOf(tag);
    return version !== undefined && parsed.test(version);
  };
}

/** What mirrorRepository() takes for `tags`; undefined means all. */
export function librarySelection(selection: TagSelectionInput): TagSelection | undefined {
  switch (selection.kind) {
    case 'all':
      return undefined;
    case 'list':
      return selection.tags;
    case 'pattern':
      // The whole tag, as regsync and a person reading "v1\..*" expect; the schema checked that it compiles.
      return new RegExp(`^(?:${selection.pattern})$`);
    case 'semver':
      return versionRangeTest(selection.range);
  }
}

const SAMPLE = 12;

/** How many of `tags` (byte-sorted, the repository's) the selection picks, with the first few. */
export function previewSelection(repository: string, tags: readonly string[], selection: TagSelectionInput): TagSelectionPreview {
  let picked: string[];
  let missing: string[] = [];
  if (selection.kind === 'list') {
    const present = new Set(tags);
    picked = [...new Set(selection.tags)].filter((t) => present.has(t)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    missing = selection.tags.filter((t) => !present.has(t));
  } else {
    const chosen = librarySelection(selection);
    picked = chosen instanceof RegExp ? tags.filter((t) => chosen.test(t)) : typeof chosen === 'function' ? tags.filter(chosen) : [...tags];
  }
  return { repository, total: tags.length, selected: picked.length, sample: picked.slice(0, SAMPLE), missing: missing.slice(0, SAMPLE) };
}
