/**
 * Image.extract() and extractToDirectory() against the real thing: images
 * pushed by skopeo to the harness's distribution registry, read back by
 * Lading, and compared with `umoci unpack --rootless` of the same OCI layout
 * (paths, types, permission bits, mtimes, content hashes, symlink targets,
 * shared inodes). Hostile layers are crafted with tar-stream; faults are a
 * cancel, an unwritable folder, a corrupted blob in the registry's storage
 * and bytes that only look like zstd. zstd layers (pushed by skopeo, or zstd
 * bytes under a gzip media type) must extract to the gzip image's tree.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createClient,
  DigestMismatchError,
  ExtractError,
  extractToDirectory,
  LayerFormatError,
  openLayout,
  readImageFile,
  type Client,
  type ExtractProgress,
  type ExtractResult,
  type Image,
} from '../../src-main/registry/index';
import { makeTempDir } from '../harness/tmp.js';
import { requireTool, runRaw } from '../harness/tools.js';
import { pushMixedImage, type MixedLayout } from './extract-images.js';
import { COMPARISON_LAYERS, COMPARISON_PATHS, hostileLayers, hostileSkips } from './extract-specs.js';
import { diffTrees, readTree, type Tree } from './extract-tree.js';
import { runJsonChild } from './json-child';
import { probeLayers } from './registry-support';

const lading = inject('lading');
const { host } = lading.registries.anonymous;
const REPOSITORY = 'lading-extract';
const CHILD_SCRIPT = fileURLToPath(new URL('./extract-child.ts', import.meta.url));
/** An unprivileged user for the child runs when the tests run as root (as in CI). */
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

const canary = `lading-canary-${randomBytes(6).toString('hex')}`;

let root: string;
let umociRoot: string;
let comparison: MixedLayout;
let hostile: MixedLayout;
let big: MixedLayout;
let corrupt: MixedLayout;
let notZstd: MixedLayout;
let zstdAsGzip: MixedLayout;
let large: MixedLayout;
let umociTree: Tree;

/**
 * One layer this large: a reader that held it in memory would show it in its
 * peak RSS. Streaming, the peak still grows by about 40 MiB (buffers the
 * garbage collector has not reclaimed yet), so the layer must be well above that.
 */
const LARGE_LAYER_BYTES = 192 * 1024 * 1024;

const clients: Client[] = [];
async function imageOf(layout: MixedLayout, repository: string): Promise<Image> {
  const client = createClient(host, { insecure: true });
  clients.push(client);
  return client.withSegment(REPOSITORY, repository).getImage(layout.tag);
}

/** A new folder for one test, under the run's temp dir. */
let folders = 0;
async function newFolder(name: string): Promise<string> {
  const dir = join(root, `${String(++folders).padStart(2, '0')}-${name}`);
  await mkdir(dir);
  return dir;
}

/** Overwrites 64 bytes in the middle of a blob in the registry's storage, keeping its size. */
async function corruptStoredBlob(digest: string): Promise<void> {
  const hex = digest.slice('sha256:'.length);
  const path = join(lading.storageRoot, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
  const bytes = await readFile(path);
  const middle = Math.floor(bytes.length / 2);
  for (let i = middle; i < middle + 64 && i < bytes.length; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xa5;
  await writeFile(path, bytes);
}

interface ListedEntry {
  name: string;
  type: string;
  linkname: string;
  sha256?: string;
}

async function listTar(stream: Readable): Promise<ListedEntry[]> {
  const extract = tar.extract();
  stream.on('error', (err) => extract.destroy(err));
  stream.pipe(extract);
  const out: ListedEntry[] = [];
  for await (const entry of extract) {
    const hash = createHash('sha256');
    for await (const chunk of entry) hash.update(chunk as Buffer);
    const { name, type, linkname } = entry.header;
    out.push({ name, type, linkname: linkname ?? '', ...(type === 'file' ? { sha256: hash.digest('hex') } : {}) });
  }
  return out;
}

interface ChildOutput {
  ok: boolean;
  result?: ExtractResult;
  peakRssKiB?: number;
  name?: string;
  message?: string;
}

/** Runs extract-child.ts: as `nobody` when the tests run as root, else as the current user. */
function runChild(args: { repository: string; tag: string; dir: string }): Promise<ChildOutput> {
  return runJsonChild<ChildOutput>(
    CHILD_SCRIPT,
    { host, ...args, repository: `${REPOSITORY}/${args.repository}` },
    {
      env: { ...process.env, HOME: root },
      ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    },
  );
}

/** A folder the child may write in: owned by it when it runs as nobody. */
async function childFolder(name: string): Promise<string> {
  const dir = await newFolder(name);
  if (isRoot) await chown(dir, NOBODY, NOBODY);
  return dir;
}

beforeAll(async () => {
  const umoci = requireTool('umoci', 'umoci');
  requireTool('tar', 'tar');
  root = await makeTempDir('lading-extract-');
  // The unprivileged child must be able to reach its folders below this one.
  await chmod(root, 0o755);
  const layouts = join(root, '00-layouts');
  // Random, not deterministicBytes(): these need no stable digests, and a sha256 chain over
  // 100 MB costs seconds. Incompressible either way, so blob sizes follow content sizes.
  const bigFile = () => randomBytes(8 * 1024 * 1024);
  [comparison, hostile, big, corrupt, notZstd, zstdAsGzip, large] = await Promise.all([
    pushMixedImage(join(layouts, 'comparison'), host, `${REPOSITORY}/comparison`, COMPARISON_LAYERS),
    pushMixedImage(join(layouts, 'hostile'), host, `${REPOSITORY}/hostile`, hostileLayers(canary)),
    pushMixedImage(
      join(layouts, 'big'),
      host,
      `${REPOSITORY}/big`,
      ['a', 'b', 'c'].map((seed) => ({
        createdBy: `COPY ${seed} /`,
        entries: [
          { path: `${seed}/big.bin`, type: 'file' as const, content: bigFile() },
          ...Array.from({ length: 50 }, (_, i) => ({ path: `${seed}/small/${i}`, type: 'file' as const, content: `${seed} ${i}\n` })),
        ],
      })),
    ),
    pushMixedImage(join(layouts, 'corrupt'), host, `${REPOSITORY}/corrupt`, [
      { createdBy: 'COPY big.bin /', entries: [{ path: 'big.bin', type: 'file', content: randomBytes(1024 * 1024) }] },
      { createdBy: 'COPY small /', entries: [{ path: 'small/a', type: 'file', content: 'written before the corrupt layer is read\n' }] },
    ]),
    pushMixedImage(join(layouts, 'not-zstd'), host, `${REPOSITORY}/not-zstd`, [
      { createdBy: 'COPY x /', compression: 'not-zstd', raw: [{ name: 'x', content: 'x\n' }] },
    ]),
    pushMixedImage(join(layouts, 'zstd-as-gzip'), host, `${REPOSITORY}/zstd-as-gzip`, COMPARISON_LAYERS, 'v1', { zstdAsGzip: true }),
    // A plain tar: gzip of 192 MiB of noise costs seconds and gains nothing here.
    pushMixedImage(join(layouts, 'large'), host, `${REPOSITORY}/large`, [
      { createdBy: 'COPY large.bin /', compression: 'none', raw: [{ name: 'large.bin', content: randomBytes(LARGE_LAYER_BYTES) }] },
    ]),
  ]);
  // Layers are read newest first: corrupting the oldest means files are already on disk when it fails.
  await corruptStoredBlob(corrupt.layers[0]?.digest ?? '');

  umociRoot = await newFolder('umoci');
  const bundle = join(umociRoot, 'bundle');
  await runRaw(umoci, ['unpack', '--rootless', '--image', `${comparison.dir}:${comparison.tag}`, bundle]);
  umociTree = await readTree(join(bundle, 'rootfs'));
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (root) {
    // Read-only directories from the images: make them removable first.
    await runRaw('chmod', ['-R', 'u+rwX', root]).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
});

describe('extractToDirectory and umoci agree', () => {
  it('umoci unpacked the image this test expects', () => {
    // Guards the comparisons below: two empty trees would agree too.
    expect([...umociTree.nodes.keys()].sort()).toEqual([...COMPARISON_PATHS].sort());
    expect(umociTree.hardlinkGroups).toEqual([['hl/from-layer-3', 'hl/twin']]);
  });

  it('gives the same tree as umoci unpack --rootless: paths, types, modes, mtimes, contents, symlinks, inodes', async () => {
    const image = await imageOf(comparison, 'comparison');
    const { opens } = probeLayers(image);
    const parent = await newFolder('compare');
    const target = join(parent, 'rootfs');
    const result = await extractToDirectory(image, target);
    expect(opens).toEqual([1, 1, 1, 1]);
    const tree = await readTree(target);
    expect(diffTrees(umociTree, tree, { mtimes: true })).toEqual([]);
    // What the image says, spelled out, so a shared mistake with umoci would still show.
    expect(await readFile(join(target, 'etc/replaced'), 'utf8')).toBe('new content from layer 2\n');
    expect(await readFile(join(target, 'pair2/second'), 'utf8')).toBe('first name replaced later, second keeps this\n');
    expect(await readFile(join(target, 'usr/bin/exec-link'), 'utf8')).toBe('#!/bin/sh\n');
    expect(await readlink(join(target, 'links/absolute'))).toBe('/etc/keep');
    expect((await stat(join(target, 'ro'))).mode & 0o7777).toBe(0o555);
    expect((await stat(join(target, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect(result.skipped).toEqual([]);
    const count = (type: string) => [...tree.nodes.values()].filter((n) => n.type === type).length;
    expect(result.files + result.hardlinks).toBe(count('file'));
    expect(result.hardlinks).toBe(1);
    expect(result.directories).toBe(count('dir'));
    expect(result.symlinks).toBe(count('symlink'));
    // Nothing but the result is left beside it.
    expect(await readdir(parent)).toEqual(['rootfs']);
  });

  it('an unprivileged user gets the same tree: read-only directories are filled, then made read-only', async () => {
    const parent = await childFolder('as-user');
    const target = join(parent, 'rootfs');
    const out = await runChild({ repository: 'comparison', tag: comparison.tag, dir: target });
    expect(out).toMatchObject({ ok: true });
    const tree = await readTree(target);
    expect(diffTrees(umociTree, tree, { mtimes: true })).toEqual([]);
    if (isRoot) expect((await lstat(join(target, 'ro/inside'))).uid).toBe(NOBODY);
  });

  it('an image read from an OCI layout (openLayout) gives the same tree', async () => {
    const client = openLayout(comparison.dir);
    clients.push(client);
    const target = join(await newFolder('from-layout'), 'rootfs');
    await extractToDirectory(await client.getImage(comparison.tag), target);
    expect(diffTrees(umociTree, await readTree(target), { mtimes: true })).toEqual([]);
  });

  it('streams: a 192 MiB layer raises peak memory by far less than its size', async () => {
    // Each run in a fresh process, so the peak (maxRSS) belongs to that one extraction.
    const small = await runChild({ repository: 'comparison', tag: comparison.tag, dir: join(await childFolder('rss-small'), 'rootfs') });
    const big = await runChild({ repository: 'large', tag: large.tag, dir: join(await childFolder('rss-large'), 'rootfs') });
    expect(small).toMatchObject({ ok: true });
    expect(big).toMatchObject({ ok: true, result: { files: 1, bytes: LARGE_LAYER_BYTES } });
    const growthMiB = ((big.peakRssKiB ?? Infinity) - (small.peakRssKiB ?? 0)) / 1024;
    expect(large.layers[0]?.size ?? 0).toBeGreaterThan(LARGE_LAYER_BYTES);
    // Measured: 25 to 50 MiB streaming; 186 MiB for a reader that held the layer.
    expect(growthMiB).toBeLessThan(96);
  });

  it('reports progress: compressed bytes of all layers, and the entries written', async () => {
    const image = await imageOf(comparison, 'comparison');
    const events: ExtractProgress[] = [];
    const result = await extractToDirectory(image, join(await newFolder('progress'), 'rootfs'), { onProgress: (p) => events.push(p) });
    const total = comparison.layers.reduce((sum, l) => sum + l.size, 0);
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((e) => e.bytesTotal === total)).toBe(true);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.bytesRead).toBeGreaterThanOrEqual(events[i - 1]!.bytesRead);
      expect(events[i]!.entries).toBeGreaterThanOrEqual(events[i - 1]!.entries);
    }
    expect(events.at(-1)).toEqual({
      bytesRead: total,
      bytesTotal: total,
      entries: result.files + result.directories + result.symlinks + result.hardlinks,
    });
  });
});

describe('Image.extract(): the flattened tar stream', () => {
  it('lists the flattened paths once each, without whiteouts, links after their targets', async () => {
    const image = await imageOf(comparison, 'comparison');
    const { opens } = probeLayers(image);
    const entries = await listTar(image.extract());
    expect(opens).toEqual([1, 1, 1, 1]);
    const names = entries.map((e) => e.name.replace(/\/$/, ''));
    expect([...names].sort()).toEqual([...COMPARISON_PATHS].sort());
    expect(names.filter((n) => n.includes('.wh.'))).toEqual([]);
    for (const [i, e] of entries.entries()) {
      if (e.type !== 'link') continue;
      const target = names.indexOf(e.linkname);
      expect(target, `${e.name} -> ${e.linkname}`).toBeGreaterThanOrEqual(0);
      expect(target, `${e.name} comes after ${e.linkname}`).toBeLessThan(i);
    }
    const byName = new Map(entries.map((e) => [e.name.replace(/\/$/, ''), e]));
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(byName.get('etc/replaced')?.sha256).toBe(sha('new content from layer 2\n'));
    expect(byName.get('opt/app/bin')?.type).toBe('directory');
    expect(byName.get('var/lib/state')?.type).toBe('file');
    expect(byName.get('links/to-be-dir')?.type).toBe('directory');
  });

  it('extracts with GNU tar to the same tree as umoci', async () => {
    const image = await imageOf(comparison, 'comparison');
    const target = join(await newFolder('gnu-tar'), 'rootfs');
    await mkdir(target);
    const gnuTar = requireTool('tar', 'tar');
    await new Promise<void>((resolve, reject) => {
      // Lower layers' directories follow what upper layers put in them: restore directory times last.
      const args = ['-x', '-p', '--no-same-owner', '--delay-directory-restore', '-C', target];
      const child = spawn(gnuTar, args, { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const stream = image.extract();
      stream.on('error', reject);
      stream.pipe(child.stdin);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${String(code)}: ${stderr}`))));
    });
    expect(diffTrees(umociTree, await readTree(target), { mtimes: true })).toEqual([]);
  });

  it('a cancelled stream fails with the abort reason', async () => {
    const image = await imageOf(big, 'big');
    const controller = new AbortController();
    const reason = new Error('tar stream cancelled by the test');
    const stream = image.extract({ signal: controller.signal });
    let received = 0;
    const done = new Promise<unknown>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > 1024 * 1024) controller.abort(reason);
      });
      stream.on('error', resolve);
      stream.on('end', () => resolve(undefined));
    });
    expect(await done).toBe(reason);
    expect(received).toBeLessThan(3 * 8 * 1024 * 1024);
  });
});

describe('hostile layers', () => {
  it('writes nothing outside the target and reports every skipped entry with its reason', async () => {
    const passwdLinks = (await stat('/etc/passwd')).nlink;
    const canaryParent = await newFolder('hostile');
    const target = join(canaryParent, 'out');
    const image = await imageOf(hostile, 'hostile');
    const result = await extractToDirectory(image, target);

    // Outside: the canary parent holds only the result; no canary file anywhere it could have gone.
    expect(await readdir(canaryParent)).toEqual(['out']);
    expect((await readdir(root)).filter((n) => n.includes(canary))).toEqual([]);
    expect((await readdir('/tmp')).filter((n) => n.includes(canary))).toEqual([]);
    expect((await readdir('/')).filter((n) => n.includes(canary))).toEqual([]);
    expect((await stat('/etc/passwd')).nlink).toBe(passwdLinks);

    // Each hostile entry is reported, with the reason it was refused, and nothing else is.
    const expected = hostileSkips(canary);
    const skipped = new Map(result.skipped.map((s) => [s.path, s.reason]));
    for (const [path, reason] of Object.entries(expected)) expect(skipped.get(path), path).toMatch(reason);
    expect([...skipped.keys()].sort()).toEqual(Object.keys(expected).sort());

    // Inside: the harmless parts, symlinks as written and never followed.
    expect(await readFile(join(target, 'ok.txt'), 'utf8')).toBe('written\n');
    expect(await readlink(join(target, 'a'))).toBe('/');
    expect(await readlink(join(target, 'up'))).toBe('..');
    expect((await lstat(join(target, 'b'))).isDirectory()).toBe(true);
    expect(await readdir(join(target, 'b'))).toEqual([`${canary}-cross-layer`]);
    // Devices were skipped before anything was made for them, their parent included.
    await expect(lstat(join(target, 'dev'))).rejects.toThrow(/ENOENT/);
    expect(result.files).toBe(2);
    expect(result.hardlinks).toBe(0);
  });
});

describe('faults', () => {
  it('a cancel after the first progress event rejects with the reason and leaves nothing behind', async () => {
    const image = await imageOf(big, 'big');
    const parent = await newFolder('cancel');
    const target = join(parent, 'rootfs');
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    let first: ExtractProgress | undefined;
    let abortedAt = 0;
    const extraction = extractToDirectory(image, target, {
      signal: controller.signal,
      onProgress: (p) => {
        if (first) return;
        first = p;
        abortedAt = performance.now();
        controller.abort(reason);
      },
    });
    await expect(extraction).rejects.toBe(reason);
    const stopMs = performance.now() - abortedAt;
    expect(first?.bytesRead).toBeLessThan(first?.bytesTotal ?? 0);
    expect(stopMs).toBeLessThan(1000);
    // Neither the result nor a temporary directory.
    expect(await readdir(parent)).toEqual([]);
  });

  it('a progress listener that throws fails the extraction with its error, and leaves nothing behind', async () => {
    const image = await imageOf(big, 'big');
    const parent = await newFolder('listener-throws');
    const thrown = new Error('listener failed');
    const failure = await extractToDirectory(image, join(parent, 'rootfs'), {
      onProgress: () => {
        throw thrown;
      },
    }).catch((err: unknown) => err);
    expect(failure).toBe(thrown);
    expect(await readdir(parent)).toEqual([]);
  });

  it('a folder that cannot be written: a clear error, nothing created', async () => {
    const parent = await childFolder('unwritable');
    await chmod(parent, 0o555);
    const target = join(parent, 'rootfs');
    const out = await runChild({ repository: 'comparison', tag: comparison.tag, dir: target });
    expect(out).toMatchObject({ ok: false, name: 'ExtractError' });
    expect(out.message).toMatch(new RegExp(`^No permission to write in .*unwritable: could not extract into .*unwritable/rootfs$`));
    expect(await readdir(parent)).toEqual([]);
  });

  it('a corrupted layer in the registry: DigestMismatchError, and no result or temporary directory', async () => {
    const image = await imageOf(corrupt, 'corrupt');
    const parent = await newFolder('corrupt');
    const failure = await extractToDirectory(image, join(parent, 'rootfs')).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect((failure as DigestMismatchError).expected).toBe(corrupt.layers[0]?.digest);
    expect(await readdir(parent)).toEqual([]);
  });

  it('bytes that start like zstd but are not: a LayerFormatError naming the layer and zstd, and nothing left behind', async () => {
    const image = await imageOf(notZstd, 'not-zstd');
    const parent = await newFolder('not-zstd');
    const failure = await extractToDirectory(image, join(parent, 'rootfs')).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(LayerFormatError);
    expect((failure as Error).message).toContain(notZstd.layers[0]?.digest ?? 'no digest');
    expect((failure as Error).message).toMatch(/could not be decompressed as zstd/);
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('zstd layers', () => {
  const { ociImage, zstdImage } = lading.fixtures;

  it('an image whose layers skopeo recompressed with zstd extracts to exactly what its gzip version extracts to', async () => {
    const client = createClient(host, { insecure: true });
    clients.push(client);
    const gzipImage = await client.withSegment(...ociImage.repository.split('/')).getImage(ociImage.tag);
    const zstdVersion = await client.withSegment(...zstdImage.repository.split('/')).getImage(zstdImage.tag);
    expect(zstdVersion.layers.every((l) => l.mediaType.endsWith('+zstd'))).toBe(true);
    const fromGzip = join(await newFolder('gzip-version'), 'rootfs');
    const fromZstd = join(await newFolder('zstd-version'), 'rootfs');
    await extractToDirectory(gzipImage, fromGzip);
    const result = await extractToDirectory(zstdVersion, fromZstd);
    const gzipTree = await readTree(fromGzip);
    expect(gzipTree.nodes.size).toBeGreaterThan(3);
    expect(diffTrees(gzipTree, await readTree(fromZstd), { mtimes: true })).toEqual([]);
    expect(result.skipped).toEqual([]);
    // The paths that keep chunks past the next read (the tar stream, a file's content) get copies:
    // zstd is decoded into buffers used again at the next read (or taken back by its thread).
    const gzipTar = await listTar(gzipImage.extract());
    expect(gzipTar.some((e) => e.type === 'file')).toBe(true);
    expect(await listTar(zstdVersion.extract())).toEqual(gzipTar);
    const files = [...gzipTree.nodes].filter(([, n]) => n.type === 'file').map(([p]) => p);
    const sized = await Promise.all(files.map(async (p) => ({ path: p, size: (await stat(join(fromGzip, p))).size })));
    const { path, size } = sized.sort((a, b) => b.size - a.size)[0]!;
    expect(size).toBeGreaterThan(64 * 1024);
    const content = async (image: Image): Promise<Buffer> => Buffer.concat(await (await readImageFile(image, path)).toArray());
    expect((await content(zstdVersion)).equals(await readFile(join(fromGzip, path)))).toBe(true);
  });

  it('zstd bytes under a gzip media type are told by their magic number: the same tree as umoci of the gzip image', async () => {
    expect(zstdAsGzip.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+gzip')).toBe(true);
    expect(zstdAsGzip.layers.every((l) => l.blob.readUInt32LE(0) === 0xfd2fb528)).toBe(true);
    const target = join(await newFolder('zstd-as-gzip'), 'rootfs');
    await extractToDirectory(await imageOf(zstdAsGzip, 'zstd-as-gzip'), target);
    expect(diffTrees(umociTree, await readTree(target), { mtimes: true })).toEqual([]);
    // And as a tar stream, the same paths as the gzip image's.
    const names = (await listTar((await imageOf(zstdAsGzip, 'zstd-as-gzip')).extract())).map((e) => e.name.replace(/\/$/, ''));
    expect(names.sort()).toEqual([...COMPARISON_PATHS].sort());
  });
});

describe('the target directory', () => {
  it('refuses a folder that is not empty, and leaves it as it was', async () => {
    const target = join(await newFolder('not-empty'), 'rootfs');
    await mkdir(target);
    await writeFile(join(target, 'mine.txt'), 'keep me\n');
    const image = await imageOf(comparison, 'comparison');
    const failure = await extractToDirectory(image, target).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ExtractError);
    expect((failure as Error).message).toMatch(/is not empty/);
    expect(await readdir(target)).toEqual(['mine.txt']);
  });

  it('refuses a file, and a folder whose parent does not exist', async () => {
    const parent = await newFolder('not-a-folder');
    await writeFile(join(parent, 'file'), 'x');
    const image = await imageOf(comparison, 'comparison');
    await expect(extractToDirectory(image, join(parent, 'file'))).rejects.toThrow(/already exists and is not a folder/);
    await expect(extractToDirectory(image, join(parent, 'missing', 'rootfs'))).rejects.toThrow(/does not exist/);
    expect(await readdir(parent)).toEqual(['file']);
  });

  it('fills an empty folder', async () => {
    const target = join(await newFolder('empty'), 'rootfs');
    await mkdir(target);
    const image = await imageOf(comparison, 'comparison');
    await extractToDirectory(image, target);
    expect(diffTrees(umociTree, await readTree(target), { mtimes: true })).toEqual([]);
  });
});
