/**
 * The tag facts Lading remembers between launches, in the data folder:
 *
 * - `tag-facts/summaries.json`: summaries by digest. A digest's summary never
 *   changes, so an entry is never stale, only old: the least recently used go
 *   first beyond MAX_SUMMARIES.
 * - `tag-facts/repositories/<connection id>-<hash>.json`, one per connection and repository:
 *   the digest each tag pointed at when last seen, so reopening a repository
 *   shows its facts at once (each tag is then checked with one HEAD).
 *
 * Files are written whole (a temporary beside them, then a rename: registry/disk),
 * a little after the last change, and at close. A file that cannot be read
 * (cut short, hand-edited, another version) is ignored with a warning and
 * written anew from what is learnt next; an entry that does not look right is
 * dropped alone. Nothing here is needed for correctness: it is a cache.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { TagSummaryView } from '../../src-shared/contract';
import { digestSchema, tagSchema } from '../../src-shared/schemas';
import { SerialQueue, writeFileAtomically } from './atomic-file';

export const MAX_SUMMARIES = 50_000;
export const MAX_TAGS_PER_REPOSITORY = 100_000;
export const MAX_REPOSITORY_FILES = 500;
/** A cache file larger than this is not read (it cannot have been written by these bounds). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const VERSION = 1;

const isoTime = z.string().max(64);
const summarySchema = z.object({
  digest: digestSchema,
  mediaType: z.string().max(256),
  isIndex: z.boolean(),
  size: z.number().int().min(0),
  created: isoTime.optional(),
  platforms: z
    .array(z.object({ platform: z.string().max(100), digest: digestSchema, size: z.number().int().min(0), created: isoTime.optional() }))
    .max(1000),
});

export interface TagFactsCacheOptions {
  /** The app's data folder; the cache lives in `tag-facts/` below it. */
  dataDir: string;
  /** How long after a change the files are written. Default 2 s. */
  flushDelayMs?: number;
  maxSummaries?: number;
  maxTagsPerRepository?: number;
  maxRepositoryFiles?: number;
  onWarning?: (message: string) => void;
}

interface RepositoryEntry {
  connectionId: string;
  repository: string;
  file: string;
  tags: Map<string, string>;
  dirty: boolean;
}

/** A file's JSON, or undefined (with a warning) when it is missing, too large or not JSON. */
async function readJson(path: string, warn: (message: string) => void): Promise<unknown> {
  try {
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) {
      warn(`The tag facts cache ${path} is larger than ${MAX_FILE_BYTES >> 20} MiB; it is ignored and written anew`);
      return undefined;
    }
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    warn(`The tag facts cache ${path} could not be read (${(err as Error).message}); it is ignored and written anew`);
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

export class TagFactsCache {
  private readonly dir: string;
  /** digest -> summary, least recently used first. */
  private summaries = new Map<string, TagSummaryView>();
  private summariesDirty = false;
  private readonly repositories = new Map<string, Promise<RepositoryEntry>>();
  private loaded: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(private readonly options: TagFactsCacheOptions) {
    this.dir = join(options.dataDir, 'tag-facts');
  }

  private get summariesFile(): string {
    return join(this.dir, 'summaries.json');
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }

  /** Reads summaries.json once, on first use. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const doc = await readJson(this.summariesFile, (m) => this.warn(m));
      if (doc === undefined) return;
      if (!isRecord(doc) || doc.version !== VERSION || !isRecord(doc.summaries)) {
        this.warn(`The tag facts cache ${this.summariesFile} is not one this version of Lading wrote; it is ignored and written anew`);
        this.summariesDirty = true;
        return;
      }
      let dropped = 0;
      for (const [digest, value] of Object.entries(doc.summaries)) {
        const parsed = summarySchema.safeParse(value);
        if (parsed.success && parsed.data.digest === digest) this.summaries.set(digest, parsed.data);
        else dropped++;
      }
      if (dropped) {
        this.warn(`The tag facts cache ${this.summariesFile} had ${dropped} unreadable entries; they were dropped`);
        this.summariesDirty = true;
      }
      this.trimSummaries();
    })();
    return this.loaded;
  }

  /** The summary of `digest`, if known. */
  async summary(digest: string): Promise<TagSummaryView | undefined> {
    await this.load();
    return this.summaryNow(digest);
  }

  /** The summary of `digest`, if known, once the cache is loaded (see `ready`). */
  summaryNow(digest: string): TagSummaryView | undefined {
    const found = this.summaries.get(digest);
    if (found) {
      this.summaries.delete(digest);
      this.summaries.set(digest, found);
    }
    return found;
  }

  /** Loads what is on disk; afterwards summaryNow answers from it. */
  ready(): Promise<void> {
    return this.load();
  }

  async putSummary(summary: TagSummaryView): Promise<void> {
    await this.load();
    this.summaries.delete(summary.digest);
    this.summaries.set(summary.digest, summary);
    this.trimSummaries();
    this.summariesDirty = true;
    this.schedule();
  }

  /** The tag -> digest map of a repository of a connection; changes go to disk through `changed`. */
  async repository(connectionId: string, repository: string): Promise<ReadonlyMap<string, string>> {
    return (await this.repositoryEntry(connectionId, repository)).tags;
  }

  /** Records where tags point now (`undefined`: the tag is gone). */
  async setTags(connectionId: string, repository: string, changes: Iterable<[string, string | undefined]>): Promise<void> {
    const entry = await this.repositoryEntry(connectionId, repository);
    for (const [tag, digest] of changes) {
      const before = entry.tags.get(tag);
      if (digest === undefined) {
        if (before === undefined) continue;
        entry.tags.delete(tag);
      } else {
        if (before === digest) continue;
        entry.tags.delete(tag);
        entry.tags.set(tag, digest);
      }
      entry.dirty = true;
    }
    const max = this.options.maxTagsPerRepository ?? MAX_TAGS_PER_REPOSITORY;
    while (entry.tags.size > max) entry.tags.delete(entry.tags.keys().next().value!);
    if (entry.dirty) this.schedule();
  }

  /** Forgets a connection's repositories (it was removed or changed), on disk too. */
  async forgetConnection(connectionId: string): Promise<void> {
    for (const key of [...this.repositories.keys()]) if (key.startsWith(`${connectionId}\0`)) this.repositories.delete(key);
    const dir = join(this.dir, 'repositories');
    await this.queue.run(async () => {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) if (name.startsWith(`${connectionId}-`)) await rm(join(dir, name), { force: true });
    });
  }

  /** Writes what changed, now. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.queue.run(() => this.write());
  }

  /** Writes what changed; later changes are kept in memory only. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.queue
        .run(() => this.write())
        .catch((err: unknown) => this.warn(`The tag facts cache could not be written: ${(err as Error).message}`));
    }, this.options.flushDelayMs ?? 2000);
    this.timer.unref?.();
  }

  private trimSummaries(): void {
    const max = this.options.maxSummaries ?? MAX_SUMMARIES;
    while (this.summaries.size > max) this.summaries.delete(this.summaries.keys().next().value!);
  }

  private repositoryEntry(connectionId: string, repository: string): Promise<RepositoryEntry> {
    const key = `${connectionId}\0${repository}`;
    let pending = this.repositories.get(key);
    if (!pending) {
      pending = this.readRepository(connectionId, repository);
      this.repositories.set(key, pending);
    }
    return pending;
  }

  private async readRepository(connectionId: string, repository: string): Promise<RepositoryEntry> {
    // Connection ids are `conn-` and hex (connectionIdSchema): safe in a file name, and what forgetConnection looks for.
    const name = `${connectionId}-${createHash('sha256').update(repository).digest('hex').slice(0, 32)}`;
    const file = join(this.dir, 'repositories', `${name}.json`);
    const entry: RepositoryEntry = { connectionId, repository, file, tags: new Map(), dirty: false };
    const doc = await readJson(file, (m) => this.warn(m));
    if (doc === undefined) return entry;
    if (
      !isRecord(doc) ||
      doc.version !== VERSION ||
      doc.connectionId !== connectionId ||
      doc.repository !== repository ||
      !isRecord(doc.tags)
    ) {
      this.warn(`The tag facts cache ${file} is not one this version of Lading wrote for ${repository}; it is ignored and written anew`);
      entry.dirty = true;
      return entry;
    }
    for (const [tag, digest] of Object.entries(doc.tags)) {
      if (tagSchema.safeParse(tag).success && digestSchema.safeParse(digest).success) entry.tags.set(tag, digest as string);
      else entry.dirty = true;
    }
    return entry;
  }

  private async write(): Promise<void> {
    if (this.summariesDirty) {
      this.summariesDirty = false;
      await writeFileAtomically(this.summariesFile, JSON.stringify({ version: VERSION, summaries: Object.fromEntries(this.summaries) }));
    }
    let wroteRepository = false;
    for (const pending of this.repositories.values()) {
      const entry = await pending.catch(() => undefined);
      if (!entry?.dirty) continue;
      entry.dirty = false;
      wroteRepository = true;
      await writeFileAtomically(
        entry.file,
        JSON.stringify({
          version: VERSION,
          connectionId: entry.connectionId,
          repository: entry.repository,
          tags: Object.fromEntries(entry.tags),
        }),
      );
    }
    if (wroteRepository) await this.trimRepositoryFiles();
  }

  /** Beyond MAX_REPOSITORY_FILES, the files not written for longest go. */
  private async trimRepositoryFiles(): Promise<void> {
    const dir = join(this.dir, 'repositories');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    const max = this.options.maxRepositoryFiles ?? MAX_REPOSITORY_FILES;
    if (names.length <= max) return;
    const files = await Promise.all(
      names.map(async (n) => ({ path: join(dir, n), mtime: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
    );
    files.sort((a, b) => a.mtime - b.mtime);
    for (const f of files.slice(0, files.length - max)) await rm(f.path, { force: true });
  }
}
