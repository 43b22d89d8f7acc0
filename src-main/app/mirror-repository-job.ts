/**
 * The repository mirror job: the library's mirrorRepository() between two
 * connections' clients (held for as long as the job runs), its tags and
 * bytes reported as the job's progress, broken downloads it resumed noted,
 * and a result that lists every tag copied, skipped and failed. A failed tag
 * does not fail the job: the result says which and why.
 */
import type { MirrorRepositoryJobResult, ParsedInputOf, TagsProgress } from '../../src-shared/contract';
import { describeTagSelection } from '../../src-shared/tag-selection';
import { mirrorRepository, type MirrorRepositoryProgress } from '../registry/index';
import { appErrorFromThrown } from './errors';
import type { JobContext, JobRunner } from './jobs';
import type { RunnerDeps } from './job-runners';
import { librarySelection } from './tag-selection';

/** Result lists longer than this are cut (the counts stay exact): a result travels to the page in one message. */
export const MAX_LISTED_RESULTS = 10_000;

/** Tags done and in progress, from the library's per-tag events. */
class TagsTracker {
  private readonly active = new Map<string, TagsProgress['active'][number]>();

  constructor(private readonly ctx: JobContext) {}

  update(p: MirrorRepositoryProgress): void {
    if (p.tag.state === 'checking' || p.tag.state === 'copying') {
      this.active.set(p.tag.name, { name: p.tag.name, state: p.tag.state, bytesDone: p.tag.bytesDone, bytesTotal: p.tag.bytesTotal });
    } else {
      this.active.delete(p.tag.name);
    }
    this.ctx.progress.setBytes(p.bytesDone, p.bytesTotal);
    this.ctx.progress.setTags({
      total: p.tagsTotal,
      done: p.tagsDone,
      copied: p.copied,
      skipped: p.skipped,
      failed: p.failed,
      active: [...this.active.values()],
    });
  }
}

export function mirrorRepositoryJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.mirrorRepository'>): JobRunner<MirrorRepositoryJobResult> {
  // Before the job starts: a bad version range is the input's fault, not a failed job.
  const tags = librarySelection(input.tags);
  return (ctx) =>
    deps.pool.use(input.source.connectionId, (sourceRoot) =>
      deps.pool.use(input.target.connectionId, async (targetRoot) => {
        const source = sourceRoot.withSegment(input.source.repository);
        const target = targetRoot.withSegment(input.target.repository);
        const tracker = new TagsTracker(ctx);
        const result = await mirrorRepository(source, target, {
          signal: ctx.signal,
          ...(tags !== undefined ? { tags } : {}),
          ...(input.platforms?.length ? { platforms: input.platforms } : {}),
          ...(input.referrers ? { referrers: true } : {}),
          onProgress: (p) => tracker.update(p),
          onResume: (e) => ctx.progress.noteResume(e),
        });
        const listed = (outcome: 'copied' | 'skipped') =>
          result.tags
            .filter((t) => t.outcome === outcome)
            .slice(0, MAX_LISTED_RESULTS)
            .map((t) => ({ tag: t.tag, digest: t.digest ?? '' }));
        return {
          kind: 'mirrorRepository',
          source: source.getRegistry(),
          target: target.getRegistry(),
          selection: describeTagSelection(input.tags),
          copied: listed('copied'),
          skipped: listed('skipped'),
          failed: result.failed.slice(0, MAX_LISTED_RESULTS).map((f) => ({ tag: f.tag, error: appErrorFromThrown(f.error) })),
          blobsUploaded: result.blobs.uploaded,
          blobsMounted: result.blobs.mounted,
          bytesCopied: result.blobs.bytesUploaded,
        };
      }),
    );
}
