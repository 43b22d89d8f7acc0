/**
 * What one client family (a client and its withSegment() children, one
 * Session) has learnt about images: summaries by digest, which never change,
 * and the digest each tag pointed at when last seen, so the next look at that
 * tag costs one HEAD. In memory, bounded, least recently used out first; the
 * app keeps its own cache on disk on top of this.
 */
import type { ImageSummary } from './types';

/** Summaries kept per client family: a few MB, far more than one screen of tags. */
export const MAX_CACHED_SUMMARIES = 10_000;
/** Tag -> digest entries kept per client family. */
export const MAX_REMEMBERED_TAGS = 50_000;

function copy(summary: ImageSummary): ImageSummary {
  // Every caller gets its own copy: a caller changing its answer cannot change the next caller's.
  return { ...summary, platforms: summary.platforms.map((p) => ({ ...p })) };
}

export class SummaryCache {
  private readonly summaries = new Map<string, ImageSummary>();
  private readonly pending = new Map<string, Promise<ImageSummary>>();
  private readonly tags = new Map<string, string>();

  constructor(
    private readonly maxSummaries = MAX_CACHED_SUMMARIES,
    private readonly maxTags = MAX_REMEMBERED_TAGS,
  ) {}

  get(digest: string): ImageSummary | undefined {
    const found = this.summaries.get(digest);
    if (!found) return undefined;
    this.summaries.delete(digest);
    this.summaries.set(digest, found);
    return copy(found);
  }

  /**
   * The summary of `digest`: known, being read by another call (shared, so
   * concurrent calls for aliases read it once), or read now by `read`. A
   * failed read is not kept: the next call tries again.
   */
  load(digest: string, read: () => Promise<ImageSummary>): Promise<ImageSummary> {
    const known = this.get(digest);
    if (known) return Promise.resolve(known);
    let pending = this.pending.get(digest);
    if (!pending) {
      pending = read().then((summary) => {
        this.put(summary);
        return summary;
      });
      const settled = pending;
      this.pending.set(digest, settled);
      void settled.then(
        () => this.pending.delete(digest),
        () => this.pending.delete(digest),
      );
    }
    return pending.then(copy);
  }

  put(summary: ImageSummary): void {
    this.summaries.delete(summary.digest);
    this.summaries.set(summary.digest, copy(summary));
    while (this.summaries.size > this.maxSummaries) this.summaries.delete(this.summaries.keys().next().value!);
  }

  /** The digest `repository:tag` pointed at when this family last looked. */
  tagDigest(repository: string, tag: string): string | undefined {
    return this.tags.get(`${repository}\0${tag}`);
  }

  rememberTag(repository: string, tag: string, digest: string): void {
    const key = `${repository}\0${tag}`;
    this.tags.delete(key);
    this.tags.set(key, digest);
    while (this.tags.size > this.maxTags) this.tags.delete(this.tags.keys().next().value!);
  }
}

const caches = new WeakMap<object, SummaryCache>();

/** The cache of a client family, kept by what the family shares (a registry's Session, a layout's client); gone with it. */
export function summaryCacheOf(owner: object): SummaryCache {
  let cache = caches.get(owner);
  if (!cache) {
    cache = new SummaryCache();
    caches.set(owner, cache);
  }
  return cache;
}
