/**
 * The files inside images, through the contract, against the real registry:
 * crafted images (whiteouts, opaque directories, hard links into lower
 * layers) pushed by skopeo. Listing before and after the index job (progress
 * per layer, joined when asked twice, cancelled), the listing's columns equal
 * to the library's listing, the disk cache reused by a second app and bounded,
 * previews and their caps, two tags compared, and "Save file or folder…" with
 * hostile paths refused.
 */
import { lstat, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FILE_INDEX_FOLDER } from '../../src-main/app/files';
import { headOf } from '../../src-main/app/file-listing';
import { readJournals } from '../../src-main/app/job-journal';
import { createClient, listImageFiles, type ImageFiles } from '../../src-main/registry/index';
import type { Connection, JobEvent } from '../../src-shared/contract';
import {
  CHANGE_KINDS,
  DIFF_CHANGES,
  FILE_TYPES,
  HEAD_ROWS,
  PREVIEW_HEX_BYTES,
  PREVIEW_TEXT_BYTES,
  type FileListing,
} from '../../src-shared/files';
import { FileTree } from '../../src-renderer/lib/file-tree';
import { makeTempDir } from '../harness/tmp';
import { pushMixedImage, type MixedLayout } from '../integration/extract-images';
import { COMPARISON_LAYERS } from '../integration/extract-specs';
import { COMPARISON_CHANGES, DIFF_A_CONFIG, DIFF_A_LAYERS, DIFF_B_CONFIG, DIFF_B_LAYERS, DIFF_FILES } from '../integration/files-specs';
import { connect, progressOf, startApp, type TestApp } from './helpers';
import { startSlowProxy, type SlowProxy } from './slow-proxy';

const lading = inject('lading');
const { anonymous } = lading.registries;
const REPOSITORY = 'lading-app-files';

/** 1.5 MiB of text whose 1 MiB cut falls inside a three-byte character. */
const BIG_TEXT = `${'a'.repeat(PREVIEW_TEXT_BYTES - 1)}€${'b'.repeat(PREVIEW_TEXT_BYTES / 2)}`;
const BINARY = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256));

let app: TestApp;
let work: string;
let anon: Connection;
let proxy: SlowProxy;
let comparison: MixedLayout;
let pairA: MixedLayout;
let pairB: MixedLayout;
let previews: MixedLayout;

const ref = (repository: string, reference: string, connection = anon) => ({
  connectionId: connection.id,
  repository: `${REPOSITORY}/${repository}`,
  reference,
});

async function libraryListing(layout: MixedLayout, repository: string): Promise<ImageFiles> {
  const client = createClient(anonymous.host, { insecure: true });
  try {
    return await listImageFiles(await client.withSegment(`${REPOSITORY}/${repository}`).getImage(layout.tag));
  } finally {
    await client.close();
  }
}

async function indexed(appUnderTest: TestApp, image: ReturnType<typeof ref>): Promise<FileListing> {
  const result = await appUnderTest.ok('files.list', image);
  if (!result.indexed) throw new Error('not indexed');
  return result.listing;
}

function done(end: JobEvent): asserts end is Extract<JobEvent, { type: 'done' }> {
  if (end.type !== 'done') throw new Error(`the job ended ${end.type}: ${JSON.stringify(end)}`);
}

async function folderBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size));
  return sizes.reduce((sum, s) => sum + s, 0);
}

beforeAll(async () => {
  app = await startApp();
  work = await makeTempDir('lading-app-files-');
  const layouts = join(work, 'layouts');
  [comparison, pairA, pairB, previews] = await Promise.all([
    pushMixedImage(join(layouts, 'comparison'), anonymous.host, `${REPOSITORY}/comparison`, COMPARISON_LAYERS),
    pushMixedImage(join(layouts, 'a'), anonymous.host, `${REPOSITORY}/pair`, DIFF_A_LAYERS, 'a', { containerConfig: DIFF_A_CONFIG }),
    pushMixedImage(join(layouts, 'b'), anonymous.host, `${REPOSITORY}/pair`, DIFF_B_LAYERS, 'b', { containerConfig: DIFF_B_CONFIG }),
    pushMixedImage(join(layouts, 'previews'), anonymous.host, `${REPOSITORY}/previews`, [
      {
        createdBy: 'COPY previews /',
        compression: 'none',
        raw: [
          { name: 'small.txt', content: 'hello, files\nsecond line\n' },
          { name: 'big.txt', content: BIG_TEXT },
          { name: 'data.bin', content: BINARY },
          { name: 'empty', content: '' },
          { name: 'latin1.txt', content: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) },
        ],
      },
    ]),
  ]);
  anon = await connect(app, anonymous, 'anonymous', 'anonymous');
  // 24 KiB/s: the comparison image's 300 KiB base layer takes seconds.
  proxy = await startSlowProxy(anonymous.host, 24 * 1024);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await proxy?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('files.list and jobs.indexFiles', () => {
  let listing: FileListing;
  let expected: ImageFiles;

  it('says an image is not indexed yet, then indexes it with progress per layer', async () => {
    const image = ref('comparison', comparison.tag);
    const before = await app.ok('files.list', image);
    expect(before).toEqual({
      indexed: false,
      digest: comparison.manifestDigest,
      layers: comparison.layers.map((l) => ({ digest: l.digest, size: l.size })),
    });
    const started = await app.ok('jobs.indexFiles', { images: [image] });
    expect(started).toMatchObject({
      kind: 'indexFiles',
      title: expect.stringContaining(`Index files of ${anonymous.host}/${REPOSITORY}/comparison:v1`),
    });
    const end = await app.finished(started.jobId);
    done(end);
    expect(end.result).toMatchObject({ kind: 'indexFiles', images: [{ digest: comparison.manifestDigest }] });
    const progress = progressOf(app.eventsOf(started.jobId));
    const total = comparison.layers.reduce((n, l) => n + l.size, 0);
    expect(progress.at(-1)!.progress).toMatchObject({ bytesDone: total, bytesTotal: total });
    expect(progress.at(-1)!.progress.blobs.map((b) => [b.digest, b.state])).toEqual(comparison.layers.map((l) => [l.digest, 'done']));
    listing = await indexed(app, image);
    expected = await libraryListing(comparison, 'comparison');
    expect(end.result.kind === 'indexFiles' && end.result.images[0]?.entries).toBe(expected.entries.length);
  });

  it('the listing travels as columns that give back the library listing, field by field', () => {
    const tree = new FileTree(listing);
    expect(listing.count).toBe(expected.entries.length);
    const paths = Array.from({ length: tree.count }, (_, i) => tree.path(i));
    expect(paths).toEqual(expected.entries.map((e) => e.path));
    expected.entries.forEach((e, i) => {
      expect(
        {
          type: tree.type(i),
          size: tree.size(i),
          mode: listing.modes[i],
          uid: listing.uids[i],
          layer: listing.layers[i],
          link: tree.link(i),
        },
        e.path,
      ).toEqual({
        type: e.type,
        size: e.size,
        mode: e.mode,
        uid: e.uid,
        layer: e.layer,
        link: e.linkname,
      });
    });
    expect(listing.wastedBytes).toBe(expected.wastedBytes);
    expect(listing.wastedBytes).toBeGreaterThan(0);
    expect(listing.totalBytes).toBe(expected.entries.filter((e) => e.type === 'file').reduce((n, e) => n + e.size, 0));
    expect(listing.layerChanges.map((l) => [l.digest, l.size])).toEqual(comparison.layers.map((l) => [l.digest, l.size]));
  });

  it("each layer's changes, deleted paths included, as the library made them, and marked in the tree", () => {
    const tree = new FileTree(listing);
    for (const [i, layer] of expected.layers.entries()) {
      const columns = listing.layerChanges[i]!;
      let own = 0;
      const decoded = columns.entries.map((entry, c) => ({
        path: entry >= 0 ? tree.path(entry) : columns.paths[own++],
        type: FILE_TYPES[columns.types[c]!],
        size: columns.sizes[c],
        change: CHANGE_KINDS[columns.kinds[c]!],
      }));
      expect(decoded, `layer ${i + 1}`).toEqual(layer.changes);
      expect(columns).toMatchObject({ addedBytes: layer.addedBytes, fileCount: layer.fileCount });
    }
    // Worked out by hand (files-specs.ts): layer 2 deleted etc/gone and the whole of gonedir.
    const marks = tree.layerMarks(1)!;
    expect(marks.ghosts.map((g) => g.path)).toEqual(
      COMPARISON_CHANGES[1]!.filter((c) => c.change === 'deleted' && !expected.entries.some((e) => e.path === c.path)).map((c) => c.path),
    );
    const rows = tree.rows({ collapsed: new Uint8Array(tree.count), filter: '', marks, changesOnly: true });
    const shown = Array.from(rows.nodes.subarray(0, rows.length), (n) => tree.path(n, marks));
    expect(shown).toContain('etc/gone');
    expect(shown).toContain('gonedir/x/y');
    expect(shown).not.toContain('data/blob.bin');
  });

  it('a second app on the same data folder opens it from the disk cache, without a job', async () => {
    const second = await startApp({ dataDir: app.dataDir, keychainService: app.keychainService });
    try {
      const again = await indexed(second, ref('comparison', comparison.manifestDigest));
      expect(again).toEqual(listing);
      expect(second.events).toEqual([]);
    } finally {
      await second.close();
    }
    expect(await folderBytes(join(app.dataDir, FILE_INDEX_FOLDER))).toBeGreaterThan(0);
  });

  it('files.head: the start of the listing with the totals of the whole, from memory and from the disk cache alike', async () => {
    const image = ref('comparison', comparison.manifestDigest);
    const noChanges = { entries: [], paths: [], types: [], kinds: [], sizes: [] };
    const whole = {
      ...listing,
      layerChanges: listing.layerChanges.map((l) => ({ ...l, ...noChanges })),
      skipped: [],
      total: listing.count,
    };
    expect(listing.count).toBeLessThan(HEAD_ROWS);
    expect(await app.ok('files.head', image)).toEqual({ indexed: true, listing: whole });
    const second = await startApp({ dataDir: app.dataDir, keychainService: app.keychainService });
    try {
      expect(await second.ok('files.head', image)).toEqual({ indexed: true, listing: whole });
      expect(second.events).toEqual([]);
    } finally {
      await second.close();
    }
    expect(await app.ok('files.head', ref('pair', pairA.tag))).toMatchObject({ indexed: false, digest: pairA.manifestDigest });

    // Fewer rows than entries: the first entries (their link targets with them), a tree of them, the whole's totals.
    // Cut just after the first symlink or hard link, before the entries end.
    const rows = expected.entries.findIndex((e) => e.linkname !== undefined) + 1;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(listing.count);
    const head = headOf(listing, rows);
    const tree = new FileTree(head);
    expect(Array.from({ length: tree.count }, (_, i) => tree.path(i))).toEqual(expected.entries.slice(0, rows).map((e) => e.path));
    expect(Array.from({ length: tree.count }, (_, i) => tree.link(i))).toEqual(expected.entries.slice(0, rows).map((e) => e.linkname));
    expect(head).toMatchObject({ count: rows, total: listing.count, totalBytes: listing.totalBytes, wastedBytes: listing.wastedBytes });
    expect(headOf(head, 3)).toEqual(headOf(listing, 3));
  });

  it('a reopen by digest answers from memory without asking the registry; a tag, or another repository, still asks', async () => {
    const own = await startApp();
    const through = await startSlowProxy(anonymous.host, 64 * 1024 * 1024);
    try {
      const conn = await connect(own, { ...anonymous, host: through.host, url: `http://${through.host}` }, 'anonymous', 'proxied');
      const byDigest = ref('previews', previews.manifestDigest, conn);
      done(await own.finished((await own.ok('jobs.indexFiles', { images: [byDigest] })).jobId));
      const first = await indexed(own, byDigest);
      await through.close();
      expect(await indexed(own, byDigest)).toEqual(first);
      const byTag = await own.dispatcher.call('files.list', ref('previews', previews.tag, conn));
      expect(byTag.ok).toBe(false);
      const elsewhere = await own.dispatcher.call('files.list', { ...byDigest, repository: `${REPOSITORY}/pair` });
      expect(elsewhere.ok).toBe(false);
    } finally {
      await through.close();
      await own.close();
    }
  }, 60_000);

  it('a cache that can keep nothing: the job still gives the listing (kept in memory), and the folder stays under its bound', async () => {
    const tiny = await startApp({ fileIndexMaxBytes: 2048 });
    try {
      const conn = await connect(tiny, anonymous, 'anonymous');
      const image = ref('comparison', comparison.tag, conn);
      const end = await tiny.finished((await tiny.ok('jobs.indexFiles', { images: [image] })).jobId);
      done(end);
      expect((await indexed(tiny, image)).count).toBe(expected.entries.length);
      expect(await folderBytes(join(tiny.dataDir, FILE_INDEX_FOLDER))).toBeLessThanOrEqual(2048);
    } finally {
      await tiny.close();
    }
  });

  it('asked twice while it runs, the same job answers; cancelled, it keeps no listing', async () => {
    // An app of its own: this one's cache already has the layers.
    const fresh = await startApp();
    try {
      const conn = await connect(fresh, { ...anonymous, host: proxy.host, url: `http://${proxy.host}` }, 'anonymous', 'slow');
      const viaSlow = ref('comparison', comparison.tag, conn);
      const first = await fresh.ok('jobs.indexFiles', { images: [viaSlow] });
      const second = await fresh.ok('jobs.indexFiles', { images: [viaSlow] });
      expect(second.jobId).toBe(first.jobId);
      await expect
        .poll(() => progressOf(fresh.eventsOf(first.jobId)).some((e) => e.progress.bytesDone > 0), { timeout: 20_000 })
        .toBe(true);
      const cancelled = await fresh.ok('jobs.cancel', { jobId: first.jobId });
      expect(cancelled.state).toBe('cancelled');
      expect(await fresh.ok('files.list', viaSlow)).toMatchObject({ indexed: false });
      const names = await readdir(join(fresh.dataDir, FILE_INDEX_FOLDER)).catch(() => [] as string[]);
      expect(names.filter((n) => n.startsWith('view-'))).toEqual([]);
      const third = await fresh.ok('jobs.indexFiles', { images: [viaSlow] });
      expect(third.jobId).not.toBe(first.jobId);
      await fresh.ok('jobs.cancel', { jobId: third.jobId });
    } finally {
      await fresh.close();
    }
  }, 60_000);
});

describe('files.read: previews', () => {
  const image = () => ref('previews', previews.manifestDigest);

  beforeAll(async () => {
    done(await app.finished((await app.ok('jobs.indexFiles', { images: [image()] })).jobId));
  });

  it('a text file whole; a long one cut at 1 MiB (never inside a character) and said so', async () => {
    expect(await app.ok('files.read', { ...image(), path: 'small.txt' })).toEqual({
      path: 'small.txt',
      kind: 'text',
      text: 'hello, files\nsecond line\n',
      truncated: false,
    });
    const big = await app.ok('files.read', { ...image(), path: 'big.txt' });
    if (big.kind !== 'text') throw new Error('big.txt is text');
    expect(big.truncated).toBe(true);
    expect(big.text).toBe('a'.repeat(PREVIEW_TEXT_BYTES - 1));
    expect(await app.ok('files.read', { ...image(), path: 'empty' })).toMatchObject({ kind: 'text', text: '', truncated: false });
  });

  it('bytes that are not UTF-8, or hold NULs: binary, with the first 4 KiB as base64', async () => {
    const binary = await app.ok('files.read', { ...image(), path: 'data.bin' });
    if (binary.kind !== 'binary') throw new Error('data.bin is binary');
    expect(Buffer.from(binary.head, 'base64')).toEqual(BINARY.subarray(0, PREVIEW_HEX_BYTES));
    expect(binary.truncated).toBe(true);
    expect(await app.ok('files.read', { ...image(), path: 'latin1.txt' })).toEqual({
      path: 'latin1.txt',
      kind: 'binary',
      head: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]).toString('base64'),
      truncated: false,
    });
  });

  it('hard links read as their content; folders, deleted and missing paths are refused, naming the path', async () => {
    await app.ok('jobs.indexFiles', { images: [ref('comparison', comparison.manifestDigest)] });
    const c = (path: string) => ({ ...ref('comparison', comparison.manifestDigest), path });
    expect(await app.ok('files.read', c('pair2/second'))).toMatchObject({
      kind: 'text',
      text: 'first name replaced later, second keeps this\n',
    });
    expect(await app.fail('files.read', c('etc'))).toMatchObject({
      code: 'invalid-input',
      message: 'etc is a directory, not a regular file',
    });
    expect(await app.fail('files.read', c('etc/gone'))).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/^etc\/gone was deleted by layer 2/),
    });
    expect(await app.fail('files.read', c('no/such'))).toMatchObject({ code: 'not-found', message: 'no/such is not in the image' });
  });

  it('a path is a path inside the image: .., absolute, empty segments and NUL are refused before anything runs', async () => {
    const base = ref('comparison', comparison.manifestDigest);
    for (const [path, message] of [
      ['../../etc/passwd', /Path must not contain "\.\." segments/],
      ['/etc/passwd', /relative to the image's root/],
      ['etc//keep', /empty or "\." segments/],
      ['etc/./keep', /empty or "\." segments/],
      ['etc/keep\0', /NUL/],
      ['', /Path is required/],
    ] as const) {
      expect(await app.fail('files.read', { ...base, path }), JSON.stringify(path)).toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(message),
      });
    }
  });
});

describe('files.diff: two tags compared', () => {
  it('says which are not indexed; one job indexes both; the diff then matches the crafted images entry by entry', async () => {
    const a = ref('pair', 'a');
    const b = ref('pair', 'b');
    expect(await app.ok('files.diff', { a, b })).toEqual({ indexed: false, missing: ['a', 'b'] });
    const started = await app.ok('jobs.indexFiles', { images: [a, b] });
    expect(started.title).toMatch(/^Compare files of .*pair:a and .*pair:b$/);
    done(await app.finished(started.jobId));
    const result = await app.ok('files.diff', { a, b });
    if (!result.indexed) throw new Error('not indexed');
    const { diff } = result;
    expect(diff).toMatchObject({ digestA: pairA.manifestDigest, digestB: pairB.manifestDigest, shared: [pairA.layers[0]!.digest] });
    expect(diff.onlyA).toEqual([pairA.layers[1]!.digest]);
    expect(diff.onlyB).toEqual([pairB.layers[1]!.digest]);
    expect(diff.config.map((c) => c.field).sort()).toEqual(['entrypoint', 'env', 'exposedPorts', 'labels', 'user']);
    const { files } = diff;
    const rows = files.paths.map((path, i) => ({
      path,
      change: DIFF_CHANGES[files.changes[i]!],
      a: files.typesA[i]! < 0 ? undefined : { type: FILE_TYPES[files.typesA[i]!], size: files.sizesA[i] },
      b: files.typesB[i]! < 0 ? undefined : { type: FILE_TYPES[files.typesB[i]!], size: files.sizesB[i] },
    }));
    const expectedRows = [
      ...DIFF_FILES.added.map((f) => ({ path: f.path, change: 'added', a: undefined, b: { type: f.type, size: f.size } })),
      ...DIFF_FILES.removed.map((f) => ({ path: f.path, change: 'removed', a: { type: f.type, size: f.size }, b: undefined })),
      ...DIFF_FILES.changed.map((f) => ({ path: f.path, change: 'changed', a: f.a, b: f.b })),
    ].sort((x, y) => (x.path < y.path ? -1 : 1));
    expect(rows).toEqual(expectedRows);
    // Each image alone is indexed too (the Files tab opens them at once).
    expect(await app.ok('files.list', a)).toMatchObject({ indexed: true });
  });
});

describe('jobs.saveFiles', () => {
  const image = () => ref('comparison', comparison.manifestDigest);

  it('saves one file under its own name, with its mode and content', async () => {
    const dir = join(work, 'save-file');
    const started = await app.ok('jobs.saveFiles', { ...image(), path: 'etc/replaced', targetDir: dir });
    expect(started.title).toContain('Save etc/replaced of');
    const end = await app.finished(started.jobId);
    done(end);
    expect(end.result).toMatchObject({
      kind: 'saveFiles',
      path: dir,
      imagePath: 'etc/replaced',
      savedAs: 'replaced',
      entries: 1,
      bytesWritten: 25,
      skipped: [],
    });
    expect(await readdir(dir)).toEqual(['replaced']);
    expect(await readFile(join(dir, 'replaced'), 'utf8')).toBe('new content from layer 2\n');
    expect((await lstat(join(dir, 'replaced'))).mode & 0o7777).toBe(0o640);
  });

  it('saves a folder and everything in it (a hard link whose target is outside gets the content)', async () => {
    const dir = join(work, 'save-folder');
    const end = await app.finished((await app.ok('jobs.saveFiles', { ...image(), path: 'usr', targetDir: dir })).jobId);
    done(end);
    expect(await readdir(join(dir, 'usr', 'bin'))).toEqual(['exec-link']);
    expect(await readFile(join(dir, 'usr', 'bin', 'exec-link'), 'utf8')).toBe('#!/bin/sh\n');
  });

  it('while it runs it is in the journal of running jobs, its temporaries placed beside the target folder; cancelled, nothing stays', async () => {
    const fresh = await startApp();
    try {
      const conn = await connect(fresh, { ...anonymous, host: proxy.host, url: `http://${proxy.host}` }, 'anonymous', 'slow');
      const dir = join(work, 'save-slow');
      const started = await fresh.ok('jobs.saveFiles', {
        ...ref('comparison', comparison.manifestDigest, conn),
        path: 'data',
        targetDir: dir,
      });
      const running = async () => (await readJournals(fresh.dataDir, () => undefined)).flatMap((j) => j.jobs);
      await expect.poll(async () => (await running()).map((j) => j.jobId), { timeout: 20_000 }).toEqual([started.jobId]);
      expect((await running())[0]).toMatchObject({ kind: 'saveFiles', places: [{ dir: work, names: ['save-slow'] }] });
      await expect
        .poll(() => progressOf(fresh.eventsOf(started.jobId)).some((e) => e.progress.bytesDone > 0), { timeout: 20_000 })
        .toBe(true);
      expect((await fresh.ok('jobs.cancel', { jobId: started.jobId })).state).toBe('cancelled');
      await expect.poll(running).toEqual([]);
      await expect.poll(async () => (await readdir(work)).filter((n) => n.includes('save-slow'))).toEqual([]);
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('refuses hostile paths and targets before a job starts, and fails a path the image does not have without leaving anything', async () => {
    for (const [input, message] of [
      [{ path: '../../etc/passwd', targetDir: join(work, 'x') }, /path: Path must not contain "\.\." segments/],
      [{ path: '/etc/passwd', targetDir: join(work, 'x') }, /path: Path must be relative/],
      [{ path: 'etc/keep', targetDir: 'relative/dir' }, /targetDir: Path must be absolute/],
      [{ path: 'etc/keep', targetDir: `${work}/../escape` }, /targetDir: Path must not contain "\.\." segments/],
    ] as const) {
      expect(await app.fail('jobs.saveFiles', { ...image(), ...input })).toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(message),
      });
    }
    const dir = join(work, 'save-missing');
    const end = await app.finished((await app.ok('jobs.saveFiles', { ...image(), path: 'etc/gone', targetDir: dir })).jobId);
    expect(end).toMatchObject({ type: 'failed', error: { code: 'not-found', message: 'etc/gone is not in the image' } });
    expect(await readdir(work)).not.toContain('save-missing');
    const taken = await app.finished(
      (await app.ok('jobs.saveFiles', { ...image(), path: 'etc/keep', targetDir: join(work, 'save-file') })).jobId,
    );
    expect(taken).toMatchObject({ type: 'failed', error: { code: 'exists' } });
    expect(await readdir(join(work, 'save-file'))).toEqual(['replaced']);
  });
});
