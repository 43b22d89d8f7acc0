/** The jobs panel's store (src-renderer/lib/jobs.ts): events in order, speed and ETA, results. */
import { describe, expect, it } from 'vitest';
import type { JobEvent, JobProgress } from '../../src-shared/contract';
import { JobsStore, resultFolder } from '../../src-renderer/lib/jobs';

const JOB = 'job-0123456789abcdef';

function progress(seq: number, done: number, total = 1000): JobEvent {
  const p: JobProgress = {
    bytesDone: done,
    bytesTotal: total,
    blobs: [
      { digest: 'sha256:a', size: 500, done: Math.min(done, 500), state: done >= 500 ? 'done' : 'running' },
      { digest: 'sha256:b', size: 500, done: Math.max(0, done - 500), state: done >= 1000 ? 'done' : 'pending' },
    ],
  };
  return { jobId: JOB, seq, type: 'progress', progress: p };
}

function storeAt() {
  let now = 0;
  const store = new JobsStore(() => now);
  return { store, tick: (ms: number) => (now += ms) };
}

describe('JobsStore', () => {
  it('follows a job from start to done: bytes, blobs, speed, ETA, result', () => {
    const { store, tick } = storeAt();
    let notified = 0;
    store.subscribe(() => notified++);
    store.addStarted({ jobId: JOB, kind: 'saveLayers', title: 'Save layers' });
    expect(store.getSnapshot()).toMatchObject([{ id: JOB, state: 'running', bytesDone: 0 }]);
    store.apply(progress(1, 0));
    tick(1000);
    store.apply(progress(2, 250));
    tick(1000);
    store.apply(progress(3, 500));
    const [running] = store.getSnapshot();
    expect(running).toMatchObject({ bytesDone: 500, bytesTotal: 1000, blobsDone: 1, blobsTotal: 2 });
    expect(running!.speed).toBeCloseTo(250, 5);
    expect(running!.eta).toBeCloseTo(2, 5);
    tick(500);
    store.apply({
      jobId: JOB,
      seq: 4,
      type: 'done',
      result: { kind: 'saveLayers', digest: 'sha256:m', files: [{ digest: 'sha256:a', path: '/out/a.tar.gz', bytes: 500 }] },
    });
    const [done] = store.getSnapshot();
    expect(done).toMatchObject({ state: 'done', bytesDone: 1000, endedAt: 2500 });
    expect(done!.eta).toBeUndefined();
    expect(resultFolder(done!.result)).toBe('/out');
    expect(notified).toBe(5);
  });

  it('ignores events out of order or repeated, and takes events that come before the start answer', () => {
    const { store } = storeAt();
    store.apply(progress(2, 400));
    store.apply(progress(1, 100));
    store.apply(progress(2, 999));
    expect(store.getSnapshot()[0]).toMatchObject({ bytesDone: 400, title: 'Job' });
    store.addStarted({ jobId: JOB, kind: 'extract', title: 'Extract x' });
    expect(store.getSnapshot()[0]).toMatchObject({ bytesDone: 400, title: 'Extract x', kind: 'extract' });
  });

  it('keeps a failure and a cancellation, and clears finished jobs on request', () => {
    const { store } = storeAt();
    store.addStarted({ jobId: JOB, kind: 'mirror', title: 'Mirror' });
    store.apply({ jobId: JOB, seq: 1, type: 'failed', error: { code: 'access-denied', message: 'no' } });
    store.addStarted({ jobId: 'job-1111111111111111', kind: 'extract', title: 'Extract' });
    store.apply({ jobId: 'job-1111111111111111', seq: 1, type: 'cancelled' });
    store.addStarted({ jobId: 'job-2222222222222222', kind: 'extract', title: 'Still running' });
    expect(
      store
        .getSnapshot()
        .map((j) => j.state)
        .sort(),
    ).toEqual(['cancelled', 'failed', 'running']);
    store.clearFinished();
    expect(store.getSnapshot().map((j) => j.title)).toEqual(['Still running']);
  });

  it('lists jobs from before a reload without duplicating known ones', () => {
    const { store } = storeAt();
    store.addStarted({ jobId: JOB, kind: 'mirror', title: 'Mine' });
    store.addListed([
      { id: JOB, kind: 'mirror', title: 'Mine (listed)', state: 'running', startedAt: '2024-01-01T00:00:00Z', bytesDone: 0, bytesTotal: 0 },
      {
        id: 'job-3333333333333333',
        kind: 'saveLayout',
        title: 'Old',
        state: 'done',
        startedAt: '2024-01-01T00:00:00Z',
        endedAt: '2024-01-01T00:00:05Z',
        bytesDone: 9,
        bytesTotal: 9,
      },
    ]);
    expect(
      store
        .getSnapshot()
        .map((j) => j.title)
        .sort(),
    ).toEqual(['Mine', 'Old']);
  });
});
