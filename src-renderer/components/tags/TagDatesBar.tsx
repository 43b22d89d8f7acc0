/**
 * Sorting by date needs every tag's date. This bar says how many are not
 * read yet (they sort last), starts the background job that reads them, and
 * while it runs shows its progress with Cancel; the list is sorted anew as
 * dates arrive (`onProgress`, at most every 1.5 s) and once more at the end.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useJobs, useJobsStore } from '../../context/jobs';
import { useLading } from '../../context/lading';
import { formatCount, plural } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';

const RESORT_EVERY_MS = 1500;

interface Props {
  connectionId: string;
  repository: string;
  missing: number;
  onProgress: () => void;
}

export function TagDatesBar({ connectionId, repository, missing, onProgress }: Props) {
  const lading = useLading();
  const store = useJobsStore();
  const [jobId, setJobId] = useState<string>();
  const job = useJobs().find((j) => j.id === jobId);
  const start = useMutation({
    mutationFn: () => lading['jobs.tagFacts']({ connectionId, repository }),
    onSuccess: (started) => {
      store.addStarted(started);
      setJobId(started.jobId);
    },
  });
  const cancel = useMutation({ mutationFn: (id: string) => lading['jobs.cancel']({ jobId: id }) });

  // Sort anew while the job reads dates, and when it ends (onProgress is stable: a useCallback).
  const running = job?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(onProgress, RESORT_EVERY_MS);
    return () => clearInterval(timer);
  }, [running, onProgress]);
  const ended = job !== undefined && job.state !== 'running';
  useEffect(() => {
    if (ended) onProgress();
  }, [ended, onProgress]);

  if (running) {
    const items = job.items;
    return (
      <div className="tag-dates" role="status" data-testid="tag-dates">
        <span>Reading dates: {items ? `${formatCount(items.done)} of ${formatCount(items.total)} tags` : 'starting…'}</span>
        <button type="button" className="small-button" onClick={() => cancel.mutate(job.id)} disabled={cancel.isPending}>
          Cancel
        </button>
      </div>
    );
  }
  if (missing === 0) return null;
  return (
    <div className="tag-dates" role="status" data-testid="tag-dates">
      <span>
        {plural(missing, 'tag')} missing a date {job?.state === 'cancelled' ? '(reading was cancelled) ' : ''}sort last.
      </span>
      <button type="button" className="small-button" onClick={() => start.mutate()} disabled={start.isPending}>
        Read all dates
      </button>
      {start.isError && <ErrorNotice compact error={start.error} />}
      {job?.state === 'failed' && job.error && <ErrorNotice compact error={job.error} />}
    </div>
  );
}
