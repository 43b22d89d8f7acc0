/**
 * Which tags of a repository a repository mirror copies, as the renderer
 * sends it and main applies it: all of them, a list, a pattern (a regular
 * expression matched against the whole tag), or a range of semantic versions
 * such as `>=1.2 <2` (npm's range syntax; main evaluates it with `semver`).
 * Plain zod: the renderer checks a pattern with the same schema before it
 * asks main for a preview.
 */
import { z } from 'zod';
import { tagSchema } from './schemas';

export const MAX_TAG_LIST = 10_000;
export const MAX_PATTERN_LENGTH = 256;

/** A pattern compiles as a JavaScript regular expression (main anchors it: `^(?:pattern)$`). */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return `Not a regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

export const tagPatternSchema = z
  .string({ error: 'Pattern must be a string' })
  .min(1, 'Pattern is required, e.g. "v1\\..*"')
  .max(MAX_PATTERN_LENGTH, `Pattern is longer than ${MAX_PATTERN_LENGTH} characters`)
  .superRefine((value, ctx) => {
    const problem = patternProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const versionRangeSchema = z
  .string({ error: 'Version range must be a string' })
  .trim()
  .min(1, 'Version range is required, e.g. ">=1.2 <2"')
  .max(MAX_PATTERN_LENGTH, `Version range is longer than ${MAX_PATTERN_LENGTH} characters`);

export const tagSelectionSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({
      kind: z.literal('list'),
      tags: z
        .array(tagSchema, { error: 'tags must be a list' })
        .min(1, 'Name at least one tag')
        .max(MAX_TAG_LIST, `At most ${MAX_TAG_LIST} tags`),
    }),
    z.strictObject({ kind: z.literal('pattern'), pattern: tagPatternSchema }),
    z.strictObject({ kind: z.literal('semver'), range: versionRangeSchema }),
  ],
  { error: 'Tags must be one of: all, a list, a pattern, a version range' },
);

export type TagSelectionInput = z.infer<typeof tagSelectionSchema>;

/** The selection in a few words, for a job's title: `all tags`, `3 tags`, `tags matching v1\..*`, `versions >=1.2 <2`. */
export function describeTagSelection(selection: TagSelectionInput): string {
  switch (selection.kind) {
    case 'all':
      return 'all tags';
    case 'list':
      return selection.tags.length === 1 ? `tag ${selection.tags[0]}` : `${selection.tags.length} tags`;
    case 'pattern':
      return `tags matching ${selection.pattern}`;
    case 'semver':
      return `versions ${selection.range}`;
  }
}
