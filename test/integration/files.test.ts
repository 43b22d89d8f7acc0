/**
 * listImageFiles, readImageFile, diffImages and FileIndexCache against the
 * real thing: images pushed by skopeo to the harness's distribution registry
 * and read back by Lading. The flattened listing is compared with what
 * `umoci unpack --rootless` writes for the same OCI layout (paths, types,
 * sizes, modes, mtimes, symlink targets, content hashes, shared inodes); what
 * each layer changed, and the diff of two crafted images, with lists worked
 * out by hand.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  diffImages,
  DigestMismatchError,
  FileDeletedError,
  FileIndexCache,
  FileNotInImageError,
  ImageFileError,
  listCachedImageFilesHead,
  listImageFiles,
  NotARegularFileError,
  readImageFile,
  type Image,
  type ImageFileEntry,
  type ImageFiles,
  type IndexProgress,
} from '../../src-main/registry/index';
import { encodeView, viewKey, ViewReader } from '../../src-main/registry/files/view-format';
import { makeTempDir } from '../harness/tmp.js';
import { requireTool, runRaw } from '../harness/tools.js';
import { pushMixedImage, type MixedLayout } from './extract-images.js';
import { COMPARISON_LAYERS, COMPARISON_PATHS } from './extract-specs.js';
import { diffTrees, readTree, type Tree, type TreeNode } from './extract-tree.js';
import { COMPARISON_CHANGES, DIFF_A_CONFIG, DIFF_A_LAYERS, DIFF_B_CONFIG, DIFF_B_LAYERS, DIFF_FILES } from './files-specs.js';
import { runJsonChild } from './json-child';
import { ClientPool, numberedFolders, probeLayers, readStream, sha256OfStream } from './registry-support';

const lading = inject('lading');
const { host } = lading.registries.anonymous;
const REPOSITORY = 'lading-files';
const CHILD_SCRIPT = fileURLToPath(new URL('./files-child.ts', import.meta.url));
const pool = new ClientPool();

let root: string;
let umociRootfs: string;
let umociTree: Tree;
let comparison: MixedLayout;
let diffA: MixedLayout;
let diffB: MixedLayout;
let partial: MixedLayout;
/** The comparison image listed once, without a cache: what every other listing must equal. */
let listed: ImageFiles;

const PARTIAL_BIG_BYTES = 8 * 1024 * 1024;

function imageOf(layout: MixedLayout, name: string): Promise<Image> {
  return pool.open(host).withSegment(REPOSITORY, name).getImage(layout.tag);
}

const newFolder = numberedFolders(() => root);

function cachePath(dir: string, digest: string): string {
  return join(dir, `${digest.replace(':', '-')}.idx`);
}

function viewPath(dir: string, key: string): string {
  return join(dir, `view-${key.slice('sha256:'.length)}.idx`);
}

async function cacheBytes(dir: string): Promise<{ names: string[]; bytes: number }> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.idx'));
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size));
  return { names, bytes: sizes.reduce((sum, s) => sum + s, 0) };
}

/** The listing in the shape extract-tree.ts gives a directory on disk. */
function treeOf(entries: ImageFileEntry[]): Tree {
  const nodes = new Map<string, TreeNode>();
  const names = new Map<string, string[]>();
  for (const e of entries) {
    const base = { mode: e.mode, mtime: Math.floor(Date.parse(e.mtime) / 1000) };
    switch (e.type) {
      case 'file':
      case 'hardlink':
        nodes.set(e.path, { type: 'file', ...base, ...(e.sha256 ? { sha256: e.sha256 } : {}) });
        break;
      case 'directory':
        nodes.set(e.path, { type: 'dir', ...base });
        break;
      case 'symlink':
        nodes.set(e.path, { type: 'symlink', ...base, mode: 0, ...(e.linkname !== undefined ? { target: e.linkname } : {}) });
        break;
      case 'other':
        nodes.set(e.path, { type: 'other', ...base });
        break;
    }
    if (e.type === 'hardlink' && e.linkname) names.set(e.linkname, [...(names.get(e.linkname) ?? [e.linkname]), e.path]);
  }
  const hardlinkGroups = [...names.values()].map((g) => g.sort()).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
  return { nodes, hardlinkGroups };
}

beforeAll(async () => {
  const umoci = requireTool('umoci', 'umoci');
  root = await makeTempDir('lading-files-');
  const layouts = join(root, '00-layouts');
  [comparison, diffA, diffB, partial] = await Promise.all([
    pushMixedImage(join(layouts, 'comparison'), host, `${REPOSITORY}/comparison`, COMPARISON_LAYERS),
    pushMixedImage(join(layouts, 'diff-a'), host, `${REPOSITORY}/diff-a`, DIFF_A_LAYERS, 'v1', { containerConfig: DIFF_A_CONFIG }),
    pushMixedImage(join(layouts, 'diff-b'), host, `${REPOSITORY}/diff-b`, DIFF_B_LAYERS, 'v1', { containerConfig: DIFF_B_CONFIG }),
    pushMixedImage(join(layouts, 'partial'), host, `${REPOSITORY}/partial`, [
      {
        createdBy: 'COPY small.txt big.bin /',
        compression: 'none',
        // A plain tar, so the compressed bytes read say exactly how far into the layer the reader went.
        raw: [
          { name: 'small.txt', content: 'first in its layer\n' },
          { name: 'big.bin', content: randomBytes(PARTIAL_BIG_BYTES) },
        ],
      },
      { createdBy: 'COPY top.txt /', entries: [{ path: 'top.txt', type: 'file', content: 'top\n' }] },
    ]),
  ]);
  const bundle = join(await newFolder('umoci'), 'bundle');
  await runRaw(umoci, ['unpack', '--rootless', '--image', `${comparison.dir}:${comparison.tag}`, bundle]);
  umociRootfs = join(bundle, 'rootfs');
  umociTree = await readTree(umociRootfs);
  listed = await listImageFiles(await imageOf(comparison, 'comparison'));
}, 180_000);

afterAll(async () => {
  await pool.closeAll();
  if (root) {
    await runRaw('chmod', ['-R', 'u+rwX', root]).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
});

describe('listImageFiles: the flattened filesystem', () => {
  it('lists what umoci unpack --rootless writes: paths, types, modes, mtimes, contents, symlink targets, shared inodes', async () => {
    // Guards the comparison: two empty trees would agree too.
    expect([...umociTree.nodes.keys()].sort()).toEqual([...COMPARISON_PATHS].sort());
    expect(listed.entries.map((e) => e.path)).toEqual([...COMPARISON_PATHS].sort());
    expect(diffTrees(umociTree, treeOf(listed.entries), { mtimes: true })).toEqual([]);
    expect(treeOf(listed.entries).hardlinkGroups).toEqual([['hl/from-layer-3', 'hl/twin']]);
    expect(listed.skipped).toEqual([]);
  });

  it('gives each regular file the size umoci wrote, and everything else size 0', async () => {
    for (const entry of listed.entries) {
      const info = await lstat(join(umociRootfs, entry.path));
      expect(entry.size, entry.path).toBe(info.isFile() ? info.size : 0);
    }
  });

  it('says which layer last wrote each path, and what the image says of owners and links', () => {
    const byPath = new Map(listed.entries.map((e) => [e.path, e]));
    expect(byPath.get('etc/keep')).toMatchObject({ type: 'file', layer: 0, uid: 0, gid: 0, mode: 0o644 });
    expect(byPath.get('etc/replaced')).toMatchObject({ type: 'file', layer: 1, mode: 0o640, size: 25 });
    expect(byPath.get('opt/app/bin')).toMatchObject({ type: 'directory', layer: 1 });
    expect(byPath.get('var/lib/state')).toMatchObject({ type: 'file', layer: 1 });
    expect(byPath.get('links/absolute')).toMatchObject({ type: 'symlink', linkname: '/etc/keep', size: 0 });
    // hl/orig, the name both links were made to, is deleted by layer 4: one of them becomes the file.
    expect(byPath.get('hl/from-layer-3')).toMatchObject({ type: 'file', layer: 2 });
    expect(byPath.get('hl/twin')).toMatchObject({ type: 'hardlink', linkname: 'hl/from-layer-3', layer: 0 });
    // Links whose target was deleted or replaced keep the content they were made with.
    expect(byPath.get('usr/bin/exec-link')).toMatchObject({ type: 'file', layer: 2, size: 10, mode: 0o755 });
    expect(byPath.get('pair2/second')).toMatchObject({ type: 'file', layer: 0 });
    expect(byPath.get('dot-prefixed')).toMatchObject({ type: 'file', layer: 2, mtime: '2023-05-06T07:08:09.000Z' });
  });

  it('lists what each layer added, modified and deleted, every path below a deleted directory included', () => {
    expect(listed.layers.map((l) => l.digest)).toEqual(comparison.layers.map((l) => l.digest));
    const first = listed.layers[0]!;
    expect(first.changes.every((c) => c.change === 'added')).toBe(true);
    const layerOne = listed.layers[0]!.changes.map((c) => c.path);
    for (const path of ['etc/gone', 'gonedir/x/y', 'etc/conf.d/sub/deep.conf', 'hl/orig', 'var/lib/state/db', 'opt/app/bin']) {
      expect(layerOne).toContain(path);
    }
    for (const [i, expected] of COMPARISON_CHANGES.entries()) {
      if (i === 0) continue;
      const actual = listed.layers[i]!.changes.map(({ path, type, change }) => ({ path, type, change }));
      expect(actual, `layer ${i + 1}`).toEqual(expected);
    }
    const byPath = new Map(listed.layers[1]!.changes.map((c) => [c.path, c]));
    expect(byPath.get('etc/gone')?.size).toBe('whited out by layer 2\n'.length);
    expect(byPath.get('etc/replaced')?.size).toBe('new content from layer 2\n'.length);
  });

  it("counts each layer's files and content bytes, and the bytes later layers made useless", () => {
    const fileBytes = (texts: string[]) => texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    expect(listed.layers.map((l) => l.fileCount)).toEqual([23, 5, 3, 2]);
    expect(listed.layers[3]!.addedBytes).toBe(fileBytes(['new first from layer 4\n', '#!/bin/sh\necho replaced\n']));
    // Gone from the result: etc/gone, etc/replaced (old), a.conf, b.conf, deep.conf, gonedir/x/y, opt/app/bin (file),
    // var/lib/state/db, and data/exec's first content (still named by usr/bin/exec-link, so not wasted).
    expect(listed.wastedBytes).toBe(
      fileBytes([
        'whited out by layer 2\n',
        'old content\n',
        'a\n',
        'b\n',
        'deep\n',
        'in a directory deleted later\n',
        'a file that becomes a directory\n',
        'a directory that becomes a file\n',
      ]),
    );
  });

  it('reports progress per layer, ending with every byte', async () => {
    const events: IndexProgress[] = [];
    await listImageFiles(await imageOf(comparison, 'comparison'), { onProgress: (p) => events.push(p) });
    const total = comparison.layers.reduce((n, l) => n + l.size, 0);
    expect(events.length).toBeGreaterThanOrEqual(comparison.layers.length);
    expect(events.map((e) => e.layer).filter((l, i, all) => all.indexOf(l) === i)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
    expect(events.at(-1)).toEqual({ layer: 3, layers: 4, bytesDone: total, bytesTotal: total });
  });
});

describe('readImageFile', () => {
  let cache: FileIndexCache;
  beforeAll(async () => {
    cache = new FileIndexCache(await newFolder('read-cache'));
  });

  it('gives every regular file exactly as umoci wrote it (hard links and links whose target is gone included)', async () => {
    const image = await imageOf(comparison, 'comparison');
    const files = [...umociTree.nodes].filter(([, node]) => node.type === 'file');
    expect(files.length).toBeGreaterThan(15);
    for (const [path] of files) {
      const got = await sha256OfStream(await readImageFile(image, path, { cache }));
      const want = await readFile(join(umociRootfs, path));
      expect(got, path).toEqual({ digest: `sha256:${umociTree.nodes.get(path)?.sha256}`, size: want.length });
    }
    const text = async (path: string) => (await readFile(join(umociRootfs, path))).toString();
    expect((await readStream(await readImageFile(image, 'pair2/second', { cache }))).toString()).toBe(await text('pair2/second'));
  });

  it('takes a path with a leading / or ./ as the image path', async () => {
    const image = await imageOf(comparison, 'comparison');
    for (const path of ['/etc/keep', './etc/keep', 'etc//keep', 'links/../etc/keep']) {
      expect((await readStream(await readImageFile(image, path, { cache }))).toString(), path).toBe('kept from layer 1\n');
    }
  });

  it('refuses a deleted file, naming the path and the layer that deleted it', async () => {
    const image = await imageOf(comparison, 'comparison');
    const cases: [string, number][] = [
      ['etc/gone', 1],
      ['gonedir/x/y', 1],
      ['etc/conf.d/a.conf', 1],
      ['var/lib/state/db', 1],
      ['hl/orig', 3],
      ['pair/first', 3],
    ];
    for (const [path, layer] of cases) {
      const failure = await readImageFile(image, path, { cache }).catch((err: unknown) => err);
      expect(failure, path).toBeInstanceOf(FileDeletedError);
      expect(failure).toBeInstanceOf(ImageFileError);
      expect(failure).toMatchObject({ path, layer, digest: comparison.layers[layer]?.digest });
      expect((failure as Error).message).toContain(path);
    }
    // Without a cache the view is made in memory, and answers the same.
    await expect(readImageFile(image, 'gonedir/x/y')).rejects.toMatchObject({ name: 'FileDeletedError', layer: 1 });
    await expect(readImageFile(image, 'links')).rejects.toMatchObject({ name: 'NotARegularFileError', type: 'directory' });
  });

  it('refuses a directory, a symlink and a missing path, naming the path', async () => {
    const image = await imageOf(comparison, 'comparison');
    const refusal = async (path: string): Promise<ImageFileError> => {
      try {
        await readImageFile(image, path, { cache });
      } catch (err) {
        return err as ImageFileError;
      }
      throw new Error(`${path} was read`);
    };
    expect(await refusal('etc')).toMatchObject({ name: 'NotARegularFileError', path: 'etc', type: 'directory' });
    expect(await refusal('links/relative')).toMatchObject({ name: 'NotARegularFileError', path: 'links/relative', type: 'symlink' });
    expect((await refusal('links/relative')).message).toMatch(/links\/relative is a symlink \(to \.\.\/etc\/keep\)/);
    expect(await refusal('no/such/file')).toBeInstanceOf(FileNotInImageError);
    expect((await refusal('no/such/file')).message).toBe('no/such/file is not in the image');
    // Below a symlink is not a path of the image.
    expect(await refusal('links/to-be-dir/file/x')).toBeInstanceOf(FileNotInImageError);
    expect(await refusal('/')).toBeInstanceOf(NotARegularFileError);
  });

  it('reads only the layer that holds the file, and stops there', async () => {
    await listImageFiles(await imageOf(partial, 'partial'), { cache });
    const image = await imageOf(partial, 'partial');
    const reads = probeLayers(image);
    const content = await readStream(await readImageFile(image, 'small.txt', { cache }));
    expect(content.toString()).toBe('first in its layer\n');
    expect(reads.opens).toEqual([1, 0]);
    // The 8 MiB file after it was not read (what is in flight when the layer is closed aside).
    expect(reads.bytes[0]).toBeLessThan(2 * 1024 * 1024);
    expect(partial.layers[0]!.size).toBeGreaterThan(PARTIAL_BIG_BYTES);

    const big = await sha256OfStream(await readImageFile(image, 'big.bin', { cache }));
    expect(big.size).toBe(PARTIAL_BIG_BYTES);
  });

  it('checks the content against the index: a file that differs fails with DigestMismatchError', async () => {
    const dir = await newFolder('lying-cache');
    const lying = new FileIndexCache(dir);
    await listImageFiles(await imageOf(partial, 'partial'), { cache: lying });
    // A well-formed cache file whose hash for small.txt is wrong (as a bug or a tampered cache would have it).
    const key = viewKey(partial.layers.map((l) => l.digest));
    const view = new ViewReader(await readFile(viewPath(dir, key)), key).view();
    const at = view.files.entries.findIndex((e) => e.path === 'small.txt');
    view.files.entries[at] = { ...view.files.entries[at]!, sha256: 'ab'.repeat(32) };
    await writeFile(viewPath(dir, key), Buffer.concat(encodeView(key, view)));
    const stream = await readImageFile(await imageOf(partial, 'partial'), 'small.txt', { cache: lying });
    const failure = await readStream(stream).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect((failure as Error).message).toMatch(/small\.txt in layer sha256:[0-9a-f]{64} does not match the layer's file index/);
  });
});

describe('diffImages', () => {
  it('compares two crafted images: layers, config, and files entry by entry; the shared layer is read once', async () => {
    const a = await imageOf(diffA, 'diff-a');
    const b = await imageOf(diffB, 'diff-b');
    const readsA = probeLayers(a);
    const readsB = probeLayers(b);
    const diff = await diffImages(a, b);
    expect(readsA.opens[0]! + readsB.opens[0]!).toBe(1);
    expect([readsA.opens[1], readsB.opens[1]]).toEqual([1, 1]);
    expect(diff.layers).toEqual({
      shared: [diffA.layers[0]!.digest],
      onlyA: [diffA.layers[1]!.digest],
      onlyB: [diffB.layers[1]!.digest],
    });
    expect(diff.config).toEqual([
      { field: 'env', a: ['PATH=/usr/bin:/bin', 'MODE=a'], b: ['PATH=/usr/bin:/bin', 'MODE=b'] },
      { field: 'entrypoint', a: null, b: ['/bin/sh', '-c'] },
      { field: 'user', a: null, b: 'app' },
      { field: 'labels', a: { x: '1', y: '2' }, b: { y: '3', x: '1' } },
      { field: 'exposedPorts', a: ['80/tcp'], b: ['443/tcp', '80/tcp'] },
    ]);
    expect(diff.files).toEqual(DIFF_FILES);
    expect(diff.sizeA).toBe(diffA.layers.reduce((n, l) => n + l.size, 0));
    expect(diff.sizeB).toBe(diffB.layers.reduce((n, l) => n + l.size, 0));
  });

  it('an image compared with itself has no differences', async () => {
    const diff = await diffImages(await imageOf(diffA, 'diff-a'), await imageOf(diffA, 'diff-a'));
    expect(diff.config).toEqual([]);
    expect(diff.files).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.layers.onlyA).toEqual([]);
  });
});

describe('FileIndexCache', () => {
  it('reopens an image without reading a layer, also another image sharing its layers', async () => {
    const dir = await newFolder('reopen');
    const cache = new FileIndexCache(dir);
    await listImageFiles(await imageOf(comparison, 'comparison'), { cache });
    const image = await imageOf(comparison, 'comparison');
    const reads = probeLayers(image);
    const events: IndexProgress[] = [];
    expect(await listImageFiles(image, { cache, onProgress: (p) => events.push(p) })).toEqual(listed);
    expect(reads.opens).toEqual([0, 0, 0, 0]);
    expect(events.at(-1)).toMatchObject({ bytesDone: events.at(-1)?.bytesTotal });
    // Opened from its view alone, without the layers' indexes; then from memory, the view read once is kept.
    for (const layer of comparison.layers) await rm(cachePath(dir, layer.digest));
    expect(await listImageFiles(await imageOf(comparison, 'comparison'), { cache })).toEqual(listed);
    await rm(viewPath(dir, viewKey(comparison.layers.map((l) => l.digest))));
    const again = await imageOf(comparison, 'comparison');
    const readsAgain = probeLayers(again);
    expect(await listImageFiles(again, { cache })).toEqual(listed);
    expect(readsAgain.opens).toEqual([0, 0, 0, 0]);
    expect(await listImageFiles(again, { cache: new FileIndexCache(dir) })).toEqual(listed);
    expect(readsAgain.opens).toEqual([1, 1, 1, 1]);

    await listImageFiles(await imageOf(diffA, 'diff-a'), { cache });
    const b = await imageOf(diffB, 'diff-b');
    const readsB = probeLayers(b);
    await listImageFiles(b, { cache });
    expect(readsB.opens).toEqual([0, 1]);
  });

  it('gives the start of a cached listing with the totals of the whole, and nothing for an image not cached', async () => {
    const dir = await newFolder('head');
    const cache = new FileIndexCache(dir);
    expect(await listCachedImageFilesHead(await imageOf(comparison, 'comparison'), { cache, rows: 3 })).toBeUndefined();
    await listImageFiles(await imageOf(comparison, 'comparison'), { cache });
    const totals = {
      total: listed.entries.length,
      layers: listed.layers.map(({ digest, addedBytes, fileCount }) => ({ digest, addedBytes, fileCount })),
      wastedBytes: listed.wastedBytes,
      fileBytes: listed.entries.filter((e) => e.type === 'file').reduce((sum, e) => sum + e.size, 0),
      skippedCount: listed.skipped.length,
    };
    expect(totals.fileBytes).toBeGreaterThan(0);
    // A new cache object: from the file on disk, as a restarted app reads it.
    for (const rows of [0, 3, listed.entries.length + 5]) {
      const head = await listCachedImageFilesHead(await imageOf(comparison, 'comparison'), { cache: new FileIndexCache(dir), rows });
      expect(head, `${rows} rows`).toEqual({ ...totals, entries: listed.entries.slice(0, rows) });
    }
    await expect(listCachedImageFilesHead(await imageOf(comparison, 'comparison'), { cache, rows: -1 })).rejects.toThrow(RangeError);
  });

  it('a listing from the cache makes its entries when first read, and gives the same data by any way of reading it', async () => {
    const dir = await newFolder('lazy');
    await listImageFiles(await imageOf(comparison, 'comparison'), { cache: new FileIndexCache(dir) });
    const reopened = await listImageFiles(await imageOf(comparison, 'comparison'), { cache: new FileIndexCache(dir) });
    expect(JSON.parse(JSON.stringify(reopened))).toEqual(JSON.parse(JSON.stringify(listed)));
    expect(Object.keys(reopened)).toEqual(Object.keys(listed));
    expect(structuredClone(reopened)).toEqual(listed);
    // Read, the entries stay the same array; assigned, they are replaced.
    expect(reopened.entries).toBe(reopened.entries);
    reopened.entries = [];
    expect(reopened.entries).toEqual([]);
  });

  it('ignores a corrupt, truncated or foreign cache file, reads that layer again and replaces the file', async () => {
    const dir = await newFolder('corrupt-cache');
    const cache = new FileIndexCache(dir);
    await listImageFiles(await imageOf(comparison, 'comparison'), { cache });
    const key = viewKey(comparison.layers.map((l) => l.digest));
    const [l0, l1, l2, l3] = comparison.layers.map((l) => cachePath(dir, l.digest)) as [string, string, string, string];
    for (const path of [l0, viewPath(dir, key)]) {
      const flipped = await readFile(path);
      flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
      await writeFile(path, flipped);
    }
    await truncate(l1, Math.floor((await stat(l1)).size / 2));
    // A valid index, but of another layer, under this layer's name.
    await writeFile(l2, await readFile(l3));

    const image = await imageOf(comparison, 'comparison');
    const reads = probeLayers(image);
    expect(await listImageFiles(image, { cache })).toEqual(listed);
    expect(reads.opens).toEqual([1, 1, 1, 0]);
    for (const layer of comparison.layers) expect(await cache.load(layer.digest), layer.digest).toBeDefined();
    expect(await cache.loadView(key)).toBeDefined();
  });

  it('stays under maxBytes: the least recently used file goes first', async () => {
    const dir = await newFolder('bounded');
    await listImageFiles(await imageOf(comparison, 'comparison'), { cache: new FileIndexCache(dir) });
    const before = await cacheBytes(dir);
    expect(before.names.length).toBe(comparison.layers.length + 1);
    // Room for what is there and a little more: storing diff-a's indexes and view must evict.
    const maxBytes = before.bytes + 64;
    const bounded = new FileIndexCache(dir, { maxBytes });
    // Used just now: layer 0 must survive what comes next, though it was written first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await bounded.load(comparison.layers[0]!.digest)).toBeDefined();
    await listImageFiles(await imageOf(diffA, 'diff-a'), { cache: bounded });
    const after = await cacheBytes(dir);
    expect(after.bytes).toBeLessThanOrEqual(maxBytes);
    expect(after.names).toContain(`${comparison.layers[0]!.digest.replace(':', '-')}.idx`);
    expect(after.names).toContain(`view-${viewKey(diffA.layers.map((l) => l.digest)).slice('sha256:'.length)}.idx`);
    expect(after.names).not.toContain(`${comparison.layers[1]!.digest.replace(':', '-')}.idx`);
  });

  it('two processes sharing one folder both get the full listing, and leave only valid files', async () => {
    const dir = await newFolder('shared');
    const run = () =>
      runJsonChild<{ ok: boolean; listings: { entries: number; lastPath: string }[]; message?: string }>(CHILD_SCRIPT, {
        host,
        repositories: [`${REPOSITORY}/comparison`, `${REPOSITORY}/diff-a`, `${REPOSITORY}/diff-b`],
        tag: 'v1',
        cacheDir: dir,
      });
    const [one, two] = await Promise.all([run(), run()]);
    expect(one).toMatchObject({ ok: true });
    expect(two).toMatchObject({ ok: true, listings: one.listings });
    expect(one.listings[0]?.entries).toBe(listed.entries.length);
    const names = await readdir(dir);
    expect(names.filter((n) => !n.endsWith('.idx'))).toEqual([]);
    const cache = new FileIndexCache(dir);
    for (const layer of [...comparison.layers, ...diffA.layers, ...diffB.layers]) expect(await cache.load(layer.digest)).toBeDefined();
    // Seven layer indexes (diff-a and diff-b share one) and three views.
    expect(names.length).toBe(comparison.layers.length + 3 + 3);
  });
});
