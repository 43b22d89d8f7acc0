/**
 * extractToDirectory({ paths }): one file or one directory subtree of the
 * flattened image, written below the target under its base name. Checked
 * against the same part of what `umoci unpack --rootless` writes for the
 * same OCI layout (types, modes, mtimes, contents, symlink targets, shared
 * inodes), including hard links whose target lies outside the selection
 * (they get the content), paths the image does not have, and hostile paths,
 * which are refused before anything is created.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ExtractError,
  extractToDirectory,
  FileNotInImageError,
  ImageFileError,
  type ExtractProgress,
  type Image,
} from '../../src-main/registry/index';
import { makeTempDir } from '../harness/tmp.js';
import { requireTool, runRaw } from '../harness/tools.js';
import { pushMixedImage, type MixedLayout } from './extract-images.js';
import { COMPARISON_LAYERS, hostileLayers } from './extract-specs.js';
import { diffTrees, readTree, type Tree } from './extract-tree.js';
import { ClientPool, numberedFolders, probeLayers } from './registry-support';

const lading = inject('lading');
const { host } = lading.registries.anonymous;
const REPOSITORY = 'lading-extract-paths';
const pool = new ClientPool();
const canary = `lading-canary-${randomBytes(6).toString('hex')}`;

let root: string;
let comparison: MixedLayout;
let linksOut: MixedLayout;
let hostile: MixedLayout;
let umociTree: Tree;

const newFolder = numberedFolders(() => root);

function imageOf(layout: MixedLayout, name: string): Promise<Image> {
  return pool.open(host).withSegment(REPOSITORY, name).getImage(layout.tag);
}

/** The part of `tree` at `path` (and below), renamed as extraction with `paths` names it: below its base name. */
function subtree(tree: Tree, path: string): Tree {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const rename = (p: string): string | undefined =>
    p === path ? base : p.startsWith(`${path}/`) ? base + p.slice(path.length) : undefined;
  const nodes = new Map(
    [...tree.nodes].flatMap(([p, node]) => {
      const name = rename(p);
      return name === undefined ? [] : [[name, node] as const];
    }),
  );
  const hardlinkGroups = tree.hardlinkGroups
    .map((group) => group.flatMap((p) => rename(p) ?? []).sort())
    .filter((group) => group.length > 1);
  return { nodes, hardlinkGroups };
}

beforeAll(async () => {
  const umoci = requireTool('umoci', 'umoci');
  root = await makeTempDir('lading-extract-paths-');
  const layouts = join(root, '00-layouts');
  [comparison, linksOut, hostile] = await Promise.all([
    pushMixedImage(join(layouts, 'comparison'), host, `${REPOSITORY}/comparison`, COMPARISON_LAYERS),
    // A hard link to a file of its own layer that lies outside the directory saved.
    pushMixedImage(join(layouts, 'links-out'), host, `${REPOSITORY}/links-out`, [
      {
        createdBy: 'COPY bin sbin /',
        entries: [
          { path: 'bin/tool', type: 'file', content: '#!/bin/sh\necho tool\n', mode: 0o755 },
          { path: 'sbin/tool-link', type: 'hardlink', target: 'bin/tool' },
          { path: 'sbin/tool-twin', type: 'hardlink', target: 'bin/tool' },
          { path: 'sbin/own', type: 'file', content: 'own\n' },
        ],
      },
    ]),
    pushMixedImage(join(layouts, 'hostile'), host, `${REPOSITORY}/hostile`, hostileLayers(canary)),
  ]);
  const bundle = join(await newFolder('umoci'), 'bundle');
  await runRaw(umoci, ['unpack', '--rootless', '--image', `${comparison.dir}:${comparison.tag}`, bundle]);
  umociTree = await readTree(join(bundle, 'rootfs'));
}, 180_000);

afterAll(async () => {
  await pool.closeAll();
  if (root) {
    await runRaw('chmod', ['-R', 'u+rwX', root]).catch(() => undefined);
    await runRaw('rm', ['-rf', root]).catch(() => undefined);
  }
});

describe('a part of the image, as umoci has it', () => {
  it.each([
    ['etc', 'a directory with an opaque subdirectory and a file replaced later'],
    ['opt/app', 'a directory below two others, which became a directory over a file'],
    ['hl', 'two hard links whose first name was deleted later: one inode'],
    ['pair2', 'a link that keeps the content its target had before it was replaced'],
    ['links', 'symlinks written as they are, never followed, and a directory that replaced one'],
    ['ro', 'a read-only directory, filled first'],
    ['etc/replaced', 'one file'],
    ['links/absolute', 'one symlink'],
  ])('%s: %s', async (path) => {
    const image = await imageOf(comparison, 'comparison');
    const { opens } = probeLayers(image);
    const parent = await newFolder(path.replace(/\//g, '-'));
    const target = join(parent, 'out');
    const result = await extractToDirectory(image, target, { paths: [path] });
    const expected = subtree(umociTree, path);
    expect(expected.nodes.size).toBeGreaterThan(0);
    expect(diffTrees(expected, await readTree(target), { mtimes: true })).toEqual([]);
    expect(result.skipped).toEqual([]);
    // No hard link of these needs content from outside: one read of each layer.
    expect(opens).toEqual([1, 1, 1, 1]);
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('a hard link alone gets its content, whether its target was deleted, replaced, or lies in a lower layer', async () => {
    // Read twice: the content is a file outside the selection (twin's, as the stream names it) or a hidden one (the pairs');
    // exec-link's target is in a lower layer, so the stream gives the link the content itself.
    const reads: Record<string, number> = { 'hl/twin': 2, 'pair/second': 2, 'pair2/second': 2, 'usr/bin/exec-link': 1 };
    for (const [path, times] of Object.entries(reads)) {
      const image = await imageOf(comparison, 'comparison');
      const { opens } = probeLayers(image);
      const target = join(await newFolder(path.replace(/\//g, '-')), 'out');
      const result = await extractToDirectory(image, target, { paths: [path] });
      expect(diffTrees(subtree(umociTree, path), await readTree(target), { mtimes: true }), path).toEqual([]);
      expect(result).toMatchObject({ files: 1, hardlinks: 0, skipped: [] });
      expect(opens, path).toEqual([times, times, times, times]);
      if (path === 'usr/bin/exec-link') expect(await readFile(join(target, 'exec-link'), 'utf8')).toBe('#!/bin/sh\n');
    }
  });

  it('hard links to a file outside the directory: a second read gives the first link the content, the next links share it', async () => {
    const image = await imageOf(linksOut, 'links-out');
    const { opens } = probeLayers(image);
    const events: ExtractProgress[] = [];
    const target = join(await newFolder('links-out'), 'out');
    const result = await extractToDirectory(image, target, { paths: ['sbin'], onProgress: (p) => events.push(p) });
    expect(opens).toEqual([2]);
    expect(await readFile(join(target, 'sbin/tool-link'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    const [link, twin, own] = await Promise.all(['tool-link', 'tool-twin', 'own'].map((n) => lstat(join(target, 'sbin', n))));
    expect(link!.mode & 0o7777).toBe(0o755);
    expect(twin!.ino).toBe(link!.ino);
    expect(own!.ino).not.toBe(link!.ino);
    expect(await readdir(join(target))).toEqual(['sbin']);
    expect(result).toMatchObject({ files: 2, hardlinks: 1, skipped: [] });
    // Both reads count in the progress.
    const size = linksOut.layers[0]!.size;
    expect(events.at(-1)).toMatchObject({ bytesRead: 2 * size, bytesTotal: 2 * size });
  });

  it('several paths at once, each under its base name', async () => {
    const image = await imageOf(comparison, 'comparison');
    const target = join(await newFolder('several'), 'out');
    await extractToDirectory(image, target, { paths: ['/etc/keep', 'opt/app/bin', 'data/'] });
    expect((await readdir(target)).sort()).toEqual(['bin', 'data', 'keep']);
    const tree = await readTree(target);
    const expected: Tree = {
      nodes: new Map([
        ...subtree(umociTree, 'etc/keep').nodes,
        ...subtree(umociTree, 'opt/app/bin').nodes,
        ...subtree(umociTree, 'data').nodes,
      ]),
      hardlinkGroups: [],
    };
    expect(diffTrees(expected, tree, { mtimes: true })).toEqual([]);
  });
});

describe('refused', () => {
  it('a path the image does not have, or no longer has: FileNotInImageError, and nothing is left', async () => {
    const image = await imageOf(comparison, 'comparison');
    for (const path of ['etc/gone', 'gonedir', 'no/such/file', 'etc/conf.d/a.conf']) {
      const parent = await newFolder('missing');
      const failure = await extractToDirectory(image, join(parent, 'out'), { paths: [path] }).catch((err: unknown) => err);
      expect(failure, path).toBeInstanceOf(FileNotInImageError);
      expect((failure as FileNotInImageError).path).toBe(path);
      expect(await readdir(parent)).toEqual([]);
    }
  });

  it('paths that leave the image, name all of it, overlap or collide: ExtractError before anything is made', async () => {
    const image = await imageOf(comparison, 'comparison');
    const { opens } = probeLayers(image);
    const cases: [string[], RegExp][] = [
      [['../etc/passwd'], /'\.\.'/],
      [['etc/../../x'], /'\.\.'/],
      [['/'], /whole image/],
      [['.'], /whole image/],
      [['etc\0x'], /NUL/],
      [[], /paths is empty/],
      [['etc', 'etc/keep'], /etc\/keep is inside etc/],
      [['etc', '/etc/'], /given twice/],
      [['etc/keep', 'data/keep'], /would both be written as keep/],
    ];
    for (const [paths, message] of cases) {
      const parent = await newFolder('refused');
      const failure = await extractToDirectory(image, join(parent, 'out'), { paths }).catch((err: unknown) => err);
      expect(failure, JSON.stringify(paths)).toBeInstanceOf(ExtractError);
      expect((failure as Error).message).toMatch(message);
      expect(await readdir(parent)).toEqual([]);
    }
    expect(opens).toEqual([0, 0, 0, 0]);
  });

  it('a device node or FIFO cannot be saved: ImageFileError with the reason; hostile names below a saved directory stay inside', async () => {
    const image = await imageOf(hostile, 'hostile');
    const parent = await newFolder('fifo');
    const failure = await extractToDirectory(image, join(parent, 'out'), { paths: ['fifo'] }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ImageFileError);
    expect((failure as Error).message).toMatch(/^fifo cannot be written: FIFO/);
    expect(await readdir(parent)).toEqual([]);

    // `a` is a symlink to /: what a layer put below it is refused, never written through.
    const target = join(await newFolder('below-symlink'), 'out');
    const result = await extractToDirectory(await imageOf(hostile, 'hostile'), target, { paths: ['a'] });
    expect(await readdir(target)).toEqual(['a']);
    expect((await lstat(join(target, 'a'))).isSymbolicLink()).toBe(true);
    expect(result.skipped).toEqual([{ path: `a/tmp/${canary}-via-symlink`, reason: 'parent a is a symlink' }]);
    expect((await readdir('/tmp')).filter((n) => n.includes(canary))).toEqual([]);
  });
});
