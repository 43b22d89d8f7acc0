/**
 * Jobs against real registries: save layers, save an OCI layout, extract,
 * mirror. Events arrive in order and add up; cancel stops network and disk
 * work and leaves no partial target; one job's failure leaves the others
 * alone; no password appears in any result, event or error.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection, JobEvent } from '../../src-shared/contract';
import { BIG_FILE } from '../harness/fixture-specs';
import { startRegistry, type RunningRegistry } from '../harness/registry';
import { skopeoDigest } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { connect, progressOf, startApp, type TestApp } from './helpers';
import { startSlowProxy, type SlowProxy } from './slow-proxy';

const lading = inject('lading');
const { anonymous, token } = lading.registries;
const { ociImage, multiarch } = lading.fixtures;
const OWN_USER = { username: 'carol', password: `own-${Math.random().toString(36).slice(2)}-Pw` };

let app: TestApp;
let work: string;
let anon: Connection;
let viaToken: Connection;
let own: RunningRegistry;
let ownRoot: string;
let ownConn: Connection;
let proxy: SlowProxy;
let slow: Connection;

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** The checks every job's events must pass: contiguous seq, progress then exactly one end, sums that add up. */
function checkEvents(events: JobEvent[], end: JobEvent['type']): void {
  expect(events.length).toBeGreaterThan(0);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const ends = events.filter((e) => e.type !== 'progress');
  expect(ends.map((e) => e.type)).toEqual([end]);
  expect(events.at(-1)!.type).toBe(end);
  let before = -1;
  for (const e of progressOf(events)) {
    const { bytesDone, bytesTotal, blobs } = e.progress;
    expect(bytesDone).toBe(blobs.reduce((n, b) => n + b.done, 0));
    expect(bytesDone).toBeLessThanOrEqual(bytesTotal);
    expect(bytesDone).toBeGreaterThanOrEqual(before);
    for (const b of blobs) expect(b.done).toBeLessThanOrEqual(b.size);
    before = bytesDone;
  }
}

function lastProgress(events: JobEvent[]) {
  return progressOf(events).at(-1)!.progress;
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every name in `dir` (recursively), for "nothing was left behind" checks. */
async function tree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

beforeAll(async () => {
  app = await startApp();
  work = await makeTempDir('lading-jobs-');
  ownRoot = await makeTempDir('lading-jobs-registry-');
  own = await startRegistry({ auth: 'basic', rootDirectory: ownRoot, users: { [OWN_USER.username]: OWN_USER.password } });
  anon = await connect(app, anonymous, 'anonymous', 'anonymous');
  viaToken = await connect(app, token, token.credentials, 'token');
  ownConn = await connect(app, own, OWN_USER, 'own');
  // 48 KiB/s: the 100 KiB layer takes about two seconds.
  proxy = await startSlowProxy(anonymous.host, 48 * 1024);
  slow = await connect(app, { ...anonymous, host: proxy.host, url: `http://${proxy.host}` }, 'anonymous', 'slow');
});

afterAll(async () => {
  const secrets = [token.credentials.password, OWN_USER.password];
  for (const line of app.transcript) for (const s of secrets) expect(line).not.toContain(s);
  await app?.close();
  await proxy?.close();
  await own?.stop();
  await rm(work, { recursive: true, force: true });
  await rm(ownRoot, { recursive: true, force: true });
});

describe('jobs.saveLayers', () => {
  it('saves every layer as stored, verified, with progress that adds up to the total', async () => {
    const dir = join(work, 'layers');
    await mkdir(dir);
    const started = await app.ok('jobs.saveLayers', {
      connectionId: viaToken.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    expect(started).toMatchObject({ kind: 'saveLayers', jobId: expect.stringMatching(/^job-[0-9a-f]{16}$/) });
    expect(started.title).toContain(`${token.host}/${ociImage.repository}:${ociImage.tag}`);
    const end = await app.finished(started.jobId);
    const events = app.eventsOf(started.jobId);
    checkEvents(events, 'done');
    const total = ociImage.layers.reduce((n, l) => n + l.size, 0);
    expect(lastProgress(events)).toMatchObject({ bytesDone: total, bytesTotal: total });
    expect(lastProgress(events).blobs.map((b) => [b.digest, b.state])).toEqual(ociImage.layers.map((l) => [l.digest, 'done']));
    expect(progressOf(events)[0]!.progress.bytesTotal).toBe(total);

    if (end.type !== 'done' || end.result.kind !== 'saveLayers') throw new Error('not a saveLayers result');
    expect(end.result.digest).toBe(ociImage.digest);
    expect(end.result.files.map((f) => f.digest)).toEqual(ociImage.layers.map((l) => l.digest));
    for (const [i, f] of end.result.files.entries()) {
      const layer = ociImage.layers[i]!;
      expect(basename(f.path)).toBe(`${layer.digest.slice(7)}.tar.gz`);
      expect(f.bytes).toBe(layer.size);
      expect(await sha256File(f.path)).toBe(layer.digest);
    }
    expect((await readdir(dir)).sort()).toEqual(end.result.files.map((f) => basename(f.path)).sort());

    const info = (await app.ok('jobs.list', {})).find((j) => j.id === started.jobId)!;
    expect(info).toMatchObject({ state: 'done', kind: 'saveLayers', bytesDone: total, bytesTotal: total, result: end.result });
    expect(info.endedAt! >= info.startedAt).toBe(true);
  });

  it('saves a chosen layer decompressed: the file is the layer tar (its diff id)', async () => {
    const dir = join(work, 'layers-tar');
    await mkdir(dir);
    const layer = ociImage.layers[1]!;
    const started = await app.ok('jobs.saveLayers', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.digest,
      targetDir: dir,
      layers: [layer.digest],
      decompress: true,
    });
    const end = await app.finished(started.jobId);
    checkEvents(app.eventsOf(started.jobId), 'done');
    if (end.type !== 'done' || end.result.kind !== 'saveLayers') throw new Error(JSON.stringify(end));
    expect(end.result.files).toHaveLength(1);
    expect(basename(end.result.files[0]!.path)).toBe(`${layer.digest.slice(7)}.tar`);
    expect(await sha256File(end.result.files[0]!.path)).toBe(layer.diffId);
  });

  it('fails clearly, without touching anything, when a file is already there or the folder is missing', async () => {
    const dir = join(work, 'layers-exists');
    await mkdir(dir);
    const layer = ociImage.layers[0]!;
    const existing = join(dir, `${layer.digest.slice(7)}.tar.gz`);
    await writeFile(existing, 'keep me');
    const started = await app.ok('jobs.saveLayers', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    const end = await app.finished(started.jobId);
    expect(end).toMatchObject({
      type: 'failed',
      error: { code: 'exists', message: `${existing} already exists: choose another folder or remove it` },
    });
    expect(await readFile(existing, 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual([basename(existing)]);

    const missing = await app.ok('jobs.saveLayers', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: join(work, 'nope'),
    });
    expect(await app.finished(missing.jobId)).toMatchObject({
      type: 'failed',
      error: { code: 'not-found', message: `The folder ${join(work, 'nope')} does not exist` },
    });
  });

  it('ends with not-found for a tag that does not exist', async () => {
    const started = await app.ok('jobs.saveLayers', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: 'no-such-tag',
      targetDir: work,
    });
    const end = await app.finished(started.jobId);
    expect(end.type).toBe('failed');
    if (end.type === 'failed') expect(end.error.code).toBe('not-found');
    checkEvents(app.eventsOf(started.jobId), 'failed');
  });
});

describe('jobs.saveLayout', () => {
  it('saves a whole index as an OCI layout that skopeo reads back with the same digest', async () => {
    const dir = join(work, 'layout-all');
    const started = await app.ok('jobs.saveLayout', {
      connectionId: anon.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      targetDir: dir,
    });
    const end = await app.finished(started.jobId);
    checkEvents(app.eventsOf(started.jobId), 'done');
    if (end.type !== 'done' || end.result.kind !== 'saveLayout') throw new Error(JSON.stringify(end));
    expect(end.result).toMatchObject({ path: dir, tag: multiarch.tag, digest: multiarch.digest, mediaType: multiarch.mediaType });
    expect(end.result.images.map((i) => i.digest).sort()).toEqual(multiarch.manifests.map((m) => m.digest).sort());
    expect(await skopeoDigest(`oci:${dir}:${multiarch.tag}`)).toBe(multiarch.digest);
    const p = lastProgress(app.eventsOf(started.jobId));
    expect(p.bytesDone).toBe(p.bytesTotal);
    // Written under a temporary sibling, then renamed: nothing else is left in the parent.
    expect((await readdir(dirname(dir))).filter((n) => n.includes('layout-all'))).toEqual(['layout-all']);
  });

  it('saves a subset of platforms as a new index, and adds to an existing layout', async () => {
    const dir = join(work, 'layout-arm');
    const started = await app.ok('jobs.saveLayout', {
      connectionId: anon.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      targetDir: dir,
      tag: 'arm',
      platforms: ['linux/arm64'],
    });
    const end = await app.finished(started.jobId);
    if (end.type !== 'done' || end.result.kind !== 'saveLayout') throw new Error(JSON.stringify(end));
    const arm = multiarch.manifests.find((m) => m.platform.architecture === 'arm64' && !m.attestation)!;
    expect(end.result.digest).not.toBe(multiarch.digest);
    expect(end.result.images.map((i) => i.digest)).toContain(arm.digest);
    expect(end.result.images.map((i) => i.digest)).not.toContain(
      multiarch.manifests.find((m) => m.platform.architecture === 'amd64')!.digest,
    );
    expect(await skopeoDigest(`oci:${dir}:arm`)).toBe(end.result.digest);

    const second = await app.ok('jobs.saveLayout', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    expect((await app.finished(second.jobId)).type).toBe('done');
    expect(await skopeoDigest(`oci:${dir}:${ociImage.tag}`)).toBe(ociImage.digest);
    expect(await skopeoDigest(`oci:${dir}:arm`)).toBe(end.result.digest);
  });

  it('refuses a folder that holds something else', async () => {
    const dir = join(work, 'not-a-layout');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const started = await app.ok('jobs.saveLayout', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    expect(await app.finished(started.jobId)).toMatchObject({ type: 'failed', error: { code: 'exists' } });
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });
});

describe('jobs.extract', () => {
  it("writes the image's flattened filesystem: upper layers win", async () => {
    const dir = join(work, 'rootfs');
    const started = await app.ok('jobs.extract', {
      connectionId: viaToken.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    const end = await app.finished(started.jobId);
    checkEvents(app.eventsOf(started.jobId), 'done');
    if (end.type !== 'done' || end.result.kind !== 'extract') throw new Error(JSON.stringify(end));
    expect(end.result).toMatchObject({ path: dir, digest: ociImage.digest });
    expect(end.result.entries).toBeGreaterThan(10);
    expect(await readFile(join(dir, 'etc/hello.txt'), 'utf8')).toBe('hello from layer 3 (overrides layer 1)\n');
    expect(Buffer.compare(await readFile(join(dir, 'data/big.bin')), BIG_FILE)).toBe(0);
    expect((await stat(join(dir, 'usr/bin/app'))).mode & 0o111).not.toBe(0);
    expect((await readdir(work)).filter((n) => n.includes('rootfs'))).toEqual(['rootfs']);
  });

  it('refuses a target that is not empty', async () => {
    const dir = join(work, 'rootfs-busy');
    await mkdir(dir);
    await writeFile(join(dir, 'x'), 'x');
    const started = await app.ok('jobs.extract', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    expect(await app.finished(started.jobId)).toMatchObject({
      type: 'failed',
      error: { code: 'exists', message: `${dir} is not empty: choose a new or empty folder` },
    });
    expect(await readdir(dir)).toEqual(['x']);
  });
});

describe('jobs.mirror', () => {
  it('copies an index from a token registry to a Basic-auth registry; a second run copies nothing', async () => {
    const started = await app.ok('jobs.mirror', {
      source: { connectionId: viaToken.id, repository: multiarch.repository, reference: multiarch.tag },
      target: { connectionId: ownConn.id, repository: 'copies/multiarch', tag: 'v1' },
    });
    const end = await app.finished(started.jobId);
    checkEvents(app.eventsOf(started.jobId), 'done');
    if (end.type !== 'done' || end.result.kind !== 'mirror') throw new Error(JSON.stringify(end));
    expect(end.result).toMatchObject({
      target: `${own.host}/copies/multiarch:v1`,
      digest: multiarch.digest,
      sourceDigest: multiarch.digest,
      rewritten: false,
    });
    expect(end.result.copied).toBeGreaterThan(0);
    expect(await skopeoDigest(`${own.host}/copies/multiarch:v1`, { creds: OWN_USER })).toBe(multiarch.digest);
    const p = lastProgress(app.eventsOf(started.jobId));
    expect(p.bytesDone).toBe(p.bytesTotal);

    const again = await app.ok('jobs.mirror', {
      source: { connectionId: viaToken.id, repository: multiarch.repository, reference: multiarch.tag },
      target: { connectionId: ownConn.id, repository: 'copies/multiarch', tag: 'v1' },
    });
    const end2 = await app.finished(again.jobId);
    if (end2.type !== 'done' || end2.result.kind !== 'mirror') throw new Error(JSON.stringify(end2));
    expect(end2.result.copied).toBe(0);
    expect(end2.result.bytesCopied).toBe(0);
    expect(end2.result.skipped).toBe(end.result.copied);
    expect(lastProgress(app.eventsOf(again.jobId)).blobs.every((b) => b.state === 'exists')).toBe(true);
  });

  it('reports a rejected password on the target as access-denied, without the password', async () => {
    const wrong = await connect(app, own, { username: OWN_USER.username, password: 'Wrong-Password-123' }, 'own, wrong password');
    const started = await app.ok('jobs.mirror', {
      source: { connectionId: anon.id, repository: ociImage.repository, reference: ociImage.tag },
      target: { connectionId: wrong.id, repository: 'copies/denied' },
    });
    const end = await app.finished(started.jobId);
    expect(end.type).toBe('failed');
    if (end.type === 'failed') expect(end.error.code).toBe('access-denied');
    for (const line of app.transcript) expect(line).not.toContain('Wrong-Password-123');
  });
});

describe('cancel', () => {
  it('stops a layer download at once: no more bytes, no file, no temporary file', async () => {
    const dir = join(work, 'cancel-layers');
    await mkdir(dir);
    const started = await app.ok('jobs.saveLayers', {
      connectionId: slow.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    const big = ociImage.layers.reduce((a, b) => (b.size > a.size ? b : a));
    await waitUntil('the big layer to be part-way', () =>
      progressOf(app.eventsOf(started.jobId)).some((e) =>
        e.progress.blobs.some((b) => b.digest === big.digest && b.done > 8192 && b.done < b.size),
      ),
    );
    const info = await app.ok('jobs.cancel', { jobId: started.jobId });
    expect(info.state).toBe('cancelled');
    expect(info.error).toEqual({ code: 'cancelled', message: 'Cancelled' });
    const atCancel = proxy.bytesToClient;
    const events = app.eventsOf(started.jobId);
    checkEvents(events, 'cancelled');
    expect(lastProgress(events).bytesDone).toBeLessThan(lastProgress(events).bytesTotal);

    await new Promise((r) => setTimeout(r, 800));
    // At 48 KiB/s a running download would have moved ~38 KiB meanwhile; at most one queued piece may trickle out.
    expect(proxy.bytesToClient - atCancel).toBeLessThanOrEqual(8192);
    expect(await tree(dir)).toEqual([]);
    expect(app.eventsOf(started.jobId)).toHaveLength(events.length);
    // Cancelling again changes nothing.
    expect((await app.ok('jobs.cancel', { jobId: started.jobId })).state).toBe('cancelled');
  });

  it('stops an extraction: the target never appears, no temporary sibling stays', async () => {
    const dir = join(work, 'cancel-rootfs');
    const started = await app.ok('jobs.extract', {
      connectionId: slow.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    await waitUntil('bytes to flow', () => progressOf(app.eventsOf(started.jobId)).some((e) => e.progress.bytesDone > 8192));
    expect((await app.ok('jobs.cancel', { jobId: started.jobId })).state).toBe('cancelled');
    checkEvents(app.eventsOf(started.jobId), 'cancelled');
    expect((await readdir(work)).filter((n) => n.includes('cancel-rootfs'))).toEqual([]);
  });

  it('stops a layout save: no folder, no temporary sibling', async () => {
    const dir = join(work, 'cancel-layout');
    const started = await app.ok('jobs.saveLayout', {
      connectionId: slow.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    await waitUntil('bytes to flow', () => progressOf(app.eventsOf(started.jobId)).some((e) => e.progress.bytesDone > 8192));
    expect((await app.ok('jobs.cancel', { jobId: started.jobId })).state).toBe('cancelled');
    expect((await readdir(work)).filter((n) => n.includes('cancel-layout'))).toEqual([]);
  });

  it('stops a mirror before the target tag is written', async () => {
    const started = await app.ok('jobs.mirror', {
      source: { connectionId: slow.id, repository: ociImage.repository, reference: ociImage.tag },
      target: { connectionId: ownConn.id, repository: 'copies/cancelled' },
    });
    await waitUntil('bytes to flow', () => progressOf(app.eventsOf(started.jobId)).some((e) => e.progress.bytesDone > 8192));
    expect((await app.ok('jobs.cancel', { jobId: started.jobId })).state).toBe('cancelled');
    checkEvents(app.eventsOf(started.jobId), 'cancelled');
    const error = await app.fail('browse.manifest', { connectionId: ownConn.id, repository: 'copies/cancelled', reference: ociImage.tag });
    expect(error.code).toBe('not-found');
  });
});

describe('isolation', () => {
  it("one job's failure or cancellation leaves the others running to completion", async () => {
    const okDir = join(work, 'iso-ok');
    const cancelDir = join(work, 'iso-cancel');
    await mkdir(okDir);
    await mkdir(cancelDir);
    const survivor = await app.ok('jobs.saveLayers', {
      connectionId: slow.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: okDir,
    });
    const doomed = await app.ok('jobs.saveLayers', {
      connectionId: slow.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: cancelDir,
    });
    const failing = await app.ok('jobs.saveLayers', {
      connectionId: slow.id,
      repository: ociImage.repository,
      reference: 'missing-tag',
      targetDir: okDir,
    });
    expect(new Set([survivor.jobId, doomed.jobId, failing.jobId]).size).toBe(3);

    expect((await app.finished(failing.jobId)).type).toBe('failed');
    await waitUntil('the doomed job to move', () => progressOf(app.eventsOf(doomed.jobId)).some((e) => e.progress.bytesDone > 0));
    await app.ok('jobs.cancel', { jobId: doomed.jobId });
    expect(await tree(cancelDir)).toEqual([]);

    const end = await app.finished(survivor.jobId, 60_000);
    expect(end.type).toBe('done');
    checkEvents(app.eventsOf(survivor.jobId), 'done');
    if (end.type === 'done' && end.result.kind === 'saveLayers') {
      for (const f of end.result.files) expect(await sha256File(f.path)).toBe(f.digest);
      expect(end.result.files).toHaveLength(ociImage.layers.length);
    }
    const states = Object.fromEntries((await app.ok('jobs.list', {})).map((j) => [j.id, j.state]));
    expect([states[survivor.jobId], states[doomed.jobId], states[failing.jobId]]).toEqual(['done', 'cancelled', 'failed']);
  });

  it('lists jobs newest first', async () => {
    const list = await app.ok('jobs.list', {});
    expect(list.length).toBeGreaterThan(5);
    for (let i = 1; i < list.length; i++) expect(list[i - 1]!.startedAt >= list[i]!.startedAt).toBe(true);
  });
});

describe('progress throttling', () => {
  it('sends progress no more often than the throttle allows, and always the final state', async () => {
    const throttled = await startApp({ progressThrottleMs: 250 });
    try {
      const c = await connect(throttled, { ...anonymous, host: proxy.host }, 'anonymous');
      const dir = join(work, 'throttled');
      await mkdir(dir);
      const t0 = Date.now();
      const times: number[] = [];
      throttled.dispatcher.subscribe((e) => {
        if (e.type === 'progress') times.push(Date.now());
      });
      const started = await throttled.ok('jobs.saveLayers', {
        connectionId: c.id,
        repository: ociImage.repository,
        reference: ociImage.tag,
        targetDir: dir,
      });
      expect((await throttled.finished(started.jobId)).type).toBe('done');
      const elapsed = Date.now() - t0;
      expect(elapsed).toBeGreaterThan(1000);
      // The last one (flushed before `done`) may follow closer; all others are 250 ms apart, give or take timer slack.
      for (let i = 1; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(240);
      expect(times.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
      const p = lastProgress(throttled.eventsOf(started.jobId));
      expect(p.bytesDone).toBe(p.bytesTotal);
    } finally {
      await throttled.close();
    }
  });
});
