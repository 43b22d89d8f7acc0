/**
 * The jobs this app runs, kept up to date from job events: state, bytes,
 * speed and ETA (from the last few seconds of progress), result or error.
 * A plain store outside React (one subscription to the bridge), read with
 * useSyncExternalStore.
 */
import type {
  BlobProgressEntry,
  ItemProgress,
  JobEvent,
  JobInfo,
  JobKind,
  JobResult,
  JobStarted,
  JobState,
  ResumeNote,
  TagsProgress,
} from '../../src-shared/contract';
import type { AppError } from '../../src-shared/errors';

export interface JobView {
  id: string;
  kind: JobKind;
  title: string;
  state: JobState;
  startedAt: number;
  endedAt?: number;
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
  /** Per blob (per layer), as the last progress event said. */
  blobs?: BlobProgressEntry[];
  /** For jobs that count things rather than bytes (tags whose facts are read). */
  items?: ItemProgress;
  /** Bytes per second over the last few seconds. */
  speed?: number;
  /** Seconds left at that speed. */
  eta?: number | undefined;
  result?: JobResult;
  error?: AppError;
  /** Downloads that broke and were resumed. */
  resumes?: ResumeNote[];
  /** A repository mirror's tags. */
  tags?: TagsProgress;
  lastSeq: number;
}

interface Sample {
  t: number;
  bytes: number;
}

const WINDOW_MS = 4000;

/** A job as first seen: running, nothing counted yet. */
function newJob(id: string, kind: JobKind, title: string, startedAt: number): JobView {
  return { id, kind, title, state: 'running', startedAt, bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0, lastSeq: 0 };
}

export class JobsStore {
  private jobs = new Map<string, JobView>();
  private samples = new Map<string, Sample[]>();
  private snapshot: JobView[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): JobView[] => this.snapshot;

  /** What jobs.list answered (e.g. after a reload): jobs not known yet are added. */
  addListed(list: JobInfo[]): void {
    for (const info of list) {
      if (this.jobs.has(info.id)) continue;
      this.jobs.set(info.id, {
        ...newJob(info.id, info.kind, info.title, Date.parse(info.startedAt) || this.now()),
        state: info.state,
        ...(info.endedAt ? { endedAt: Date.parse(info.endedAt) } : {}),
        bytesDone: info.bytesDone,
        bytesTotal: info.bytesTotal,
        ...(info.items ? { items: info.items } : {}),
        ...(info.result ? { result: info.result } : {}),
        ...(info.error ? { error: info.error } : {}),
        ...(info.resumes ? { resumes: info.resumes } : {}),
      });
    }
    this.emit();
  }

  /** A job this page started. */
  addStarted(started: JobStarted): void {
    const existing = this.jobs.get(started.jobId);
    if (existing) {
      existing.title = started.title;
      existing.kind = started.kind;
    } else {
      this.jobs.set(started.jobId, newJob(started.jobId, started.kind, started.title, this.now()));
    }
    this.emit();
  }

  apply(event: JobEvent): void {
    let job = this.jobs.get(event.jobId);
    if (!job) {
      // An event before the start answer arrived (or another window's job).
      job = newJob(event.jobId, 'saveLayers', 'Job', this.now());
      this.jobs.set(event.jobId, job);
    }
    if (event.seq <= job.lastSeq) return;
    job = { ...job, lastSeq: event.seq };
    switch (event.type) {
      case 'progress': {
        const p = event.progress;
        job.bytesDone = p.bytesDone;
        job.bytesTotal = p.bytesTotal;
        job.blobsTotal = p.blobs.length;
        job.blobs = p.blobs;
        job.blobsDone = p.blobs.filter((b) => b.state === 'done' || b.state === 'exists' || b.state === 'mounted').length;
        if (p.resumes) job.resumes = p.resumes;
        if (p.tags) job.tags = p.tags;
        if (p.items) job.items = p.items;
        const t = this.now();
        const list = (this.samples.get(job.id) ?? []).filter((s) => t - s.t <= WINDOW_MS);
        list.push({ t, bytes: p.bytesDone });
        this.samples.set(job.id, list);
        const first = list[0]!;
        const dt = (t - first.t) / 1000;
        if (dt >= 0.3) {
          job.speed = (p.bytesDone - first.bytes) / dt;
          job.eta = job.speed > 0 && p.bytesTotal > p.bytesDone ? (p.bytesTotal - p.bytesDone) / job.speed : undefined;
        }
        break;
      }
      case 'done':
        job.state = 'done';
        job.result = event.result;
        job.endedAt = this.now();
        job.bytesDone = Math.max(job.bytesDone, job.bytesTotal);
        delete job.eta;
        break;
      case 'failed':
        job.state = 'failed';
        job.error = event.error;
        job.endedAt = this.now();
        delete job.eta;
        break;
      case 'cancelled':
        job.state = 'cancelled';
        job.endedAt = this.now();
        delete job.eta;
        break;
    }
    this.jobs.set(job.id, job);
    if (job.state !== 'running') this.samples.delete(job.id);
    this.emit();
  }

  /** Hides finished jobs from the panel. */
  clearFinished(): void {
    for (const [id, job] of this.jobs) if (job.state !== 'running') this.jobs.delete(id);
    this.emit();
  }

  private emit(): void {
    this.snapshot = [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt);
    for (const l of [...this.listeners]) l();
  }
}

/** The folder a finished job wrote, to show or open. */
export { resultFolder } from '../../src-shared/job-results';
