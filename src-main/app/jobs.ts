/**
 * The job manager: start() returns a job id at once and runs the work in the
 * background; each job has its own AbortController, its own progress, and
 * ends in exactly one of done, failed, cancelled. Jobs share nothing but the
 * client pool, so one job's failure never touches another.
 *
 * Events per job, in order (`seq` 1, 2, ...): progress*, then done | failed | cancelled.
 */
import type { AppError } from '../../src-shared/errors';
import type { JobEvent, JobInfo, JobKind, JobProgress, JobResult, JobStarted } from '../../src-shared/contract';
import { AppFailure, CancelledError, appErrorFromThrown } from './errors';
import type { JobEventBus } from './events';
import { newJobId } from './ids';
import { JobProgressReporter } from './job-progress';

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress: JobProgressReporter;
}

export type JobRunner<R extends JobResult = JobResult> = (ctx: JobContext) => Promise<R>;

export interface JobManagerOptions {
  events: JobEventBus;
  /** Minimum time between two progress events of one job. Default 100 ms. */
  throttleMs?: number | undefined;
  /** Finished jobs kept for jobs.list. Default 100. */
  keepFinished?: number;
  /** Applied to every event before it is emitted (secret scrubbing). */
  sanitize?: <T>(value: T) => T;
  /** How long cancel() waits for the job to wind down. Default 10 s. */
  cancelWaitMs?: number;
}

interface JobRecord {
  id: string;
  kind: JobKind;
  title: string;
  state: JobInfo['state'];
  startedAt: Date;
  endedAt?: Date;
  controller: AbortController;
  progress: JobProgressReporter;
  last: JobProgress;
  seq: number;
  result?: JobResult;
  error?: AppError;
  settled: Promise<void>;
}

export class JobManager {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly options: JobManagerOptions) {}

  /** Starts `run` in the background; returns at once. */
  start(kind: JobKind, title: string, run: JobRunner): JobStarted {
    const id = newJobId();
    const controller = new AbortController();
    let settle!: () => void;
    const record: JobRecord = {
      id,
      kind,
      title,
      state: 'running',
      startedAt: new Date(),
      controller,
      seq: 0,
      last: { bytesDone: 0, bytesTotal: 0, blobs: [] },
      progress: undefined as unknown as JobProgressReporter,
      settled: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    record.progress = new JobProgressReporter((progress) => {
      record.last = progress;
      this.emit(record, { type: 'progress', progress });
    }, this.options.throttleMs ?? 100);
    this.jobs.set(id, record);
    // The work starts on a later tick: the caller gets the id before any event.
    setImmediate(() => {
      void this.run(record, run).finally(settle);
    });
    return { jobId: id, kind, title };
  }

  /** Cancels a running job and waits (briefly) until it has stopped; a finished job is left as it is. */
  async cancel(id: string): Promise<JobInfo> {
    const record = this.require(id);
    if (record.state === 'running') {
      record.controller.abort(new CancelledError());
      const wait = this.options.cancelWaitMs ?? 10_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([record.settled, new Promise<void>((r) => (timer = setTimeout(r, wait)))]);
      clearTimeout(timer);
    }
    return this.info(record);
  }

  get(id: string): JobInfo {
    return this.info(this.require(id));
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).map((r) => this.info(r));
  }

  /** Resolves when the job has ended (for tests and shutdown). */
  async settled(id: string): Promise<JobInfo> {
    const record = this.require(id);
    await record.settled;
    return this.info(record);
  }

  /** Cancels every running job and waits for them to stop (at most cancelWaitMs: a stuck job must not keep the app from quitting). */
  async shutdown(): Promise<void> {
    const running = [...this.jobs.values()].filter((r) => r.state === 'running');
    for (const r of running) r.controller.abort(new CancelledError('Cancelled: Lading is quitting'));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(running.map((r) => r.settled)),
      new Promise<void>((r) => (timer = setTimeout(r, this.options.cancelWaitMs ?? 10_000))),
    ]);
    clearTimeout(timer);
  }

  private require(id: string): JobRecord {
    const record = this.jobs.get(id);
    if (!record) throw new AppFailure('not-found', `No job with id ${id}`);
    return record;
  }

  private async run(record: JobRecord, runner: JobRunner): Promise<void> {
    const { controller, progress } = record;
    try {
      controller.signal.throwIfAborted();
      const result = await runner({ jobId: record.id, signal: controller.signal, progress });
      // Finished work is done, even if a cancel arrived in its last moment.
      progress.complete();
      progress.flush();
      progress.close();
      record.state = 'done';
      record.result = this.sanitize(result);
      record.endedAt = new Date();
      this.emit(record, { type: 'done', result: record.result });
    } catch (err) {
      progress.flush();
      progress.close();
      record.endedAt = new Date();
      if (controller.signal.aborted) {
        record.state = 'cancelled';
        record.error = appErrorFromThrown(controller.signal.reason);
        this.emit(record, { type: 'cancelled' });
      } else {
        record.state = 'failed';
        record.error = this.sanitize(appErrorFromThrown(err));
        this.emit(record, { type: 'failed', error: record.error });
      }
    } finally {
      this.prune();
    }
  }

  private emit(record: JobRecord, body: DistributiveOmit<JobEvent, 'jobId' | 'seq'>): void {
    record.seq += 1;
    this.options.events.emit(this.sanitize({ ...body, jobId: record.id, seq: record.seq }));
  }

  private sanitize<T>(value: T): T {
    return this.options.sanitize ? this.options.sanitize(value) : value;
  }

  private info(r: JobRecord): JobInfo {
    const info: JobInfo = {
      id: r.id,
      kind: r.kind,
      title: r.title,
      state: r.state,
      startedAt: r.startedAt.toISOString(),
      bytesDone: r.last.bytesDone,
      bytesTotal: r.last.bytesTotal,
    };
    if (r.endedAt) info.endedAt = r.endedAt.toISOString();
    if (r.result) info.result = r.result;
    if (r.error) info.error = r.error;
    if (r.last.resumes?.length) info.resumes = r.last.resumes;
    return info;
  }

  private prune(): void {
    const keep = this.options.keepFinished ?? 100;
    const finished = [...this.jobs.values()].filter((r) => r.state !== 'running');
    if (finished.length <= keep) return;
    finished.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    for (const r of finished.slice(0, finished.length - keep)) this.jobs.delete(r.id);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
