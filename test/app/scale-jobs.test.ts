/**
 * The services of issue 11 against real registries: the tag-selection
 * preview (all, a list, a pattern, a semantic version range), a repository
 * mirror job with per-tag progress and a result listing the tags, a
 * save-as-archive job whose result says how to load the file, and a job
 * whose download breaks half way (on the loopback stand-in: distribution
 * cannot drop a connection on demand) saying that it resumed, and where.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEMP_MARKER, formatOwner, thisOwner } from '../../src-main/registry/disk/index';
import type { Connection, InputOf, JobEvent } from '../../src-shared/contract';
import { SEMVER_TAGS } from '../harness/fixture-names';
import { skopeoListTags, skopeoRawManifest } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { FaultServer, dropsOnceThenRange, makeImage, openRegistry, serveImage } from '../faults/fault-server';
import { startIsolatedRegistry, type IsolatedRegistry } from '../integration/registry-support';
import { connect, progressOf, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { manyTags, ociImage } = lading.fixtures;

let app: TestApp;
let work: string;
let anon: Connection;
let target: IsolatedRegistry;
let targetConn: Connection;

beforeAll(async () => {
  app = await startApp();
  work = await makeTempDir('lading-scale-jobs-');
  target = await startIsolatedRegistry(work, 'target');
  anon = await connect(app, anonymous, 'anonymous', 'anonymous');
  targetConn = await connect(app, target.registry, 'anonymous', 'target');
});

afterAll(async () => {
  await app?.close();
  await target?.registry.stop();
  await rm(work, { recursive: true, force: true });
});

const preview = (tags: InputOf<'browse.selectTags'>['tags']) =>
  app.ok('browse.selectTags', { connectionId: anon.id, repository: manyTags.repository, tags });

describe('browse.selectTags', () => {
  it('counts what a pattern, a version range, a list and "all" pick, with the first few', async () => {
    expect(await preview({ kind: 'pattern', pattern: 't000[0-2]' })).toEqual({
      repository: manyTags.repository,
      total: manyTags.tags.length,
      selected: 3,
      sample: ['t0000', 't0001', 't0002'],
      missing: [],
    });
    // The whole tag: "t000" alone matches nothing.
    expect((await preview({ kind: 'pattern', pattern: 't000' })).selected).toBe(0);
    // >=1.2 <2 over the semver-like tags: 1.2.0, 1.9.9, 1.10.0, v1.2.3, v1.10.0; not 1.0, v2.0.0-rc.1, latest, v1.2.3_build.5.
    const range = await preview({ kind: 'semver', range: '>=1.2 <2' });
    expect(range.sample).toEqual(['1.10.0', '1.2.0', '1.9.9', 'v1.10.0', 'v1.2.3']);
    expect(SEMVER_TAGS).toEqual(expect.arrayContaining(range.sample));
    const list = await preview({ kind: 'list', tags: ['t0001', 'latest', 'nope'] });
    expect(list).toMatchObject({ selected: 2, sample: ['latest', 't0001'], missing: ['nope'] });
    expect((await preview({ kind: 'all' })).selected).toBe(manyTags.tags.length);
  });

  it('refuses a pattern that does not compile and a range that is not one, saying why', async () => {
    const bad = await app.fail('browse.selectTags', {
      connectionId: anon.id,
      repository: manyTags.repository,
      tags: { kind: 'pattern', pattern: 'v1(' },
    });
    expect(bad.code).toBe('invalid-input');
    expect(bad.message).toMatch(/Not a regular expression/);
    const range = await app.fail('browse.selectTags', {
      connectionId: anon.id,
      repository: manyTags.repository,
      tags: { kind: 'semver', range: 'one point two' },
    });
    expect(range.code).toBe('invalid-input');
    expect(range.message).toMatch(/is not a version range/);
  });
});

describe('jobs.mirrorRepository', () => {
  it('copies the tags a pattern picks; progress counts tags; the result lists them with their digests', async () => {
    const started = await app.ok('jobs.mirrorRepository', {
      source: { connectionId: anon.id, repository: manyTags.repository },
      target: { connectionId: targetConn.id, repository: 'copies/many' },
      tags: { kind: 'pattern', pattern: 't000[0-2]' },
    });
    expect(started.kind).toBe('mirrorRepository');
    expect(started.title).toBe(
      `Mirror tags matching t000[0-2] of ${anonymous.host}/${manyTags.repository} to ${target.registry.host}/copies/many`,
    );
    const end = await app.finished(started.jobId);
    expect(end.type).toBe('done');
    const result = (end as Extract<JobEvent, { type: 'done' }>).result;
    expect(result).toMatchObject({
      kind: 'mirrorRepository',
      copied: ['t0000', 't0001', 't0002'].map((tag) => ({ tag, digest: manyTags.digest })),
      skipped: [],
      failed: [],
    });
    const tags = progressOf(app.eventsOf(started.jobId)).map((e) => e.progress.tags!);
    expect(tags.at(-1)).toMatchObject({ total: 3, done: 3, copied: 3, active: [] });
    expect((await skopeoListTags(target.registry.host, 'copies/many')).sort()).toEqual(['t0000', 't0001', 't0002']);
  });
});

describe('jobs.saveArchive', () => {
  it('writes a docker archive that skopeo reads, and says the command that loads it; an existing file is refused', async () => {
    const file = join(work, 'oci image.tar');
    const started = await app.ok('jobs.saveArchive', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      file,
      format: 'docker',
      name: 'lading/oci-image:v1',
    });
    const end = await app.finished(started.jobId);
    expect(end.type).toBe('done');
    const result = (end as Extract<JobEvent, { type: 'done' }>).result;
    expect(result).toMatchObject({
      kind: 'saveArchive',
      path: file,
      format: 'docker',
      digest: ociImage.digest,
      name: 'lading/oci-image:v1',
    });
    expect(result.kind === 'saveArchive' && result.loadCommand).toBe(`docker load -i '${file}'`);
    const manifest = JSON.parse((await skopeoRawManifest(`docker-archive:${file}`)).toString('utf8')) as { config: { digest: string } };
    expect(manifest.config.digest).toBe(ociImage.configDigest);

    const again = await app.ok('jobs.saveArchive', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      file,
      format: 'oci',
    });
    const refused = await app.finished(again.jobId);
    expect(refused.type).toBe('failed');
    expect((refused as Extract<JobEvent, { type: 'failed' }>).error).toMatchObject({ code: 'exists' });
  });
});

describe('jobs.saveArchive after a crash', () => {
  it('sweeps the temporary a killed save of the same file left beside it (and only that), then writes the archive', async () => {
    const dir = join(work, 'crashed-archive');
    await mkdir(dir);
    const file = join(dir, 'app.tar');
    // What a save killed mid-write leaves: the archive's temporary, named for a process of this host that has gone.
    const me = thisOwner();
    const gone = formatOwner({ ...me, start: me.start === '1' ? '2' : '1' });
    const stale = `.app.tar${TEMP_MARKER}${gone}-0123abcd`;
    const someoneElses = `.other.tar${TEMP_MARKER}${gone}-0123abcd`;
    await writeFile(join(dir, stale), 'half an archive');
    await writeFile(join(dir, someoneElses), 'half of another archive');
    const started = await app.ok('jobs.saveArchive', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      file,
      format: 'oci',
    });
    expect((await app.finished(started.jobId)).type).toBe('done');
    expect((await readdir(dir)).sort()).toEqual([someoneElses, 'app.tar']);
  });
});

describe('a download cut off half way', () => {
  it('resumes, and the job says so: which blob, from which byte (progress, and jobs.list after the end)', async () => {
    // The loopback stand-in: a registry whose layer drops its connection at half, once, and then honours Range.
    const server = await FaultServer.start();
    try {
      const image = makeImage(256 * 1024, 7);
      openRegistry(server);
      serveImage(server, 'app', 'v1', image);
      server.route('GET', `/v2/app/blobs/${image.layerDigest}`, dropsOnceThenRange(image.layer));
      const conn = await app.ok('connections.save', { name: 'flaky', host: server.host, plainHttp: true, authKind: 'anonymous' });
      const dir = join(work, 'flaky');
      await mkdir(dir);
      const started = await app.ok('jobs.saveLayers', { connectionId: conn.id, repository: 'app', reference: 'v1', targetDir: dir });
      const end = await app.finished(started.jobId);
      expect(end.type).toBe('done');
      const resumes = progressOf(app.eventsOf(started.jobId)).at(-1)!.progress.resumes;
      expect(resumes).toHaveLength(1);
      expect(resumes![0]).toMatchObject({ digest: image.layerDigest, size: image.layer.length, attempt: 1, restarted: false });
      expect(resumes![0]!.offset).toBeGreaterThan(0);
      expect(server.requests(`/v2/app/blobs/${image.layerDigest}`)[1]!.headers.range).toBe(`bytes=${resumes![0]!.offset}-`);
      const listed = (await app.ok('jobs.list', {})).find((j) => j.id === started.jobId)!;
      expect(listed.resumes).toEqual(resumes);
      expect(await readdir(dir)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
