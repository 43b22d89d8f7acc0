/**
 * jobs.openFolder: main shows a finished job's folder in the file manager.
 * The page names only the job; the path comes from the job's own result, so
 * a page cannot make main open (and so run) an arbitrary path. The web
 * bridge's opener is exercised for real with an `xdg-open` stand-in script on
 * PATH (the real one would pop up a file manager) and with none at all.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import { openFolderWith } from '../../src-main/web/open-folder';
import { makeTempDir } from '../harness/tmp';
import { connect, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { ociImage } = lading.fixtures;

let work: string;
let opened: string[];
let app: TestApp;
let bare: TestApp;
let anon: Connection;

beforeAll(async () => {
  work = await makeTempDir('lading-open-folder-');
  opened = [];
  app = await startApp({ openFolder: async (path) => void opened.push(path) });
  bare = await startApp();
  anon = await connect(app, lading.registries.anonymous, 'anonymous');
});

afterAll(async () => {
  await app?.close();
  await bare?.close();
  await rm(work, { recursive: true, force: true });
});

describe('jobs.openFolder', () => {
  it("opens the folder a finished extract wrote, taken from the job's result", async () => {
    const dir = join(work, 'rootfs');
    const started = await app.ok('jobs.extract', {
      connectionId: anon.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    expect((await app.finished(started.jobId)).type).toBe('done');
    expect(await app.ok('jobs.openFolder', { jobId: started.jobId })).toEqual({ path: dir });
    expect(opened).toEqual([dir]);
  });

  it('takes no path from the caller', async () => {
    const err = await app.fail('jobs.openFolder', { jobId: 'job-0000000000000000', path: '/bin' });
    expect(err.code).toBe('invalid-input');
    expect(opened).not.toContain('/bin');
  });

  it('an unknown job is not found', async () => {
    expect((await app.fail('jobs.openFolder', { jobId: 'job-0123456789abcdef' })).code).toBe('not-found');
  });

  it('a host that cannot open folders says so and gives the path', async () => {
    const conn = await connect(bare, lading.registries.anonymous, 'anonymous');
    const dir = join(work, 'bare-rootfs');
    const started = await bare.ok('jobs.extract', {
      connectionId: conn.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: dir,
    });
    expect((await bare.finished(started.jobId)).type).toBe('done');
    const err = await bare.fail('jobs.openFolder', { jobId: started.jobId });
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain(dir);
  });
});

describe("the web bridge's opener", () => {
  it('hands the folder to xdg-open', async () => {
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const record = join(work, 'xdg-open.log');
    await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`);
    await chmod(join(bin, 'xdg-open'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      await openFolderWith('linux')('/some/folder');
    } finally {
      process.env.PATH = path;
    }
    await expect.poll(() => readFile(record, 'utf8').catch(() => ''), { timeout: 5000 }).toBe('/some/folder');
  });

  it('without xdg-open: a clear error naming the package and the folder', async () => {
    const empty = join(work, 'empty-bin');
    await mkdir(empty, { recursive: true });
    const path = process.env.PATH;
    process.env.PATH = empty;
    try {
      const err = await openFolderWith('linux')('/some/folder').catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/xdg-open is not installed.*xdg-utils.*\/some\/folder/);
    } finally {
      process.env.PATH = path;
    }
  });
});
