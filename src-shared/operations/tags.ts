/**
 * Tags with facts (digest, date, size, platforms), the pull rate limit, and
 * retagging and deleting (part of the contract's table).
 */
import { z } from 'zod';
import type { AppError } from '../errors';
import { connectionIdSchema, digestSchema, repositorySchema, tagSchema } from '../schemas';
import { operation, imageRef, uniqueList } from '../operation-spec';

export interface PlatformFactView {
  /** `os/arch[/variant]`. */
  platform: string;
  digest: string;
  size: number;
  created?: string | undefined;
}

/** What a tag points at: digest, size, when it was built, its platforms (attestations left out). */
export interface TagSummaryView {
  digest: string;
  mediaType: string;
  isIndex: boolean;
  /** Bytes of manifest, config and layers (an index: of itself and all its images). */
  size: number;
  created?: string | undefined;
  platforms: PlatformFactView[];
}

export interface TagFact {
  tag: string;
  /**
   * `checked`: confirmed with the registry in this session; `cached`: from the cache on disk, not
   * confirmed yet; `unknown`: nothing read yet (asked with cachedOnly); `failed`: see `error`.
   */
  state: 'checked' | 'cached' | 'unknown' | 'failed';
  summary?: TagSummaryView;
  /** Other tags of the repository that Lading knows point at the same digest (the first 20, by name). */
  aliases?: string[];
  /** How many other tags Lading knows point at the same digest (`aliases` shows 20 at most). */
  aliasCount?: number;
  /** The tag moved: this is the digest it pointed at before (in the cache). */
  movedFrom?: string;
  error?: AppError;
}

export interface RateLimitView {
  limit: number;
  remaining: number;
  windowSeconds?: number;
  /** ISO 8601: when the registry said so. */
  seenAt: string;
}

export interface TagFactsResult {
  repository: string;
  /** In the order asked. */
  facts: TagFact[];
  /** The pull rate limit the registry reported last (Docker Hub). */
  rateLimit?: RateLimitView;
}

export interface RetagResult {
  repository: string;
  tag: string;
  digest: string;
  /** The tag existed and pointed at this other digest before. */
  movedFrom?: string;
}

/** What deleting `reference` would remove, as far as Lading knows, and what the registry did with deletes before. */
export interface DeletePlan {
  repository: string;
  reference: string;
  /** What the reference points at now (asked with one HEAD). */
  digest: string;
  summary?: TagSummaryView;
  /** Tags Lading knows to point at `digest` (the reference itself included when it is a tag), by name. */
  tagsAtDigest: string[];
  /** Tags of the repository whose digest Lading has not read: any of them may point at `digest` too. */
  uncheckedTags: number;
  /** What this registry answered to deleting a tag before, in this session. */
  tagDeletion: 'unknown' | 'supported' | 'refused';
  /** Whether it deleted anything at all before (`disabled`: it answered 405 UNSUPPORTED). */
  deletion: 'unknown' | 'enabled' | 'disabled';
}

export type DeleteHow = 'tag' | 'digest' | 'placeholder';

export interface DeleteTagResult {
  repository: string;
  reference: string;
  how: DeleteHow;
  digest: string;
  /** The tags that are gone, as far as Lading knows. */
  removedTags: string[];
}

/** Tags per tags.facts call: a screenful and more. */
export const MAX_FACTS_PER_CALL = 200;

export const tagOperations = {
  'tags.facts': operation<TagFactsResult>()(
    'query',
    'Facts of some tags (the rows in view): digest, size, created, platforms, aliases; cachedOnly answers from what is known without asking the registry',
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      tags: uniqueList(tagSchema, MAX_FACTS_PER_CALL, 'tags').refine((t) => t.length > 0, 'Give at least one tag'),
      cachedOnly: z.boolean().optional(),
    }),
  ),
  'tags.rateLimit': operation<RateLimitView | null>()(
    'query',
    'The pull rate limit the registry of a connection reported last (Docker Hub), or null; asks the registry nothing',
    z.strictObject({ connectionId: connectionIdSchema }),
  ),
  'tags.retag': operation<RetagResult>()(
    'command',
    'Puts the manifest a tag or digest names under another tag of the same repository, byte for byte; an existing tag moves only with move: true',
    z.strictObject({ ...imageRef, tag: tagSchema, move: z.boolean().optional() }),
  ),
  'tags.deletePlan': operation<DeletePlan>()(
    'query',
    'What deleting a tag or digest would remove: its digest now, the tags known to point at it, how many tags are unchecked',
    z.strictObject(imageRef),
  ),
  'tags.delete': operation<DeleteTagResult>()(
    'command',
    'Deletes as confirmed: the tag (the registry deletes it), the digest (and every tag at it), or the tag through a placeholder; refuses when the reference moved from the confirmed digest',
    z.strictObject({
      ...imageRef,
      digest: digestSchema,
      how: z.enum(['tag', 'digest', 'placeholder'], { error: 'how must be "tag", "digest" or "placeholder"' }),
    }),
  ),
} as const;
