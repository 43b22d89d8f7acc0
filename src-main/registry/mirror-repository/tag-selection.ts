/**
 * Which tags of a repository a mirror copies: a list, a pattern, or any test
 * the caller writes (the app builds semantic-version ranges into one); all of
 * them by default.
 */
import { InvalidReferenceError } from '../errors';
import { isValidTag } from '../reference';

export type TagSelection = readonly string[] | RegExp | ((tag: string) => boolean);

/** The most tags one list may name (far above any release train; a repository's whole list is read otherwise). */
export const MAX_LISTED_TAGS = 100_000;

/** A list is taken as given (no listing needed); anything else is applied to the repository's tags. */
export function isTagList(selection: TagSelection | undefined): selection is readonly string[] {
  return Array.isArray(selection);
}

/** The tags of a list, checked and without repeats, in the order given. */
export function listedTags(list: readonly string[]): string[] {
  if (list.length > MAX_LISTED_TAGS) throw new InvalidReferenceError(`At most ${MAX_LISTED_TAGS} tags can be listed; ${list.length} were`);
  const bad = list.find((t) => !isValidTag(t));
  if (bad !== undefined) {
    throw new InvalidReferenceError(
      `Tag ${JSON.stringify(String(bad).slice(0, 140))} is invalid: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`,
    );
  }
  return [...new Set(list)];
}

/** The tags of `all` that `selection` picks (all of them without one). */
export function selectTags(all: readonly string[], selection: RegExp | ((tag: string) => boolean) | undefined): string[] {
  if (selection === undefined) return [...all];
  if (selection instanceof RegExp) {
    // A global or sticky pattern keeps state between test() calls; a copy without those flags does not.
    const pattern = new RegExp(selection.source, selection.flags.replace(/[gy]/g, ''));
    return all.filter((t) => pattern.test(t));
  }
  return all.filter((t) => selection(t));
}
