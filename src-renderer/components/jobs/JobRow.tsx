/** One job: progress, speed, ETA, and then its result, error or cancellation. */
import { useMutation } from '@tanstack/react-query';
import { useLading } from '../../context/lading';
import { formatBytes, formatDuration, formatCount, shortDigest } from '../../lib/format';
import { resultFolder, type JobView } from '../../lib/jobs';
import { CopyButton } from '../common/CopyButton';
import { ErrorNotice } from '../common/ErrorNotice';
import { JobResultView } from './JobResultView';

/** `12/50 tags · 2 failed`. */
function tagsLine(t: NonNullable<JobView['tags']>): string {
  return [
    `${formatCount(t.done)}/${formatCount(t.total)} tags`,
    ...(t.skipped ? [`${formatCount(t.skipped)} unchanged`] : []),
    ...(t.failed ? [`${formatCount(t.failed)} failed`] : []),
  ].join(' · ');
}

/** A job cut off by a dropped connection says that it resumed, and from where. */
function ResumeNotes({ resumes }: { resumes: NonNullable<JobView['resumes']> }) {
  return (
    <div className="job-resumes" data-testid="job-resumes">
      {resumes.map((r) => (
        <div key={`${r.digest}-${r.attempt}`}>
          The connection dropped: blob <code title={r.digest}>{shortDigest(r.digest)}</code>{' '}
          {r.restarted
            ? `was read again from the start (the registry ignored the resume at ${formatBytes(r.offset)} of ${formatBytes(r.size)}; nothing was written twice)`
            : `resumed at ${formatBytes(r.offset)} of ${formatBytes(r.size)}`}
          {r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}.
        </div>
      ))}
    </div>
  );
}

const STATE_LABEL: Record<JobView['state'], string> = {
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function JobRow({ job }: { job: JobView }) {
  const lading = useLading();
  const cancel = useMutation({ mutationFn: () => lading['jobs.cancel']({ jobId: job.id }) });
  const { items } = job;
  const percent = items
    ? items.total > 0
      ? Math.min(100, (items.done / items.total) * 100)
      : 100
    : job.bytesTotal > 0
      ? Math.min(100, (job.bytesDone / job.bytesTotal) * 100)
      : job.state === 'done'
        ? 100
        : 0;
  const folder = job.state === 'done' ? resultFolder(job.result) : undefined;
  // Main opens the folder the job itself recorded: the page only names the job.
  const openFolder = useMutation({ mutationFn: () => lading['jobs.openFolder']({ jobId: job.id }) });
  const numbers = [
    ...(items ? [`${formatCount(items.done)} of ${formatCount(items.total)} ${items.unit}`] : []),
    ...(!items && (job.state === 'running' || job.bytesTotal > 0)
      ? [`${formatBytes(job.bytesDone)} of ${job.bytesTotal ? formatBytes(job.bytesTotal) : '…'}`]
      : []),
    ...(job.tags ? [tagsLine(job.tags)] : []),
    ...(job.blobsTotal > 0 ? [`${formatCount(job.blobsDone)}/${formatCount(job.blobsTotal)} blobs`] : []),
    ...(job.state === 'running' && job.speed !== undefined ? [`${formatBytes(job.speed)}/s`] : []),
    ...(job.state === 'running' && job.eta !== undefined ? [`${formatDuration(job.eta)} left`] : []),
    ...(job.state !== 'running' && job.endedAt ? [`took ${formatDuration((job.endedAt - job.startedAt) / 1000)}`] : []),
  ].join(' · ');
  return (
    <li className={`job job-${job.state}`} data-job-id={job.id} data-job-state={job.state} aria-label={job.title}>
      <div className="job-line">
        <span className={`job-state state-${job.state}`}>{STATE_LABEL[job.state]}</span>
        <span className="job-title" title={job.title}>
          {job.title}
        </span>
        {job.state !== 'running' && <span className="job-numbers">{numbers}</span>}
        {job.state === 'running' && (
          <button type="button" className="small-button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            {cancel.isPending ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      {job.state === 'running' && (
        <div className="job-progress">
          <div
            className="progress"
            role="progressbar"
            aria-label={`Progress of ${job.title}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(percent)}
          >
            <div className="progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <span className="job-numbers">{numbers}</span>
        </div>
      )}
      {job.state === 'done' && job.result && (
        <div className="job-result">
          <JobResultView result={job.result} />
          {folder && (
            <span className="job-folder">
              {' '}
              · Folder: <code data-testid="job-folder">{folder}</code> <CopyButton value={folder} label="Copy path" what="folder path" />
              <button type="button" className="small-button" onClick={() => openFolder.mutate()} disabled={openFolder.isPending}>
                Open folder
              </button>
            </span>
          )}
        </div>
      )}
      {job.state === 'running' && job.tags && job.tags.active.length > 0 && (
        <div className="job-tags" data-testid="job-active-tags">
          {job.tags.active.map((t) => (
            <span key={t.name} className="job-tag">
              {t.name}{' '}
              {t.state === 'checking' ? 'checking' : t.bytesTotal > 0 ? `${Math.round((t.bytesDone / t.bytesTotal) * 100)}%` : 'copying'}
            </span>
          ))}
        </div>
      )}
      {job.resumes && job.resumes.length > 0 && <ResumeNotes resumes={job.resumes} />}
      {job.state === 'failed' && job.error && <ErrorNotice compact error={job.error} />}
      {cancel.isError && <ErrorNotice compact error={cancel.error} />}
      {openFolder.isError && <ErrorNotice compact error={openFolder.error} />}
    </li>
  );
}
