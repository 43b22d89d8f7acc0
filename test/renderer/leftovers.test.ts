/** The words of the notice about unfinished files after a crash (src-renderer/lib/leftovers.ts). */
import { describe, expect, it } from 'vitest';
import type { JobLeftover } from '../../src-shared/contract';
import { leftoverLine, leftoversHeadline, removalProblem } from '../../src-renderer/lib/leftovers';

const MB = 1024 * 1024;

function job(folders: string[], bytes: number, extra: Partial<JobLeftover> = {}): JobLeftover {
  return {
    jobId: `job-${'0'.repeat(15)}${folders.length}`,
    kind: 'extract',
    title: `Extract ghcr.io/org/app:v1 to ${folders[0]}/rootfs`,
    startedAt: '2024-05-01T12:34:56.000Z',
    folders,
    files: folders.map((f) => ({
      path: `${f}/.rootfs.lading-tmp-x`,
      kind: 'folder',
      bytes: bytes / folders.length,
      modifiedAt: '2024-05-01T12:40:00.000Z',
    })),
    bytes,
    bytesComplete: true,
    ...extra,
  };
}

describe('leftoversHeadline', () => {
  it('says how many jobs stopped, how much they left, and where', () => {
    expect(leftoversHeadline([job(['/home/me'], 281 * MB), job(['/data/layers'], 80 * MB)])).toBe(
      'Lading stopped during 2 jobs; 361 MB of unfinished files in /home/me and /data/layers.',
    );
    expect(leftoversHeadline([job(['/home/me'], 1536)])).toBe('Lading stopped during 1 job; 1.50 KB of unfinished files in /home/me.');
  });

  it('names two folders and counts the rest; a size it could not count whole is "at least"', () => {
    const jobs = [job(['/a', '/b'], 2 * MB), job(['/a', '/c', '/d'], MB, { bytesComplete: false })];
    expect(leftoversHeadline(jobs)).toBe(
      'Lading stopped during 2 jobs; at least 3.00 MB of unfinished files in /a, /b and 2 other folders.',
    );
  });
});

describe('leftoverLine / removalProblem', () => {
  it('one line per job; a removal that failed for some files says the first and counts the others', () => {
    expect(leftoverLine(job(['/x'], 281 * MB))).toBe('Extract ghcr.io/org/app:v1 to /x/rootfs · 281 MB · started 2024-05-01 12:34:56 UTC');
    expect(removalProblem(undefined)).toBeUndefined();
    expect(removalProblem({ removed: [], bytesFreed: 0, failed: [], notFound: [] })).toBeUndefined();
    const failed = [
      { path: '/ro/.a.lading-tmp-x', message: '/ro is on a read-only file system: could not remove /ro/.a.lading-tmp-x' },
      { path: '/ro/.b.lading-tmp-x', message: 'same' },
    ];
    expect(removalProblem({ removed: [], bytesFreed: 0, failed, notFound: [] })).toBe(
      '/ro is on a read-only file system: could not remove /ro/.a.lading-tmp-x (and 1 other file)',
    );
  });
});
