/**
 * The browsing views: the repository tree (from the catalog), pages of tags,
 * a manifest or index, an image's config. Each view is plain data shaped for
 * the UI; the registry's own JSON is included pretty-printed.
 */
import type {
  BrowseChildrenResult,
  BrowseTagsResult,
  ChildEntry,
  ConfigView,
  DescriptorView,
  HistoryEntry,
  IndexChildView,
  ManifestView,
  ParsedInputOf,
} from '../../src-shared/contract';
import { compareNatural, compareVersionsDescending, sortByCreatedDescending, type TagSort } from '../../src-shared/tag-order';
import { CatalogNotSupportedError, formatPlatform, isAttestation, type Descriptor } from '../registry/index';
import type { ClientPool } from './clients';
import { objectKeys, stringList, stringRecord } from './json-values';

export interface BrowseOptions {
  pool: ClientPool;
  /** Catalog entries read per request while walking the tree. Default 500. */
  catalogBatch?: number;
  /** Catalog entries read at most per browse.children call (the rest comes with `next`). Default 20,000. */
  maxScan?: number;
  /** How long a repository's tag list is reused for paging. Default 30 s. */
  tagCacheMs?: number;
  now?: () => number;
  /** The created dates of a repository's tags, as far as known (the tag facts), for the date sort. */
  createdDates?: CreatedDates;
}

/** What the date sort needs to know: a version that changes whenever a date becomes known, and the dates. */
export type CreatedDates = (
  connectionId: string,
  repository: string,
) => Promise<{ version: number; created: (tag: string) => string | undefined; known: (tag: string) => boolean }>;

/**
 * Any character that sorts after every character a repository name may hold.
 * `name/~` is a catalog position just past everything below `name`: the
 * catalog is sorted, and its `last` may be any string.
 */
const PAST_SUBTREE = '/~';

interface CachedTags {
  tags: string[];
  at: number;
  /** The list in other orders, made when first asked for (`created` with the facts version it was made at). */
  sorted: Map<TagSort, { tags: string[]; version: number; missing: number }>;
}

const MAX_CACHED_REPOSITORIES = 50;

export class BrowseService {
  private readonly tagCache = new Map<string, CachedTags>();

  constructor(private readonly options: BrowseOptions) {}

  /** Forgets cached tag lists of a connection (it changed). */
  forget(connectionId: string): void {
    for (const key of this.tagCache.keys()) if (key.startsWith(`${connectionId}\0`)) this.tagCache.delete(key);
  }

  /** Forgets one repository's tag list (a tag was added or deleted): the next page reads the registry. */
  forgetTags(connectionId: string, repository: string): void {
    this.tagCache.delete(`${connectionId}\0${repository}`);
  }

  async children(input: ParsedInputOf<'browse.children'>, signal?: AbortSignal): Promise<BrowseChildrenResult> {
    const batch = this.options.catalogBatch ?? 500;
    const maxScan = this.options.maxScan ?? 20_000;
    const filter = input.filter?.trim().toLowerCase() || undefined;
    return this.options.pool.use(input.connectionId, async (root) => {
      const scoped = input.namespace ? root.withSegment(input.namespace) : root;
      const prefix = input.namespace ? `${input.namespace}/` : '';
      // Child name -> kind, in catalog order.
      const found = new Map<string, ChildEntry['kind']>();
      let cursor = input.last !== undefined ? input.last + PAST_SUBTREE : undefined;
      let scanned = 0;
      let exhausted = false;
      let lastSeen: string | undefined;
      try {
        while (true) {
          const names = await scoped.listRepositories({
            limit: batch,
            ...(cursor !== undefined ? { last: cursor } : {}),
            ...(signal ? { signal } : {}),
          });
          scanned += names.length;
          for (const name of names) {
            const slash = name.indexOf('/');
            const child = slash < 0 ? name : name.slice(0, slash);
            if (child === input.last) continue;
            lastSeen = child;
            if (filter && !child.toLowerCase().includes(filter)) continue;
            const kind: ChildEntry['kind'] = slash < 0 ? 'repository' : 'namespace';
            const before = found.get(child);
            found.set(child, before === undefined || before === kind ? kind : 'both');
            // One more child than asked for proves there is a next page (and that the last one's kind is complete).
            if (found.size > input.limit) break;
          }
          if (found.size > input.limit) break;
          if (names.length < batch) {
            exhausted = true;
            break;
          }
          if (scanned >= maxScan) break;
          // Deep inside a child's subtree: jump past the rest of it; at a repository itself, read on (it may have children).
          const last = names[names.length - 1]!;
          const slash = last.indexOf('/');
          cursor = slash < 0 ? last : last.slice(0, slash) + PAST_SUBTREE;
        }
      } catch (err) {
        if (err instanceof CatalogNotSupportedError) {
          return { namespace: input.namespace, children: [], catalogSupported: false, message: err.message };
        }
        throw err;
      }
      const entries = [...found.entries()];
      let next: string | undefined;
      if (entries.length > input.limit) {
        entries.length = input.limit;
        next = entries[entries.length - 1]![0];
      } else if (!exhausted) {
        // The scan budget ran out: go on after the last child looked at.
        next = lastSeen;
      }
      const children = entries.map(([name, kind]) => ({ name, path: prefix + name, kind }));
      return { namespace: input.namespace, children, ...(next !== undefined ? { next } : {}), catalogSupported: true };
    });
  }

  async tags(input: ParsedInputOf<'browse.tags'>, signal?: AbortSignal): Promise<BrowseTagsResult> {
    const cached = await this.cachedTags(input.connectionId, input.repository, input.refresh === true, signal);
    const all = cached.tags;
    const ordered = input.sort ? await this.sortedTags(input.connectionId, input.repository, cached, input.sort) : undefined;
    const list = ordered?.tags ?? all;
    const filter = input.filter?.trim().toLowerCase() || undefined;
    const matching = filter ? list.filter((t) => t.toLowerCase().includes(filter)) : list;
    let start = 0;
    if (input.offset !== undefined) start = Math.min(input.offset, matching.length);
    else if (input.last !== undefined) start = ordered ? matching.indexOf(input.last) + 1 : upperBound(matching, input.last);
    const page = matching.slice(start, start + input.limit);
    const more = start + page.length < matching.length;
    return {
      repository: input.repository,
      tags: page,
      ...(more ? { next: page[page.length - 1]!, nextOffset: start + page.length } : {}),
      total: matching.length,
      totalUnfiltered: all.length,
      ...(input.sort === 'created' && ordered ? { missingFacts: ordered.missing } : {}),
    };
  }

  /** Every tag of a repository, byte-sorted (the list paging reuses for a while). */
  async tagNames(connectionId: string, repository: string, signal?: AbortSignal): Promise<string[]> {
    return (await this.cachedTags(connectionId, repository, false, signal)).tags;
  }

  /**
   * The tags in `sort` order: by name naturally (`v1.9` before `v1.10`), by
   * version (highest first), or by created date (newest first, unknown dates
   * last), made once per list, and for dates again whenever a date became known.
   */
  private async sortedTags(
    connectionId: string,
    repository: string,
    cached: CachedTags,
    sort: TagSort,
  ): Promise<{ tags: string[]; missing: number }> {
    if (sort === 'created') {
      const dates = this.options.createdDates ? await this.options.createdDates(connectionId, repository) : undefined;
      const version = dates?.version ?? 0;
      const made = cached.sorted.get(sort);
      if (made && made.version === version) return made;
      const tags = sortByCreatedDescending(cached.tags, (tag) => dates?.created(tag));
      const missing = dates ? cached.tags.filter((t) => !dates.known(t)).length : cached.tags.length;
      const result = { tags, version, missing };
      cached.sorted.set(sort, result);
      return result;
    }
    const made = cached.sorted.get(sort);
    if (made) return made;
    const result = { tags: [...cached.tags].sort(sort === 'name' ? compareNatural : compareVersionsDescending), version: 0, missing: 0 };
    cached.sorted.set(sort, result);
    return result;
  }

  async manifest(input: ParsedInputOf<'browse.manifest'>, signal?: AbortSignal): Promise<ManifestView> {
    return this.options.pool.use(input.connectionId, async (client) => {
      const result = await client.withSegment(input.repository).getManifest(input.reference, signal ? { signal } : {});
      const doc = result.isIndex() ? result.getIndexManifest() : result.getManifest();
      const view: ManifestView = {
        repository: input.repository,
        reference: input.reference,
        kind: result.isIndex() ? 'index' : 'image',
        mediaType: result.mediaType,
        digest: result.descriptor.digest,
        size: result.descriptor.size,
        annotations: { ...(doc.annotations ?? {}) },
        raw: prettyJson(result.raw),
      };
      if (doc.artifactType) view.artifactType = doc.artifactType;
      if (doc.subject) view.subject = descriptorView(doc.subject);
      if (result.isIndex()) {
        view.manifests = result
          .getIndexManifest()
          .manifests.map((d): IndexChildView => ({ ...descriptorView(d), attestation: isAttestation(d) }));
      } else {
        const manifest = result.getManifest();
        view.config = descriptorView(manifest.config);
        view.layers = manifest.layers.map(descriptorView);
        view.layersSize = manifest.layers.reduce((n, l) => n + l.size, 0);
      }
      return view;
    });
  }

  async config(input: ParsedInputOf<'browse.config'>, signal?: AbortSignal): Promise<ConfigView> {
    return this.options.pool.use(input.connectionId, async (client) => {
      const image = await client
        .withSegment(input.repository)
        .getImage(input.reference, { ...(signal ? { signal } : {}), ...(input.platform ? { platform: input.platform } : {}) });
      const [config, raw] = await Promise.all([image.getConfig(signal ? { signal } : {}), image.getRawConfig(signal ? { signal } : {})]);
      const c = config.config ?? {};
      const platform = image.platform
        ? formatPlatform(image.platform)
        : formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
      const view: ConfigView = {
        repository: input.repository,
        reference: input.reference,
        digest: image.digest,
        configDigest: image.configDescriptor.digest,
        platform,
        env: stringList(c.Env),
        entrypoint: stringList(c.Entrypoint),
        cmd: stringList(c.Cmd),
        workdir: typeof c.WorkingDir === 'string' ? c.WorkingDir : '',
        user: typeof c.User === 'string' ? c.User : '',
        exposedPorts: objectKeys(c.ExposedPorts),
        volumes: objectKeys(c.Volumes),
        labels: stringRecord(c.Labels),
        history: (Array.isArray(config.history) ? config.history : []).map((h): HistoryEntry => {
          const entry: HistoryEntry = { emptyLayer: h?.empty_layer === true };
          if (typeof h?.created === 'string') entry.created = h.created;
          if (typeof h?.created_by === 'string') entry.createdBy = h.created_by;
          if (typeof h?.author === 'string') entry.author = h.author;
          if (typeof h?.comment === 'string') entry.comment = h.comment;
          return entry;
        }),
        diffIds: stringList(config.rootfs?.diff_ids),
        raw: prettyJson(raw),
      };
      if (typeof config.created === 'string') view.created = config.created;
      if (typeof config.author === 'string') view.author = config.author;
      if (typeof c.StopSignal === 'string') view.stopSignal = c.StopSignal;
      return view;
    });
  }

  private async cachedTags(connectionId: string, repository: string, refresh: boolean, signal?: AbortSignal): Promise<CachedTags> {
    const key = `${connectionId}\0${repository}`;
    const now = this.options.now?.() ?? Date.now();
    const cached = this.tagCache.get(key);
    if (!refresh && cached && now - cached.at < (this.options.tagCacheMs ?? 30_000)) return cached;
    const tags = await this.options.pool.use(connectionId, (client) => client.withSegment(repository).listTags(signal ? { signal } : {}));
    // Byte order, so `last` paging is stable whatever order the registry answered in.
    const sorted = [...new Set(tags)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const entry: CachedTags = { tags: sorted, at: now, sorted: new Map() };
    this.tagCache.delete(key);
    this.tagCache.set(key, entry);
    while (this.tagCache.size > MAX_CACHED_REPOSITORIES) this.tagCache.delete(this.tagCache.keys().next().value!);
    return entry;
  }
}

/** Index of the first entry greater than `value` in a sorted list. */
function upperBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function descriptorView(d: Descriptor): DescriptorView {
  const view: DescriptorView = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.artifactType) view.artifactType = d.artifactType;
  if (d.annotations && Object.keys(d.annotations).length) view.annotations = { ...d.annotations };
  if (d.platform) view.platform = formatPlatform(d.platform);
  return view;
}

function prettyJson(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
