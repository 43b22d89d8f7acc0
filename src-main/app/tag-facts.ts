/**
 * Tag facts for the tag table: digest, size, created, platforms and aliases
 * of the tags in view, from the cache on disk at once (`cachedOnly`), then
 * checked with the registry: a tag whose digest is known costs one HEAD;
 * another, its manifest and config (the library's getImageSummary). Also
 * retag and delete as confirmed in the dialogs, and the created dates the
 * date sort needs.
 */
import type {
  DeletePlan,
  DeleteTagResult,
  ParsedInputOf,
  RateLimitView,
  RetagResult,
  TagFact,
  TagFactsResult,
  TagSummaryView,
} from '../../src-shared/contract';
import { compareNatural } from '../../src-shared/tag-order';
import { mapLimit } from '../registry/concurrency';
import {
  DeleteNotSupportedError,
  ImageNotFoundError,
  parseReference,
  RepositoryNotFoundError,
  type Client,
  type ImageSummary,
} from '../registry/index';
import type { ClientPool } from './clients';
import { AppFailure, appErrorFromThrown, isAbort } from './errors';
import type { TagFactsCache } from './tag-facts-cache';

/** Tags of one call checked with the registry at once. */
const CALL_CONCURRENCY = 4;
/** A tag checked this recently is not asked again (the job and the rows in view overlap). */
const RECHECK_AFTER_MS = 30_000;
const MAX_ALIASES = 20;

export interface TagFactsServiceOptions {
  pool: ClientPool;
  cache: TagFactsCache;
  now?: () => number;
}

export interface FetchFactsOptions {
  signal?: AbortSignal | undefined;
  concurrency?: number;
  /** Called as each tag's fact is settled. */
  onFact?: (fact: TagFact, read: boolean) => void;
}

interface DeletionMemory {
  tag: DeletePlan['tagDeletion'];
  any: DeletePlan['deletion'];
}

export function summaryView(s: ImageSummary): TagSummaryView {
  return {
    digest: s.digest,
    mediaType: s.mediaType,
    isIndex: s.isIndex,
    size: s.size,
    ...(s.created !== undefined ? { created: s.created } : {}),
    platforms: s.platforms.map((p) => ({
      platform: p.platform,
      digest: p.digest,
      size: p.size,
      ...(p.created !== undefined ? { created: p.created } : {}),
    })),
  };
}

export class TagFactsService {
  /** `conn\0repo\0tag` -> when it was last confirmed with the registry in this session. */
  private readonly checkedAt = new Map<string, number>();
  /** Bumped whenever a repository's facts change: the date sort is recomputed only then. */
  private readonly versions = new Map<string, number>();
  private readonly deletion = new Map<string, DeletionMemory>();

  constructor(private readonly options: TagFactsServiceOptions) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** A repository's facts version: changes whenever a fact of it changes. */
  version(connectionId: string, repository: string): number {
    return this.versions.get(`${connectionId}\0${repository}`) ?? 0;
  }

  /** Forgets what this session checked for a connection, and its repositories' cache files. */
  async forget(connectionId: string): Promise<void> {
    for (const key of [...this.checkedAt.keys()]) if (key.startsWith(`${connectionId}\0`)) this.checkedAt.delete(key);
    for (const key of [...this.versions.keys()])
      if (key.startsWith(`${connectionId}\0`)) this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    this.deletion.delete(connectionId);
    await this.options.cache.forgetConnection(connectionId);
  }

  async facts(input: ParsedInputOf<'tags.facts'>, signal?: AbortSignal): Promise<TagFactsResult> {
    const facts = input.cachedOnly
      ? await this.cachedFacts(input.connectionId, input.repository, input.tags)
      : await this.fetch(input.connectionId, input.repository, input.tags, {
          concurrency: CALL_CONCURRENCY,
          ...(signal ? { signal } : {}),
        });
    const rateLimit = await this.rateLimit(input.connectionId);
    return { repository: input.repository, facts, ...(rateLimit ? { rateLimit } : {}) };
  }

  /** What is known of `tags` without asking the registry. */
  async cachedFacts(connectionId: string, repository: string, tags: readonly string[]): Promise<TagFact[]> {
    const { cache } = this.options;
    await cache.ready();
    const known = await cache.repository(connectionId, repository);
    const aliases = aliasIndex(known);
    return tags.map((tag): TagFact => {
      const digest = known.get(tag);
      const summary = digest === undefined ? undefined : cache.summaryNow(digest);
      if (!summary) return { tag, state: 'unknown' };
      const state = this.wasCheckedRecently(connectionId, repository, tag) ? 'checked' : 'cached';
      return withAliases({ tag, state, summary }, aliases);
    });
  }

  /**
   * Confirms `tags` with the registry, `concurrency` at a time: one HEAD for a
   * tag whose digest and summary are known (and checked this session: none),
   * the library's getImageSummary otherwise. A tag's failure is its fact's, not the call's.
   */
  async fetch(connectionId: string, repository: string, tags: readonly string[], opts: FetchFactsOptions = {}): Promise<TagFact[]> {
    const { cache } = this.options;
    await cache.ready();
    const known = await cache.repository(connectionId, repository);
    return this.options.pool.use(connectionId, async (root) => {
      const client = root.withSegment(repository);
      // Where tags point now, written to the cache in batches as they settle.
      let changes: [string, string | undefined][] = [];
      const record = async () => {
        if (changes.length === 0) return;
        const batch = changes;
        changes = [];
        await cache.setTags(connectionId, repository, batch);
        this.bump(connectionId, repository);
      };
      const facts = await mapLimit(
        tags,
        opts.concurrency ?? CALL_CONCURRENCY,
        async (tag, _i, signal) => {
          const { fact, read } = await this.checkOne(client, connectionId, repository, tag, known.get(tag), signal);
          if (fact.summary) changes.push([tag, fact.summary.digest]);
          else if (fact.error?.code === 'not-found') changes.push([tag, undefined]);
          if (changes.length >= 50) await record();
          opts.onFact?.(fact, read);
          return fact;
        },
        opts.signal,
      ).finally(record);
      const aliases = aliasIndex(await cache.repository(connectionId, repository));
      return facts.map((f) => withAliases(f, aliases));
    });
  }

  private async checkOne(
    client: Client,
    connectionId: string,
    repository: string,
    tag: string,
    cachedDigest: string | undefined,
    signal: AbortSignal,
  ): Promise<{ fact: TagFact; read: boolean }> {
    const { cache } = this.options;
    const cachedSummary = cachedDigest === undefined ? undefined : cache.summaryNow(cachedDigest);
    if (cachedSummary && this.wasCheckedRecently(connectionId, repository, tag))
      return { fact: { tag, state: 'checked', summary: cachedSummary }, read: false };
    try {
      let summary: TagSummaryView;
      let read = false;
      if (cachedSummary) {
        const digest = await client.getDigest(tag, { signal });
        if (digest === cachedSummary.digest) summary = cachedSummary;
        else {
          summary = (await cache.summary(digest)) ?? summaryView(await client.getImageSummary(digest, { signal }));
          read = true;
        }
      } else {
        summary = summaryView(await client.getImageSummary(tag, { signal }));
        read = true;
      }
      if (read) await cache.putSummary(summary);
      this.checkedAt.set(`${connectionId}\0${repository}\0${tag}`, this.now());
      const movedFrom = cachedDigest !== undefined && cachedDigest !== summary.digest ? cachedDigest : undefined;
      return { fact: { tag, state: 'checked', summary, ...(movedFrom ? { movedFrom } : {}) }, read };
    } catch (err) {
      if (isAbort(err) || signal.aborted) throw err;
      // A repository that is gone fails every tag alike: the call says so once.
      if (err instanceof RepositoryNotFoundError) throw err;
      return { fact: { tag, state: 'failed', error: appErrorFromThrown(err) }, read: false };
    }
  }

  /** Tags of `tags` whose summary is not known (nothing on disk for them): what the date sort misses. */
  async missing(connectionId: string, repository: string, tags: readonly string[]): Promise<string[]> {
    const { cache } = this.options;
    await cache.ready();
    const known = await cache.repository(connectionId, repository);
    return tags.filter((tag) => {
      const digest = known.get(tag);
      return digest === undefined || cache.summaryNow(digest) === undefined;
    });
  }

  /** The created date of each tag whose summary is known; what the date sort orders by. */
  async createdDates(
    connectionId: string,
    repository: string,
  ): Promise<{ version: number; created: (tag: string) => string | undefined; known: (tag: string) => boolean }> {
    const { cache } = this.options;
    await cache.ready();
    const map = await cache.repository(connectionId, repository);
    const summaryOf = (tag: string) => {
      const digest = map.get(tag);
      return digest === undefined ? undefined : cache.summaryNow(digest);
    };
    return {
      version: this.version(connectionId, repository),
      created: (tag) => summaryOf(tag)?.created,
      known: (tag) => summaryOf(tag) !== undefined,
    };
  }

  async rateLimit(connectionId: string): Promise<RateLimitView | undefined> {
    return this.options.pool.use(connectionId, async (client) => {
      const limit = client.rateLimit;
      return limit ? { ...limit } : undefined;
    });
  }

  async retag(input: ParsedInputOf<'tags.retag'>, signal?: AbortSignal): Promise<RetagResult> {
    return this.options.pool.use(input.connectionId, async (root) => {
      const client = root.withSegment(input.repository);
      const opts = signal ? { signal } : {};
      const source = await client.getDigest(input.reference, opts);
      const existing = await client.getDigest(input.tag, opts).catch((err: unknown) => {
        if (err instanceof ImageNotFoundError && !(err instanceof RepositoryNotFoundError)) return undefined;
        throw err;
      });
      if (existing !== undefined && existing !== source && !input.move) {
        throw new AppFailure(
          'exists',
          `The tag "${input.tag}" already exists and points at another image (${existing}); retagging moves it`,
          {
            digest: existing,
          },
        );
      }
      const result = await client.tagImage(source, input.tag, opts);
      await this.options.cache.setTags(input.connectionId, input.repository, [[input.tag, result.digest]]);
      this.bump(input.connectionId, input.repository);
      return {
        repository: input.repository,
        tag: input.tag,
        digest: result.digest,
        ...(existing !== undefined && existing !== result.digest ? { movedFrom: existing } : {}),
      };
    });
  }

  async deletePlan(input: ParsedInputOf<'tags.deletePlan'>, allTags: readonly string[], signal?: AbortSignal): Promise<DeletePlan> {
    const { cache } = this.options;
    await cache.ready();
    const digest = await this.options.pool.use(input.connectionId, (root) =>
      root.withSegment(input.repository).getDigest(input.reference, signal ? { signal } : {}),
    );
    const known = await cache.repository(input.connectionId, input.repository);
    const ref = parseReference(input.reference);
    const tagsAtDigest = new Set<string>();
    if (ref.kind === 'tag') tagsAtDigest.add(ref.tag);
    let unchecked = 0;
    for (const tag of allTags) {
      const at = known.get(tag);
      if (at === undefined) unchecked++;
      else if (at === digest) tagsAtDigest.add(tag);
    }
    const memory = this.deletion.get(input.connectionId);
    const summary = await cache.summary(digest);
    return {
      repository: input.repository,
      reference: input.reference,
      digest,
      ...(summary ? { summary } : {}),
      tagsAtDigest: [...tagsAtDigest].sort(compareNatural),
      uncheckedTags: unchecked,
      tagDeletion: memory?.tag ?? 'unknown',
      deletion: memory?.any ?? 'unknown',
    };
  }

  /**
   * Deletes as the person confirmed: refuses when the reference no longer
   * points at the digest they saw (someone pushed meanwhile), so what goes is
   * exactly what the dialog named.
   */
  async delete(input: ParsedInputOf<'tags.delete'>, signal?: AbortSignal): Promise<DeleteTagResult> {
    const ref = parseReference(input.reference);
    if (ref.kind === 'digest' && input.how !== 'digest') {
      throw new AppFailure('invalid-input', 'A digest is deleted by digest: how must be "digest"');
    }
    const { cache } = this.options;
    await cache.ready();
    return this.options.pool.use(input.connectionId, async (root) => {
      const client = root.withSegment(input.repository);
      const opts = signal ? { signal } : {};
      const now = await client.getDigest(input.reference, opts);
      if (now !== input.digest) {
        throw new AppFailure(
          'exists',
          `${input.reference} now points at ${now}, not at ${input.digest} as confirmed: nothing was deleted; look again`,
          {
            digest: now,
          },
        );
      }
      const memory = this.deletion.get(input.connectionId) ?? { tag: 'unknown', any: 'unknown' };
      this.deletion.set(input.connectionId, memory);
      let removed: string[];
      try {
        if (input.how === 'digest') {
          await client.deleteImage(input.digest, opts);
          const known = await cache.repository(input.connectionId, input.repository);
          removed = [...known].filter(([, d]) => d === input.digest).map(([t]) => t);
          if (ref.kind === 'tag' && !removed.includes(ref.tag)) removed.push(ref.tag);
        } else {
          await client.deleteImage(input.reference, { ...opts, untagWithPlaceholder: input.how === 'placeholder' });
          if (input.how === 'tag') memory.tag = 'supported';
          removed = [input.reference];
        }
        memory.any = 'enabled';
      } catch (err) {
        if (err instanceof DeleteNotSupportedError) {
          if (err.refused === 'disabled') memory.any = 'disabled';
          else memory.tag = 'refused';
        }
        throw err;
      }
      await cache.setTags(
        input.connectionId,
        input.repository,
        removed.map((t): [string, undefined] => [t, undefined]),
      );
      for (const tag of removed) this.checkedAt.delete(`${input.connectionId}\0${input.repository}\0${tag}`);
      this.bump(input.connectionId, input.repository);
      return {
        repository: input.repository,
        reference: input.reference,
        how: input.how,
        digest: input.digest,
        removedTags: removed.sort(compareNatural),
      };
    });
  }

  private wasCheckedRecently(connectionId: string, repository: string, tag: string): boolean {
    const at = this.checkedAt.get(`${connectionId}\0${repository}\0${tag}`);
    return at !== undefined && this.now() - at < RECHECK_AFTER_MS;
  }

  private bump(connectionId: string, repository: string): void {
    const key = `${connectionId}\0${repository}`;
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }
}

/** The other tags at a fact's digest, from a repository's tag map: each digest's tags sorted once per call. */
function aliasIndex(tags: ReadonlyMap<string, string>): (digest: string) => string[] {
  const byDigest = new Map<string, string[]>();
  for (const [tag, digest] of tags) {
    const list = byDigest.get(digest);
    if (list) list.push(tag);
    else byDigest.set(digest, [tag]);
  }
  const sorted = new Set<string>();
  return (digest) => {
    const list = byDigest.get(digest) ?? [];
    if (!sorted.has(digest)) {
      list.sort(compareNatural);
      sorted.add(digest);
    }
    return list;
  };
}

function withAliases(fact: TagFact, aliasesOf: (digest: string) => string[]): TagFact {
  const digest = fact.summary?.digest;
  if (digest === undefined) return fact;
  const all = aliasesOf(digest);
  const count = all.length - (all.includes(fact.tag) ? 1 : 0);
  if (count <= 0) return fact;
  const shown: string[] = [];
  for (const tag of all) {
    if (shown.length >= MAX_ALIASES) break;
    if (tag !== fact.tag) shown.push(tag);
  }
  return { ...fact, aliases: shown, aliasCount: count };
}
