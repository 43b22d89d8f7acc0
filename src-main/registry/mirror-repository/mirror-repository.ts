/**
 * mirrorRepository(): the tags of one repository copied to another, as
 * `skopeo sync`, `regsync` and `crane copy` do for a repository. Each tag is
 * copied by mirror() (blobs, then child manifests, then the tag: a tag is
 * never written before everything it points at), a few images at once, all
 * writing through one shared writer (shared-blobs.ts), so a blob the tags
 * share crosses the wire once and blob transfers stay bounded over the run.
 *
 * A tag whose digest on the target already matches the source's is skipped
 * with one HEAD; the target's tag list, read once, says which tags are worth
 * that HEAD. A tag that fails is reported with its error while the others go
 * on; a cancel stops everything and rejects, and leaves no tag pointing at an
 * image that is not all there.
 */
import type { Client } from '../client';
import { mapLimit } from '../concurrency';
import { ImageNotFoundError } from '../errors';
import { mirror, type MirrorOptions, type MirrorProgress, type MirrorResult } from '../mirror';
import type { BlobReadOptions, Platform } from '../types';
import { Slots, sharedWriterFor, writingThrough, type BlobCounts } from './shared-blobs';
import { isTagList, listedTags, selectTags, type TagSelection } from './tag-selection';

export interface MirrorRepositoryOptions extends BlobReadOptions {
  /** Which tags: a list, a pattern, or a test; all of the source's tags by default. */
  tags?: TagSelection;
  /** Copy only these platforms of each index (as mirror() does). */
  platforms?: (string | Platform)[];
  /** Copy what refers to each image too: signatures, SBOMs, attestations (as mirror() does). */
  referrers?: boolean;
  /** Images copied at once. Default 2. */
  concurrency?: number;
  /** Blob transfers at once over the whole run, however many images run. Default 4. */
  blobConcurrency?: number;
  onProgress?: (progress: MirrorRepositoryProgress) => void;
}

export type TagState = 'checking' | 'copying' | 'copied' | 'skipped' | 'failed';

export interface MirrorRepositoryProgress {
  tagsTotal: number;
  /** Tags finished: copied, skipped or failed. */
  tagsDone: number;
  copied: number;
  skipped: number;
  failed: number;
  /** Bytes of the blobs of the tags started so far, each blob counted once however many tags share it. */
  bytesTotal: number;
  /** Of those, bytes handled (uploaded, mounted, or found on the target). */
  bytesDone: number;
  /** The tag this event is about. */
  tag: { name: string; state: TagState; bytesDone: number; bytesTotal: number; error?: Error };
}

export interface MirroredTag {
  tag: string;
  outcome: 'copied' | 'skipped' | 'failed';
  /** The digest the source's tag pointed at, when it could be read. */
  sourceDigest?: string;
  /** What the target's tag points at now (copied, skipped). */
  digest?: string;
  /** Bytes this tag uploaded (blobs no earlier tag of the run had). */
  bytesCopied?: number;
  error?: Error;
}

export interface MirrorRepositoryResult {
  /** Tags written to the target, each complete there. */
  copied: string[];
  /** Tags whose digest on the target already matched. */
  skipped: string[];
  /** Tags that could not be copied, with why; the target's tag (if any) is as it was. */
  failed: { tag: string; error: Error }[];
  /** Every tag, in the order copied, with its digests. */
  tags: MirroredTag[];
  /** Blobs over the run, each counted once. */
  blobs: BlobCounts;
}

const DEFAULT_CONCURRENCY = 2;
const DEFAULT_BLOB_CONCURRENCY = 4;

export async function mirrorRepository(
  source: Client,
  target: Client,
  opts: MirrorRepositoryOptions = {},
): Promise<MirrorRepositoryResult> {
  const { signal } = opts;
  const call = signal ? { signal } : {};
  const tags = isTagList(opts.tags) ? listedTags(opts.tags) : selectTags(await source.listTags(call), opts.tags);
  const onTarget = await targetTags(target, signal);
  const blobConcurrency = Math.max(1, opts.blobConcurrency ?? DEFAULT_BLOB_CONCURRENCY);
  const writer = sharedWriterFor(target, new Slots(blobConcurrency));
  const through = writingThrough(target, writer);
  const progress = new RunProgress(tags.length, opts.onProgress);

  const results = await mapLimit(
    tags,
    opts.concurrency ?? DEFAULT_CONCURRENCY,
    async (tag, _index, tagSignal): Promise<MirroredTag> => {
      const tagCall = { signal: tagSignal };
      let sourceDigest: string | undefined;
      try {
        progress.tag(tag, 'checking');
        sourceDigest = await source.getDigest(tag, tagCall);
        const before = onTarget === undefined || onTarget.has(tag) ? await digestOn(target, tag, tagSignal) : undefined;
        if (before === sourceDigest) return progress.finish({ tag, outcome: 'skipped', sourceDigest, digest: before });
        progress.tag(tag, 'copying');
        const uploadedBefore = writer.counts.bytesUploaded;
        const mirrorOptions: MirrorOptions & { referrers?: boolean } = {
          signal: tagSignal,
          concurrency: blobConcurrency,
          onProgress: (p) => progress.blob(tag, p),
          ...(opts.platforms?.length ? { platforms: opts.platforms } : {}),
          ...(opts.referrers ? { referrers: true } : {}),
          ...(opts.onResume ? { onResume: opts.onResume } : {}),
        };
        // By digest: the copy is of exactly what was compared above, even if the source's tag moves meanwhile.
        const result: MirrorResult = await mirror(source, `@${sourceDigest}`, through, tag, mirrorOptions);
        if (result.digest === before && result.copied.length === 0) {
          // A platform subset makes a new index, whose digest is only known once planned: it was there already.
          return progress.finish({ tag, outcome: 'skipped', sourceDigest, digest: result.digest });
        }
        return progress.finish({
          tag,
          outcome: 'copied',
          sourceDigest,
          digest: result.digest,
          bytesCopied: writer.counts.bytesUploaded - uploadedBefore,
        });
      } catch (err) {
        // A cancel of the whole run is not one tag's failure: it ends the run.
        if (signal?.aborted) throw signal.reason;
        return progress.finish({ tag, outcome: 'failed', ...(sourceDigest ? { sourceDigest } : {}), error: err as Error });
      }
    },
    signal,
  );

  return {
    copied: results.filter((r) => r.outcome === 'copied').map((r) => r.tag),
    skipped: results.filter((r) => r.outcome === 'skipped').map((r) => r.tag),
    failed: results.filter((r) => r.outcome === 'failed').map((r) => ({ tag: r.tag, error: r.error! })),
    tags: results,
    blobs: { ...writer.counts },
  };
}

/** The target's tags, read once; undefined when they cannot be listed (then every tag gets its HEAD). */
async function targetTags(target: Client, signal: AbortSignal | undefined): Promise<Set<string> | undefined> {
  try {
    return new Set(await target.listTags(signal ? { signal } : {}));
  } catch (err) {
    signal?.throwIfAborted();
    // A repository that does not exist yet has no tags to compare with.
    if (err instanceof ImageNotFoundError) return new Set();
    return undefined;
  }
}

/** What the target's tag points at, or undefined when it has no such tag. */
async function digestOn(target: Client, tag: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    return await target.getDigest(tag, { signal });
  } catch (err) {
    if (err instanceof ImageNotFoundError) return undefined;
    throw err;
  }
}

/** Tags done and bytes over the run, every blob counted once, reported per event. */
class RunProgress {
  private readonly blobs = new Map<string, { size: number; done: number }>();
  private readonly perTag = new Map<string, { bytesDone: number; bytesTotal: number }>();
  private readonly counts = { copied: 0, skipped: 0, failed: 0 };

  constructor(
    private readonly total: number,
    private readonly listener?: (p: MirrorRepositoryProgress) => void,
  ) {}

  tag(name: string, state: TagState, error?: Error): void {
    if (!this.listener) return;
    const own = this.perTag.get(name) ?? { bytesDone: 0, bytesTotal: 0 };
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const b of this.blobs.values()) {
      bytesDone += b.done;
      bytesTotal += b.size;
    }
    this.listener({
      tagsTotal: this.total,
      tagsDone: this.counts.copied + this.counts.skipped + this.counts.failed,
      ...this.counts,
      bytesDone,
      bytesTotal,
      tag: { name, state, ...own, ...(error ? { error } : {}) },
    });
  }

  blob(name: string, p: MirrorProgress): void {
    const entry = this.blobs.get(p.blob.digest) ?? { size: p.blob.size, done: 0 };
    entry.done = Math.min(entry.size, Math.max(entry.done, p.blob.done));
    if (p.blob.state === 'exists' || p.blob.state === 'mounted' || p.blob.state === 'uploaded') entry.done = entry.size;
    this.blobs.set(p.blob.digest, entry);
    this.perTag.set(name, { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
    this.tag(name, 'copying');
  }

  finish(result: MirroredTag): MirroredTag {
    this.counts[result.outcome]++;
    this.tag(result.tag, result.outcome, result.error);
    return result;
  }
}
