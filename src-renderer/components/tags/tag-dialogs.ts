/**
 * The checks of the Retag… and Delete… dialogs, React-free (a test runs them
 * without a page): a new tag's name, and what a person must type before
 * anything is deleted.
 */
import type { DeleteHow, DeletePlan } from '../../../src-shared/contract';
import { tagSchema } from '../../../src-shared/schemas';
import { shortDigest } from '../../lib/format';
import { tagOf } from '../../lib/reference';

/** What is wrong with `tag` as the new tag of an image now at `reference`, or undefined. */
export function retagProblem(tag: string, reference: string): string | undefined {
  if (!tag) return 'Name the new tag';
  const parsed = tagSchema.safeParse(tag);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'Not a valid tag';
  if (tag === reference) return `The image is "${tag}" already: name another tag`;
  return undefined;
}

/** The ways a reference can be deleted: a tag alone (the registry's way, else a placeholder) or its digest with every tag at it. */
export type DeleteChoice = Extract<DeleteHow, 'placeholder' | 'digest'>;

export function deleteChoices(reference: string): DeleteChoice[] {
  return tagOf(reference) !== undefined ? ['placeholder', 'digest'] : ['digest'];
}

/**
 * What the person may type to confirm: the tag when only the tag goes; the
 * short digest (or the tag it was reached through) when the image goes.
 */
export function confirmationWords(plan: Pick<DeletePlan, 'reference' | 'digest'>, choice: DeleteChoice): string[] {
  const tag = tagOf(plan.reference);
  if (choice === 'placeholder') return tag ? [tag] : [];
  return [shortDigest(plan.digest), plan.digest, ...(tag ? [tag] : [])];
}

export function confirmed(typed: string, words: readonly string[]): boolean {
  const t = typed.trim();
  return t.length > 0 && words.includes(t);
}
