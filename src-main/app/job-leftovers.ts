/**
 * What a crash leaves behind, made findable and gone. A job that writes to a
 * folder is noted in the journal of running jobs (job-journal.ts) before it
 * makes its first temporary and forgotten when it ends; before it starts it
 * sweeps the stale temporaries of earlier runs from the places it writes to.
 * At start, the journals of processes that have gone name the jobs they did
 * not finish, and where to look for what those jobs left: listed with their
 * size, removed on request. Which temporaries are stale, and whose, is the
 * library's rule (registry/disk/temporary.ts): nothing of a job still running,
 * in this process or another, is ever touched.
 */
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { JobKind, JobLeftover, JobLeftoversResult, JobResult, RemoveLeftoversResult } from '../../src-shared/contract';
import {
  describeDiskFailure,
  diskUsage,
  findTemporaries,
  ownerStatus,
  removeStaleTemporaries,
  removeTemporary,
  thisOwner,
  type FoundTemporary,
} from '../registry/disk/index';
import type { Logger } from '../registry/index';
import { SerialQueue } from './atomic-file';
import { JobJournal, journalFolder, readJournals, rewriteJournal, type Journal, type JournalEntry, type JournalPlace } from './job-journal';
import type { JobRunner } from './jobs';

/** The jobs that write to a folder. */
export type FolderJobKind = Exclude<JobKind, 'mirror' | 'mirrorRepository'>;

/** Entries counted when measuring leftovers, over all of them: a bound on the time a listing takes. */
const MEASURE_BUDGET = 1_000_000;
/** The name the extractor's tar stream gives its store of hidden files in the system's temporary folder. */
const TAR_STREAM_HIDDEN_STORE = 'lading-extract-hidden';

/**
 * Where a job's temporaries go. Saved layers: beside the files, in the target
 * folder. An extraction or a new layout: a sibling of the target folder, named
 * for it. Adding to an existing layout: its own folder and its blob folder.
 * An archive: `targetDir` is the archive file, its temporary a sibling named for it.
 */
export function placesOf(kind: FolderJobKind, targetDir: string): JournalPlace[] {
  const beside: JournalPlace = { dir: dirname(targetDir), names: [basename(targetDir)] };
  switch (kind) {
    case 'saveLayers':
      return [{ dir: targetDir }];
    case 'extract':
    case 'saveArchive':
      return [beside];
    case 'saveLayout':
      return [beside, { dir: targetDir }, { dir: join(targetDir, 'blobs', 'sha256') }];
  }
}

interface Unfinished {
  journal: Journal;
  entry: JournalEntry;
  temporaries: FoundTemporary[];
}

export interface JobLeftoversOptions {
  dataDir: string;
  logger?: Logger | undefined;
}

export class JobLeftovers {
  private readonly journal: JobJournal;
  /** Listing and removing take turns: both rewrite the journals of processes that have gone. */
  private readonly turns = new SerialQueue();

  constructor(private readonly options: JobLeftoversOptions) {
    this.journal = new JobJournal(options.dataDir, thisOwner());
  }

  /**
   * The job, noted in the journal while it runs (on disk before the job makes
   * a temporary), after a sweep of the stale temporaries where it writes.
   *
   * Where resuming a layer save will plug in, once the transport can open a
   * blob from an offset (Range): a killed save's `.<layer file>.lading-tmp-…`
   * is what this sweep removes today. A saveLayers job would first claim the
   * stale partial of each layer it saves (findTemporaries with the file's name,
   * staleReason, then a rename to a temporary of its own: atomic, so two
   * processes cannot both take it), hash its bytes, and ask for the rest from
   * that offset: a 206 is appended and the whole digest verified at the end;
   * a 200, or a digest that fails, starts over from nothing.
   */
  track<R extends JobResult>(job: { kind: FolderJobKind; title: string; targetDir: string }, run: JobRunner<R>): JobRunner<R> {
    const places = placesOf(job.kind, job.targetDir);
    return async (ctx) => {
      const entry: JournalEntry = { jobId: ctx.jobId, kind: job.kind, title: job.title, startedAt: new Date().toISOString(), places };
      // Without the journal the job still runs: only its leftovers after a crash would go unlisted (the next job there still sweeps them).
      await this.journal.add(entry).catch((err: unknown) => this.warn(`Could not note ${ctx.jobId} in the journal of running jobs`, err));
      try {
        await this.sweep(places, ctx.signal);
        return await run(ctx);
      } finally {
        await this.journal
          .remove(ctx.jobId)
          .catch((err: unknown) => this.warn(`Could not take ${ctx.jobId} off the journal of running jobs`, err));
      }
    };
  }

  /** At start: the stale temporaries of the app's own files (the data folder, the journals) and of the extractor's tar stream. */
  async sweepAtStart(): Promise<void> {
    const { dataDir } = this.options;
    await this.sweep([{ dir: dataDir }, { dir: journalFolder(dataDir) }, { dir: tmpdir(), names: [TAR_STREAM_HIDDEN_STORE] }]);
  }

  /** The unfinished files of the jobs that processes now gone did not finish. */
  list(): Promise<JobLeftoversResult> {
    return this.turns.run(async () => {
      const budget = { entries: MEASURE_BUDGET };
      const jobs: JobLeftover[] = [];
      for (const { entry, temporaries } of await this.unfinished()) {
        const files = [];
        let complete = true;
        for (const t of temporaries) {
          const usage = await diskUsage(t.path, budget);
          complete &&= usage.complete;
          files.push({ path: t.path, kind: t.kind, bytes: usage.bytes, modifiedAt: t.modifiedAt.toISOString() });
        }
        jobs.push({
          jobId: entry.jobId,
          kind: entry.kind,
          title: entry.title,
          startedAt: entry.startedAt,
          folders: [...new Set(temporaries.map((t) => dirname(t.path)))],
          files,
          bytes: files.reduce((sum, f) => sum + f.bytes, 0),
          bytesComplete: complete,
        });
      }
      jobs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      return { jobs, bytes: jobs.reduce((sum, j) => sum + j.bytes, 0) };
    });
  }

  /**
   * Removes the unfinished files of the given jobs. The paths are found again
   * here, from the journals and the folders they name; only temporaries whose
   * names say that the journal's (gone) process made them are removed.
   */
  remove(jobIds: string[]): Promise<RemoveLeftoversResult> {
    return this.turns.run(async () => {
      const result: RemoveLeftoversResult = { removed: [], bytesFreed: 0, failed: [], notFound: [] };
      const wanted = new Set(jobIds);
      const unfinished = (await this.unfinished()).filter((u) => wanted.has(u.entry.jobId));
      const found = new Set(unfinished.map((u) => u.entry.jobId));
      result.notFound = jobIds.filter((id) => !found.has(id));
      const budget = { entries: MEASURE_BUDGET };
      for (const t of unfinished.flatMap((u) => u.temporaries)) {
        const { bytes } = await diskUsage(t.path, budget);
        try {
          if (await removeTemporary(t)) {
            result.removed.push({ path: t.path, bytes });
            result.bytesFreed += bytes;
          }
        } catch (err) {
          result.failed.push({
            path: t.path,
            message: describeDiskFailure(err, { verb: 'remove', path: t.path }) ?? `Could not remove ${t.path}`,
          });
        }
      }
      this.options.logger?.info(`Removed ${result.removed.length} unfinished files of ${found.size} jobs (${result.bytesFreed} bytes)`);
      // The journals forget the jobs with nothing left.
      await this.unfinished();
      return result;
    });
  }

  /**
   * The jobs in journals of processes that have gone, with the temporaries
   * those processes made where the jobs wrote. A job with none left is taken
   * off its journal (the file goes with its last job); one whose folder
   * cannot be read now stays, unlisted, for a later start.
   */
  private async unfinished(): Promise<Unfinished[]> {
    const found: Unfinished[] = [];
    const claimed = new Set<string>();
    for (const journal of await readJournals(this.options.dataDir, (message) => this.options.logger?.warn(message))) {
      if ((await ownerStatus(journal.owner)) !== 'dead') continue;
      const keep: JournalEntry[] = [];
      for (const entry of journal.jobs) {
        const temporaries: FoundTemporary[] = [];
        let unreadable = false;
        for (const place of entry.places) {
          const inPlace = await findTemporaries(place.dir, {
            ownerToken: journal.ownerToken,
            ...(place.names ? { names: place.names } : {}),
          }).catch(() => {
            unreadable = true;
            return [];
          });
          // Two jobs of one process may write to one folder: each temporary is listed once.
          for (const t of inPlace) if (!claimed.has(t.path)) temporaries.push(t);
          for (const t of inPlace) claimed.add(t.path);
        }
        if (temporaries.length > 0 || unreadable) keep.push(entry);
        if (temporaries.length > 0) found.push({ journal, entry, temporaries });
      }
      if (keep.length !== journal.jobs.length) {
        await rewriteJournal(journal, keep).catch((err: unknown) => this.warn(`Could not update ${journal.path}`, err));
      }
    }
    return found;
  }

  private async sweep(places: JournalPlace[], signal?: AbortSignal): Promise<void> {
    for (const place of places) {
      try {
        const { removed, failed } = await removeStaleTemporaries(place.dir, {
          ...(place.names ? { names: place.names } : {}),
          ...(signal ? { signal } : {}),
        });
        if (removed.length > 0)
          this.options.logger?.info(`Removed ${removed.length} stale temporaries in ${place.dir}`, { paths: removed.map((t) => t.path) });
        for (const f of failed) this.warn(`Could not remove the stale temporary ${f.path}`, f.error);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        // A sweep is a courtesy: the job itself says what is wrong with its folder.
        this.warn(`Could not look for stale temporaries in ${place.dir}`, err);
      }
    }
  }

  private warn(message: string, err: unknown): void {
    this.options.logger?.warn(message, { error: String((err as Error | undefined)?.message ?? err) });
  }
}
