/** Words for what jobs that did not finish left behind (the notice at start, components/jobs/LeftoversNotice). */
import type { JobLeftover, RemoveLeftoversResult } from '../../src-shared/contract';
import { formatBytes, formatTime, plural } from './format';

/** Folders named in the headline at most; the rest are counted. */
const FOLDERS_NAMED = 2;

/** "Lading stopped during 2 jobs; 361 MB of unfinished files in /a and /b." */
export function leftoversHeadline(jobs: JobLeftover[]): string {
  const bytes = jobs.reduce((sum, j) => sum + j.bytes, 0);
  const atLeast = jobs.some((j) => !j.bytesComplete) ? 'at least ' : '';
  const folders = [...new Set(jobs.flatMap((j) => j.folders))];
  return `Lading stopped during ${plural(jobs.length, 'job')}; ${atLeast}${formatBytes(bytes)} of unfinished files in ${listed(folders)}.`;
}

function listed(folders: string[]): string {
  if (folders.length <= FOLDERS_NAMED) return folders.join(' and ');
  const more = folders.length - FOLDERS_NAMED;
  return `${folders.slice(0, FOLDERS_NAMED).join(', ')} and ${plural(more, 'other folder')}`;
}

/** One job's line in the details: "Extract host/app:v1 to /x · 281 MB · started 2024-05-01 12:34:56 UTC". */
export function leftoverLine(job: JobLeftover): string {
  return `${job.title} · ${job.bytesComplete ? '' : 'at least '}${formatBytes(job.bytes)} · started ${formatTime(job.startedAt)}`;
}

/** What a removal could not do, or undefined when it did everything. */
export function removalProblem(result: RemoveLeftoversResult | undefined): string | undefined {
  if (!result || result.failed.length === 0) return undefined;
  const first = result.failed[0]!.message;
  return result.failed.length === 1 ? first : `${first} (and ${plural(result.failed.length - 1, 'other file')})`;
}
