/**
 * The file listing given bad input, against the real registry: a corrupted
 * and a truncated layer in the registry's storage, a layer that is not a
 * tar, a zstd layer, hostile entry names, a layer of 100,000 files (memory
 * measured in a child process), the entry bound, and a cancel in the middle
 * of a layer. None may leave a cache entry for the layer it could not read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DigestMismatchError,
  FileIndexCache,
  FileIndexLimitError,
  LayerFormatError,
  listImageFiles,
  readImageFile,
  type Image,
} from '../../src-main/registry/index';
import { indexLayer } from '../../src-main/registry/files/layer-index';
import { makeTempDir } from '../harness/tmp.js';
import { pushMixedImage, type MixedLayout } from './extract-images.js';
import { emptyFilesTar, hostileNameLayers } from './files-specs.js';
import { runJsonChild } from './json-child';
import { blobDataPath, ClientPool, numberedFolders, probeLayers, readStream } from './registry-support';

const lading = inject('lading');
const { host } = lading.registries.anonymous;
const REPOSITORY = 'lading-files-faults';
const CHILD_SCRIPT = fileURLToPath(new URL('./files-child.ts', import.meta.url));
const MANY_FILES = 100_000;
const pool = new ClientPool();
const canary = `lading-canary-${randomBytes(6).toString('hex')}`;

let root: string;
let corrupt: MixedLayout;
let truncated: MixedLayout;
let notTar: MixedLayout;
let zstd: MixedLayout;
let hostile: MixedLayout;
let many: MixedLayout;
let big: MixedLayout;

function imageOf(layout: MixedLayout, name: string): Promise<Image> {
  return pool.open(host).withSegment(REPOSITORY, name).getImage(layout.tag);
}

const newFolder = numberedFolders(() => root);

/** A layer of its own random file: no other image shares its blob, so a test may damage it in storage. */
function randomLayer(name: string, bytes: number) {
  return { createdBy: `COPY ${name} /`, entries: [{ path: name, type: 'file' as const, content: randomBytes(bytes) }] };
}

/** The cache folder's files: index files by digest, and anything else (temporary files) as is. */
async function cacheContents(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).map((n) => n.replace(/^sha256-([0-9a-f]{64})\.idx$/, 'sha256:$1'));
}

beforeAll(async () => {
  root = await makeTempDir('lading-files-faults-');
  const layouts = join(root, '00-layouts');
  [corrupt, truncated, notTar, zstd, hostile, many, big] = await Promise.all([
    pushMixedImage(join(layouts, 'corrupt'), host, `${REPOSITORY}/corrupt`, [
      randomLayer('ok.bin', 4096),
      randomLayer('big.bin', 1024 * 1024),
    ]),
    pushMixedImage(join(layouts, 'truncated'), host, `${REPOSITORY}/truncated`, [
      randomLayer('ok.bin', 4096),
      randomLayer('big.bin', 1024 * 1024),
    ]),
    pushMixedImage(join(layouts, 'not-tar'), host, `${REPOSITORY}/not-tar`, [
      { createdBy: 'gzip of noise', blob: zlib.gzipSync(randomBytes(64 * 1024)) },
    ]),
    pushMixedImage(join(layouts, 'zstd'), host, `${REPOSITORY}/zstd`, [
      { createdBy: 'COPY x /', compression: 'zstd', raw: [{ name: 'x', content: 'x\n' }] },
    ]),
    pushMixedImage(join(layouts, 'hostile'), host, `${REPOSITORY}/hostile`, hostileNameLayers(canary)),
    pushMixedImage(join(layouts, 'many'), host, `${REPOSITORY}/many`, [
      { createdBy: `RUN touch ${MANY_FILES} files`, blob: zlib.gzipSync(emptyFilesTar(MANY_FILES), { level: 1 }) },
    ]),
    // A plain tar, so a cancel can be placed by bytes read; random, so nothing else shares it.
    pushMixedImage(join(layouts, 'big'), host, `${REPOSITORY}/big`, [
      {
        createdBy: 'COPY big /',
        compression: 'none',
        raw: [0, 1, 2].map((i) => ({ name: `big-${i}.bin`, content: randomBytes(8 * 1024 * 1024) })),
      },
    ]),
  ]);
  // Damage the second layer: the first is read, checked and cached before the bad one fails.
  const corruptPath = blobDataPath(lading.storageRoot, corrupt.layers[1]!.digest);
  const bytes = await readFile(corruptPath);
  const middle = Math.floor(bytes.length / 2);
  for (let i = middle; i < middle + 64; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xa5;
  await writeFile(corruptPath, bytes);
  const truncatedPath = blobDataPath(lading.storageRoot, truncated.layers[1]!.digest);
  await truncate(truncatedPath, Math.floor((await stat(truncatedPath)).size / 2));
}, 180_000);

afterAll(async () => {
  await pool.closeAll();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('damaged layers write no cache entry', () => {
  it.each(['corrupt', 'truncated'] as const)(
    'a %s layer: DigestMismatchError naming it; only the good layer below it is cached',
    async (name) => {
      const layout = name === 'corrupt' ? corrupt : truncated;
      const dir = await newFolder(name);
      const failure = await listImageFiles(await imageOf(layout, name), { cache: new FileIndexCache(dir) }).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(DigestMismatchError);
      expect((failure as DigestMismatchError).expected).toBe(layout.layers[1]!.digest);
      expect(await cacheContents(dir)).toEqual([layout.layers[0]!.digest]);
    },
  );

  it('a layer that is not a tar: LayerFormatError naming the layer', async () => {
    const dir = await newFolder('not-tar');
    const failure = await listImageFiles(await imageOf(notTar, 'not-tar'), { cache: new FileIndexCache(dir) }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(LayerFormatError);
    expect((failure as Error).message).toMatch(new RegExp(`^Layer ${notTar.layers[0]!.digest} could not be read as a tar archive: `));
    expect(await cacheContents(dir)).toEqual([]);
  });

  it('a zstd layer is listed and hashed like a gzip one', async () => {
    const dir = await newFolder('zstd');
    const files = await listImageFiles(await imageOf(zstd, 'zstd'), { cache: new FileIndexCache(dir) });
    expect(zstd.layers[0]!.mediaType).toMatch(/zstd/);
    const x = files.entries.find((e) => e.path === 'x');
    expect(x).toMatchObject({ type: 'file', size: 2, sha256: createHash('sha256').update('x\n').digest('hex'), layer: 0 });
    expect((await cacheContents(dir)).length).toBeGreaterThan(0);
  });
});

describe('hostile entry names', () => {
  it('are listed inside the image, never outside it; entries below a symlink of their own layer are skipped', async () => {
    const image = await imageOf(hostile, 'hostile');
    const files = await listImageFiles(image);
    const paths = files.entries.map((e) => e.path);
    expect(paths.filter((p) => p.startsWith('/') || p.split('/').includes('..') || p.split('/').includes('.'))).toEqual([]);
    const longName = `long/${'n'.repeat(250)}/${'m'.repeat(5000)}`;
    expect(paths).toEqual(
      [
        'a',
        `${canary}-dotdot`,
        `${canary}-sneaky`,
        'dev',
        'dev/console',
        'fifo',
        'long',
        `long/${'n'.repeat(250)}`,
        longName,
        'ok-link',
        'ok.txt',
        'tmp',
        `tmp/${canary}-absolute`,
      ].sort(),
    );
    const byPath = new Map(files.entries.map((e) => [e.path, e]));
    expect(byPath.get('a')).toMatchObject({ type: 'symlink', linkname: '/' });
    expect(byPath.get('ok-link')).toMatchObject({ type: 'hardlink', linkname: 'ok.txt' });
    expect(byPath.get('dev/console')).toMatchObject({ type: 'other', mode: 0o600, size: 0 });
    expect(byPath.get('fifo')).toMatchObject({ type: 'other' });
    expect(byPath.get('tmp')).toMatchObject({ type: 'directory', mode: 0o755, mtime: '1970-01-01T00:00:00.000Z' });
    expect(files.skipped).toEqual([
      { path: `a/tmp/${canary}-via-symlink`, layer: 0, reason: 'parent a is a symlink' },
      { path: 'passwd-link', layer: 0, reason: 'hard link target etc/passwd does not exist' },
    ]);

    // Read back by those names too, and nothing was written anywhere on the way.
    expect((await readStream(await readImageFile(image, `../../${canary}-dotdot`))).toString()).toBe('escaped with ..\n');
    expect((await readStream(await readImageFile(image, longName))).toString()).toBe('a name longer than PATH_MAX\n');
    for (const dir of ['/tmp', '/', root])
      expect(
        (await readdir(dir)).filter((n) => n.includes(canary)),
        dir,
      ).toEqual([]);
  });
});

describe('bounds', () => {
  it(`a layer of ${MANY_FILES.toLocaleString('en-US')} files: listed whole, in memory that grows with the entries, not the layer`, async () => {
    // Each listing in a fresh process, so its peak (VmHWM) is its own.
    type Out = { ok: boolean; listings: { entries: number; changes: number[] }[]; peakRssKiB: number };
    const small = await runJsonChild<Out>(CHILD_SCRIPT, { host, repositories: [`${REPOSITORY}/hostile`], tag: 'v1' });
    const large = await runJsonChild<Out>(CHILD_SCRIPT, { host, repositories: [`${REPOSITORY}/many`], tag: 'v1' });
    expect(small).toMatchObject({ ok: true });
    // 100 directories and the files in them.
    expect(large).toMatchObject({ ok: true, listings: [{ entries: MANY_FILES + 100, changes: [MANY_FILES + 100] }] });
    const perEntryBytes = ((large.peakRssKiB - small.peakRssKiB) * 1024) / MANY_FILES;
    // Measured: about 1 KiB per entry (the index, the tree, the listing and the changes, all alive at once).
    expect(perEntryBytes).toBeLessThan(2048);
  });

  it('a layer with more entries than the bound fails naming the bound', async () => {
    const image = await imageOf(many, 'many');
    const failure = await indexLayer(image.layers[0]!, { maxEntries: 50_000 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(FileIndexLimitError);
    expect((failure as Error).message).toBe(
      `Layer ${many.layers[0]!.digest} has more than 50,000 entries, the most a file index holds ` +
        '(the largest layers of real images hold a few hundred thousand)',
    );
  });
});

describe('cancel', () => {
  it('in the middle of a layer: rejects with the reason at once, and leaves no cache entry', async () => {
    const dir = await newFolder('cancel');
    const image = await imageOf(big, 'big');
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    let abortedAt = 0;
    // Abort once 4 MiB of the 24 MiB layer have gone by.
    const open = image.layers[0]!.open.bind(image.layers[0]);
    image.layers[0]!.open = async (opts) => {
      let seen = 0;
      const watch = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          if (seen > 4 * 1024 * 1024 && !controller.signal.aborted) {
            abortedAt = performance.now();
            controller.abort(reason);
          }
          callback(null, chunk);
        },
      });
      pipeline(await open(opts), watch, () => undefined);
      return watch;
    };
    const reads = probeLayers(image);
    await expect(listImageFiles(image, { cache: new FileIndexCache(dir), signal: controller.signal })).rejects.toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(reads.bytes[0]).toBeLessThan(big.layers[0]!.size);
    expect(await cacheContents(dir)).toEqual([]);
  });
});
