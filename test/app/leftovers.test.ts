/**
 * Nothing left behind after a crash. Lading's services run a layer save, an
 * OCI layout save and an extraction in a child process (through a slow relay
 * to a real registry, so the jobs last), which is killed with SIGKILL in the
 * middle, as a power loss or `kill -9` does. Then: the temporaries are there,
 * and nothing under a final name; the next start lists them with their size
 * and job, and removes exactly the ones asked for; the next job into a folder
 * removes the stale temporaries there first. The temporaries of jobs still
 * running in a second process over the same data folder are never touched.
 */
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection, JobLeftover } from '../../src-shared/contract';
import { makeTemporaryFolder, parseTemporaryName } from '../../src-main/registry/disk/index';
import { JOURNAL_FOLDER } from '../../src-main/app/job-journal';
import { makeTempDir } from '../harness/tmp';
import { startCrashChild, type CrashChild, type CrashChildJob } from './crash-children';
import { connect, startApp, type TestApp } from './helpers';
import { startSlowProxy, type SlowProxy } from './slow-proxy';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage } = lading.fixtures;
const big = ociImage.layers.reduce((a, b) => (b.size > a.size ? b : a));
const image = { repository: ociImage.repository, reference: ociImage.tag };

let proxy: SlowProxy;
let dataDir: string;
let work: string;
let crashed: CrashChild;
let running: CrashChild;
let app: TestApp;
let anon: Connection;

/** The three jobs into `dir`: the big layer only (the small ones would finish before the kill), a new layout, an extraction. */
function jobsInto(dir: string): CrashChildJob[] {
  return [
    { operation: 'jobs.saveLayers', input: { ...image, targetDir: join(dir, 'layers'), layers: [big.digest] } },
    { operation: 'jobs.saveLayout', input: { ...image, targetDir: join(dir, 'layout') } },
    { operation: 'jobs.extract', input: { ...image, targetDir: join(dir, 'rootfs') } },
  ];
}

/** Our temporaries directly in `dir`, and whose they are. */
async function temporariesIn(dir: string): Promise<{ path: string; finalName: string; ownerToken?: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.flatMap((name) => {
    const parsed = parseTemporaryName(name);
    return parsed
      ? [{ path: join(dir, name), finalName: parsed.finalName, ...(parsed.ownerToken ? { ownerToken: parsed.ownerToken } : {}) }]
      : [];
  });
}

/** The sizes of the files below `path`, counted here without the code under test. */
async function bytesBelow(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.isFile() ? info.size : 0;
  let sum = 0;
  for (const name of await readdir(path)) sum += await bytesBelow(join(path, name));
  return sum;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  // 8 KiB/s: the 100 KiB layer takes over twelve seconds, far longer than anything the tests do meanwhile.
  proxy = await startSlowProxy(anonymous.host, 8 * 1024);
  dataDir = await makeTempDir('lading-leftovers-data-');
  work = await makeTempDir('lading-leftovers-');
  for (const dir of ['crashed', 'running']) await mkdir(join(work, dir, 'layers'), { recursive: true });
  // Two processes over one data folder, as the desktop app and the web bridge are: one is killed, one runs on.
  [crashed, running] = await Promise.all([
    startCrashChild(dataDir, proxy.host, jobsInto(join(work, 'crashed'))),
    startCrashChild(dataDir, proxy.host, jobsInto(join(work, 'running'))),
  ]);
  await crashed.kill();
  app = await startApp({ dataDir });
  anon = await connect(app, anonymous, 'anonymous');
}, 60_000);

afterAll(async () => {
  await running?.kill();
  await app?.close();
  await proxy?.close();
  await rm(work, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('after a SIGKILL in the middle of three jobs', () => {
  let owner: string;

  it('the temporaries are there, and nothing under a final name', async () => {
    const dir = join(work, 'crashed');
    const layers = await temporariesIn(join(dir, 'layers'));
    expect(layers.map((t) => t.finalName)).toEqual([`${big.digest.slice('sha256:'.length)}.tar.gz`]);
    owner = layers[0]!.ownerToken!;
    expect(owner).toMatch(new RegExp(`^[0-9a-f]{6}-${crashed.pid}-[0-9a-z]+$`));
    expect(await readdir(join(dir, 'layers'))).toEqual([layers[0]!.path.slice(join(dir, 'layers').length + 1)]);
    const beside = await temporariesIn(dir);
    expect(beside.filter((t) => t.ownerToken === owner).map((t) => t.finalName)).toEqual(expect.arrayContaining(['layout', 'rootfs']));
    expect(await exists(join(dir, 'layout'))).toBe(false);
    expect(await exists(join(dir, 'rootfs'))).toBe(false);
    expect(await readdir(join(dataDir, JOURNAL_FOLDER))).toContain(`${owner}.json`);
  });

  it('the next start lists them: each job, its files with their sizes, when', async () => {
    const dir = join(work, 'crashed');
    const result = await app.ok('jobs.leftovers', {});
    // The jobs of the process still running are not leftovers.
    expect(result.jobs.map((j) => j.jobId).sort()).toEqual(crashed.jobs.map((j) => j.jobId).sort());
    const byKind = new Map(result.jobs.map((j) => [j.kind, j]));
    expect([...byKind.keys()].sort()).toEqual(['extract', 'saveLayers', 'saveLayout']);

    const expected = async (job: JobLeftover, paths: string[]) => {
      expect(job.files.map((f) => f.path).sort()).toEqual(paths.sort());
      for (const f of job.files) expect(f.bytes, f.path).toBe(await bytesBelow(f.path));
      expect(job.bytes).toBe(job.files.reduce((n, f) => n + f.bytes, 0));
      expect(job.bytesComplete).toBe(true);
      expect(Date.parse(job.startedAt)).toBeLessThanOrEqual(Date.now());
      for (const f of job.files) expect(Date.parse(f.modifiedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt) - 1000);
    };
    const mine = (await temporariesIn(dir)).filter((t) => t.ownerToken === owner);
    const layers = byKind.get('saveLayers')!;
    await expected(
      layers,
      (await temporariesIn(join(dir, 'layers'))).map((t) => t.path),
    );
    expect(layers.files[0]!.bytes).toBeGreaterThan(0);
    expect(layers.files[0]!.kind).toBe('file');
    expect(layers.title).toContain(join(dir, 'layers'));
    expect(layers.folders).toEqual([join(dir, 'layers')]);
    const layout = byKind.get('saveLayout')!;
    await expected(
      layout,
      mine.filter((t) => t.finalName === 'layout').map((t) => t.path),
    );
    expect(layout.files[0]!.kind).toBe('folder');
    // The extraction's folder and its store of hidden files, both named for the target.
    const rootfs = byKind.get('extract')!;
    await expected(
      rootfs,
      mine.filter((t) => t.finalName === 'rootfs' || parseTemporaryName(t.finalName)?.finalName === 'rootfs').map((t) => t.path),
    );
    expect(rootfs.title).toContain(join(dir, 'rootfs'));
    expect(result.bytes).toBe(layers.bytes + layout.bytes + rootfs.bytes);
  });

  it('removes exactly the files of the jobs named, never a path from the page', async () => {
    const dir = join(work, 'crashed');
    // Beside them: a live temporary of this process for the same target, and a file of the user's.
    const live = await makeTemporaryFolder(join(dir, 'rootfs'));
    await mkdir(join(dir, '.rootfs.keep'));
    const extract = crashed.jobs.find((j) => j.kind === 'extract')!;
    const before = (await app.ok('jobs.leftovers', {})).jobs.find((j) => j.jobId === extract.jobId)!;

    const refused = await app.fail('jobs.removeLeftovers', { jobIds: [extract.jobId], paths: [join(dir, 'layers')] });
    expect(refused.code).toBe('invalid-input');
    expect((await app.fail('jobs.removeLeftovers', { jobIds: [] })).code).toBe('invalid-input');
    expect((await app.fail('jobs.removeLeftovers', { jobIds: ['../../etc'] })).code).toBe('invalid-input');

    const unknown = 'job-0123456789abcdef';
    const result = await app.ok('jobs.removeLeftovers', { jobIds: [extract.jobId, unknown] });
    expect(result.removed.map((r) => r.path).sort()).toEqual(before.files.map((f) => f.path).sort());
    expect(result.bytesFreed).toBe(before.bytes);
    expect(result.failed).toEqual([]);
    expect(result.notFound).toEqual([unknown]);
    for (const f of before.files) expect(await exists(f.path)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await exists(join(dir, '.rootfs.keep'))).toBe(true);
    expect((await temporariesIn(join(dir, 'layers'))).length).toBe(1);
    expect((await app.ok('jobs.leftovers', {})).jobs.map((j) => j.kind).sort()).toEqual(['saveLayers', 'saveLayout']);
    await rm(live, { recursive: true });
  });

  it('the next job into a folder removes the stale temporaries there before it starts', async () => {
    const dir = join(work, 'crashed');
    for (const [operation, targetDir] of [
      ['jobs.saveLayers', join(dir, 'layers')],
      ['jobs.saveLayout', join(dir, 'layout')],
    ] as const) {
      const started = await app.ok(operation, { connectionId: anon.id, ...image, targetDir });
      const end = await app.finished(started.jobId);
      expect(end.type, JSON.stringify(end)).toBe('done');
    }
    expect((await readdir(join(dir, 'layers'))).sort()).toEqual(
      ociImage.layers.map((l) => `${l.digest.slice('sha256:'.length)}.tar.gz`).sort(),
    );
    expect((await temporariesIn(dir)).filter((t) => t.ownerToken === owner)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.rootfs.keep', 'layers', 'layout']);
    // Nothing is left to list, and the journal of the killed process is gone with its last job.
    expect((await app.ok('jobs.leftovers', {})).jobs).toEqual([]);
    expect(await readdir(join(dataDir, JOURNAL_FOLDER))).not.toContain(`${owner}.json`);
  });
});

describe('jobs still running in another process', () => {
  it('keep their temporaries through sweeps and listings; once that process is killed, they are leftovers', async () => {
    const dir = join(work, 'running');
    const theirs = async () =>
      (await Promise.all([dir, join(dir, 'layers')].map(temporariesIn))).flat().filter((t) => t.ownerToken?.includes(`-${running.pid}-`));
    const before = await theirs();
    expect(before.map((t) => parseTemporaryName(t.finalName)?.finalName ?? t.finalName).sort()).toEqual(
      expect.arrayContaining([`${big.digest.slice('sha256:'.length)}.tar.gz`, 'layout', 'rootfs']),
    );
    const inodes = new Map(await Promise.all(before.map(async (t) => [t.path, (await lstat(t.path)).ino] as const)));

    // This process runs the same jobs into the same folders, sweeping first.
    for (const [operation, targetDir] of [
      ['jobs.saveLayers', join(dir, 'layers')],
      ['jobs.saveLayout', join(dir, 'layout')],
      ['jobs.extract', join(dir, 'rootfs')],
    ] as const) {
      const started = await app.ok(operation, { connectionId: anon.id, ...image, targetDir });
      expect((await app.finished(started.jobId)).type).toBe('done');
    }
    expect((await app.ok('jobs.leftovers', {})).jobs).toEqual([]);
    for (const t of before) expect((await lstat(t.path)).ino, t.path).toBe(inodes.get(t.path));

    await running.kill();
    const listed = await app.ok('jobs.leftovers', {});
    expect(listed.jobs.map((j) => j.jobId).sort()).toEqual(running.jobs.map((j) => j.jobId).sort());
    const result = await app.ok('jobs.removeLeftovers', { jobIds: listed.jobs.map((j) => j.jobId) });
    expect(result.removed.map((r) => r.path).sort()).toEqual(listed.jobs.flatMap((j) => j.files.map((f) => f.path)).sort());
    expect(await theirs()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['layers', 'layout', 'rootfs']);
    expect((await app.ok('jobs.leftovers', {})).jobs).toEqual([]);
  });
});
