/**
 * At start: the unfinished files of jobs that a Lading process did not finish
 * (it crashed or was killed), with Remove and Keep. Main finds them and
 * removes them by job id: no path goes from here to main.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLading } from '../../context/lading';
import { leftoverLine, leftoversHeadline, removalProblem } from '../../lib/leftovers';
import { dismissLeftovers, dismissedLeftovers } from '../../lib/storage';
import { ErrorNotice } from '../common/ErrorNotice';
import { FieldError } from '../form/FieldError';

const LEFTOVERS_KEY = ['job-leftovers'] as const;

export function LeftoversNotice() {
  const lading = useLading();
  const queryClient = useQueryClient();
  // Read once at start: what this window's own jobs leave is theirs to clean up.
  const query = useQuery({
    queryKey: LEFTOVERS_KEY,
    queryFn: () => lading['jobs.leftovers']({}),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const [dismissed, setDismissed] = useState(() => new Set(dismissedLeftovers()));
  const remove = useMutation({
    mutationFn: (jobIds: string[]) => lading['jobs.removeLeftovers']({ jobIds }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: LEFTOVERS_KEY }),
  });
  const jobs = (query.data?.jobs ?? []).filter((j) => !dismissed.has(j.jobId));
  if (jobs.length === 0) return null;
  const ids = jobs.map((j) => j.jobId);
  return (
    <div className="banner" role="region" aria-label="Unfinished files">
      <div>{leftoversHeadline(jobs)}</div>
      <details className="leftovers">
        <summary>What they are</summary>
        <ul>
          {jobs.map((job) => (
            <li key={job.jobId}>
              {leftoverLine(job)}
              <ul>
                {job.files.map((f) => (
                  <li key={f.path}>
                    <code>{f.path}</code>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </details>
      {remove.error && <ErrorNotice error={remove.error} compact />}
      <FieldError error={removalProblem(remove.data)} />
      <div className="banner-actions">
        <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(ids)}>
          {remove.isPending ? 'Removing…' : 'Remove'}
        </button>
        <button
          type="button"
          disabled={remove.isPending}
          onClick={() => {
            dismissLeftovers(ids);
            setDismissed(new Set(dismissedLeftovers()));
          }}
        >
          Keep
        </button>
      </div>
    </div>
  );
}
