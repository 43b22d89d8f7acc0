/**
 * The journal of running jobs: for each job that writes to disk, where its
 * temporaries go, kept in the data folder while it runs, so that after a
 * crash (power loss, `kill -9`) the next start knows where to look.
 *
 * One file per process, `running-jobs/<owner token>.json` (the token of
 * registry/disk/owner.ts): two Lading processes over one data folder (the
 * desktop app and the web bridge) never write the same file, and a file whose
 * process has gone is the list of jobs that process did not finish. Written
 * atomically on every change; an entry goes when its job ends, the file when
 * its last entry does.
 */
import { opendir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { JobKind } from '../../src-shared/contract';
import { formatOwner, parseOwner, type TemporaryOwner } from '../registry/disk/index';
import { SerialQueue, writeFileAtomically } from './atomic-file';

export const JOURNAL_FOLDER = 'running-jobs';
const FILE_VERSION = 1;
/** A journal lists the jobs of one process: a few, or a few hundred at most. */
const MAX_JOURNAL_BYTES = 1024 * 1024;
/** Journals read at start at most (one per process that ran jobs and did not finish them). */
const MAX_JOURNALS = 1000;

/** A folder where a job's temporaries go: every temporary in it, or those of the given final names. */
export interface JournalPlace {
  dir: string;
  names?: string[] | undefined;
}

export interface JournalEntry {
  jobId: string;
  kind: JobKind;
  title: string;
  /** ISO 8601. */
  startedAt: string;
  places: JournalPlace[];
}

const placeSchema = z.strictObject({ dir: z.string().min(1).max(4096), names: z.array(z.string().min(1).max(255)).max(16).optional() });
const entrySchema = z.strictObject({
  jobId: z.string().regex(/^job-[0-9a-f]{16}$/),
  kind: z.enum(['saveLayers', 'saveLayout', 'extract', 'mirror', 'mirrorRepository', 'saveArchive', 'indexFiles', 'saveFiles']),
  title: z.string().max(4096),
  startedAt: z.string().max(64),
  places: z.array(placeSchema).max(16),
});
const fileSchema = z.object({ version: z.literal(FILE_VERSION), owner: z.string().max(64), jobs: z.array(entrySchema).max(10_000) });

/** The journal of a process that has gone (or of this one), as read from disk. */
export interface Journal {
  path: string;
  owner: TemporaryOwner;
  ownerToken: string;
  jobs: JournalEntry[];
}

export function journalFolder(dataDir: string): string {
  return join(dataDir, JOURNAL_FOLDER);
}

function journalPath(dataDir: string, ownerToken: string): string {
  return join(journalFolder(dataDir), `${ownerToken}.json`);
}

/** Replaces a journal's entries (the file goes when none are left). */
async function writeJournal(path: string, ownerToken: string, jobs: JournalEntry[]): Promise<void> {
  if (jobs.length === 0) await rm(path, { force: true });
  else await writeFileAtomically(path, `${JSON.stringify({ version: FILE_VERSION, owner: ownerToken, jobs }, null, 1)}\n`);
}

/** This process's journal: entries added when a job starts, removed when it ends. */
export class JobJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly writes = new SerialQueue();
  private readonly path: string;
  private readonly ownerToken: string;

  constructor(dataDir: string, owner: TemporaryOwner) {
    this.ownerToken = formatOwner(owner);
    this.path = journalPath(dataDir, this.ownerToken);
  }

  /** Resolves once the entry is on disk: only then may the job make its first temporary. */
  add(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.jobId, entry);
    return this.flush();
  }

  remove(jobId: string): Promise<void> {
    if (!this.entries.delete(jobId)) return Promise.resolve();
    return this.flush();
  }

  private flush(): Promise<void> {
    // Each write takes the entries as they are when its turn comes: the last one on disk is the current list.
    return this.writes.run(() => writeJournal(this.path, this.ownerToken, [...this.entries.values()]));
  }
}

/** Every journal in the data folder that can be read (a malformed one is reported through `onProblem` and skipped). */
export async function readJournals(dataDir: string, onProblem: (message: string) => void): Promise<Journal[]> {
  const journals: Journal[] = [];
  let dir;
  try {
    dir = await opendir(journalFolder(dataDir));
  } catch {
    return journals;
  }
  for await (const entry of dir) {
    const m = /^(.+)\.json$/.exec(entry.name);
    const owner = m ? parseOwner(m[1]!) : undefined;
    if (!entry.isFile() || !m || !owner) continue;
    const path = join(journalFolder(dataDir), entry.name);
    const journal = await readJournal(path, m[1]!, owner).catch((err: unknown) => {
      onProblem(`The job journal ${path} could not be read (${(err as Error).message}); it is left as it is`);
      return undefined;
    });
    if (journal) journals.push(journal);
    if (journals.length >= MAX_JOURNALS) break;
  }
  return journals;
}

async function readJournal(path: string, ownerToken: string, owner: TemporaryOwner): Promise<Journal | undefined> {
  const text = await readFile(path, 'utf8');
  if (text.length > MAX_JOURNAL_BYTES) throw new Error(`larger than ${MAX_JOURNAL_BYTES} bytes`);
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('not a job journal of this version');
  if (parsed.data.owner !== ownerToken) throw new Error('its owner is not the one its name says');
  return { path, owner, ownerToken, jobs: parsed.data.jobs };
}

/** Rewrites another (gone) process's journal with fewer entries; the file goes with its last one. */
export function rewriteJournal(journal: Journal, jobs: JournalEntry[]): Promise<void> {
  return writeJournal(journal.path, journal.ownerToken, jobs);
}
