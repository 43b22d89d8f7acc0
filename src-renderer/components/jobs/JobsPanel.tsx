/** The bottom panel: every job of this session, newest first. */
import { useJobs, useJobsStore } from '../../context/jobs';
import { useUi } from '../../context/ui';
import { plural } from '../../lib/format';
import { JobRow } from './JobRow';
import { LeftoversNotice } from './LeftoversNotice';

export function JobsPanel() {
  const jobs = useJobs();
  const store = useJobsStore();
  const ui = useUi();
  const running = jobs.filter((j) => j.state === 'running').length;
  const finished = jobs.length - running;
  return (
    <section className={ui.jobsOpen ? 'jobs-panel open' : 'jobs-panel'} aria-label="Jobs">
      <div className="jobs-header">
        <button type="button" className="jobs-toggle" aria-expanded={ui.jobsOpen} onClick={() => ui.setJobsOpen(!ui.jobsOpen)}>
          {ui.jobsOpen ? '▾' : '▸'} Jobs
          <span className="dim">
            {jobs.length === 0
              ? ' · none yet'
              : ` · ${running ? `${running} running` : 'none running'}${finished ? `, ${plural(finished, 'finished job')}` : ''}`}
          </span>
        </button>
        {finished > 0 && (
          <button type="button" className="small-button" onClick={() => store.clearFinished()}>
            Clear finished
          </button>
        )}
      </div>
      <LeftoversNotice />
      {ui.jobsOpen && (
        <ul className="job-list">
          {jobs.length === 0 && <li className="dim empty">Saving, extracting and mirroring run here; they go on while you browse.</li>}
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} />
          ))}
        </ul>
      )}
    </section>
  );
}
