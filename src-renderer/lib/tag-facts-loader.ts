/**
 * The facts (digest, created, size, platforms) of the tag rows in view, for
 * one repository. React-free, read with useSyncExternalStore.
 *
 * The table says which tags are in view (`show`); what the cache on disk
 * knows is asked first (`cachedOnly`, answered without the registry, so a
 * reopened repository shows its facts at once), then the registry, a few
 * tags per call and one call at a time, the rows in view first: scrolling
 * past 20,000 tags never asks for more than what was looked at. A row that
 * scrolled out of view before its turn is not asked for.
 */
import type { RateLimitView, TagFact, TagFactsResult } from '../../src-shared/contract';

/** Tags per call that asks the registry (the service reads a few of them at a time). */
export const REGISTRY_BATCH = 8;
/** Tags per call that asks only the cache on disk (a screenful and more). */
export const CACHE_BATCH = 200;

export interface TagFactsApi {
  facts(input: { tags: string[]; cachedOnly?: boolean }): Promise<TagFactsResult>;
}

type Wanted = 'cache' | 'registry';

export class TagFactsLoader {
  private readonly facts = new Map<string, TagFact>();
  /** Tags whose registry check is done (or failed) in this loader's life. */
  private readonly checked = new Set<string>();
  private readonly inFlight = new Set<string>();
  private view: readonly string[] = [];
  private running = false;
  private stopped = false;
  private version = 0;
  private readonly listeners = new Set<() => void>();
  rateLimit: RateLimitView | undefined;
  /** The last failure of a whole call (a tag's own failure is in its fact). */
  error: unknown;

  constructor(private readonly api: TagFactsApi) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever a fact arrives (the table re-renders then). */
  getVersion = (): number => this.version;

  fact(tag: string): TagFact | undefined {
    return this.facts.get(tag);
  }

  /** The tags now in view, in order: their facts are fetched, these first. */
  show(tags: readonly string[]): void {
    this.view = tags;
    void this.pump();
  }

  /**
   * Forgets what was checked (after a refresh, a retag or a delete), so the
   * rows in view are asked again; what is shown stays until the answers come.
   */
  recheck(): void {
    this.checked.clear();
    void this.pump();
  }

  /** Reads the cache again for the rows in view (a background job wrote facts there). */
  reloadCached(): void {
    for (const tag of this.view) if (!this.checked.has(tag)) this.facts.delete(tag);
    void this.pump();
  }

  /** Stops asking (the table closed); answers on their way are dropped. */
  stop(): void {
    this.stopped = true;
  }

  /** Asks again after stop() (React mounts a component twice in development). */
  start(): void {
    this.stopped = false;
    void this.pump();
  }

  private next(): { kind: Wanted; tags: string[] } | undefined {
    const cache: string[] = [];
    for (const tag of this.view) {
      if (!this.facts.has(tag) && !this.inFlight.has(tag)) cache.push(tag);
      if (cache.length >= CACHE_BATCH) break;
    }
    if (cache.length) return { kind: 'cache', tags: cache };
    const registry: string[] = [];
    for (const tag of this.view) {
      if (!this.checked.has(tag) && !this.inFlight.has(tag)) registry.push(tag);
      if (registry.length >= REGISTRY_BATCH) break;
    }
    return registry.length ? { kind: 'registry', tags: registry } : undefined;
  }

  /** One call at a time, until every row in view is checked. */
  private async pump(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      for (let step = this.next(); step && !this.stopped; step = this.next()) {
        for (const tag of step.tags) this.inFlight.add(tag);
        try {
          const result = await this.api.facts({ tags: step.tags, ...(step.kind === 'cache' ? { cachedOnly: true } : {}) });
          if (this.stopped) return;
          for (const fact of result.facts) {
            // A cache answer never replaces what the registry said.
            if (step.kind === 'cache' && this.checked.has(fact.tag)) continue;
            this.facts.set(fact.tag, fact);
            if (step.kind === 'registry') this.checked.add(fact.tag);
          }
          if (result.rateLimit) this.rateLimit = result.rateLimit;
          this.error = undefined;
        } catch (err) {
          // The whole call failed (connection gone, repository gone): these tags are not asked again until recheck().
          this.error = err;
          for (const tag of step.tags) {
            this.checked.add(tag);
            if (!this.facts.has(tag)) this.facts.set(tag, { tag, state: 'unknown' });
          }
        } finally {
          for (const tag of step.tags) this.inFlight.delete(tag);
        }
        this.changed();
      }
    } finally {
      this.running = false;
    }
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
