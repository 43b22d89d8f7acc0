/**
 * A full disk, for real: each writer (saveLayer as stored and decompressed,
 * extractToDirectory, pushing into an OCI layout) runs in a child process
 * whose target folder is a 512 KiB tmpfs, mounted in a private user and
 * mount namespace (`unshare -rm`, util-linux), and is given a 2 MiB
 * incompressible layer. Each must fail with a message that names the full
 * disk, and leave nothing under its final name: no layer file, no rootfs,
 * no index.json, no temporary file.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../harness/tmp.js';
import { requireTool } from '../harness/tools.js';
import { pushRandomImage, startIsolatedRegistry, uniqueRepository, type IsolatedRegistry } from './registry-support';
import { runJsonChild } from './json-child';

const CHILD_SCRIPT = fileURLToPath(new URL('./full-disk-child.ts', import.meta.url));
const TMPFS_SIZE = '512k';

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
  left: string[];
}
type Results = Record<'saveLayer' | 'saveLayerDecompressed' | 'extract' | 'layout', Outcome>;

let root: string;
let own: IsolatedRegistry;
let repository: string;
let results: Results;

function runChild(mountPoint: string, args: object): Promise<Results> {
  const unshare = requireTool('unshare', 'util-linux');
  return runJsonChild<Results>(CHILD_SCRIPT, args, {
    wrapper: [unshare, '-rm', 'sh', '-c', 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"', 'sh', TMPFS_SIZE, mountPoint],
  });
}

beforeAll(async () => {
  root = await makeTempDir('lading-it-full-disk-');
  own = await startIsolatedRegistry(root, 'full-disk');
  repository = uniqueRepository('full-disk');
  await pushRandomImage(root, own.registry.host, repository, [2 << 20]);
  const mountPoint = join(root, 'tiny');
  await mkdir(mountPoint);
  results = await runChild(mountPoint, { host: own.registry.host, repository, tag: 'v1', dir: mountPoint });
}, 120_000);

afterAll(async () => {
  await own?.registry.stop();
  await rm(root, { recursive: true, force: true });
});

describe('a full disk', () => {
  it.each(['saveLayer', 'saveLayerDecompressed', 'extract', 'layout'] as const)(
    '%s fails saying the disk is full, in the shared words',
    (writer) => {
      const outcome = results[writer];
      expect(outcome.ok).toBe(false);
      // One table of words (registry/disk/failure-words.ts) for every writer.
      expect(outcome.message).toMatch(/^The disk is full: could not (save|extract into|write) \//);
      expect(outcome.message).not.toMatch(/\n\s+at /);
    },
  );

  it('saveLayer leaves no file, under its final name or a temporary one', () => {
    expect(results.saveLayer.left).toEqual([]);
    expect(results.saveLayerDecompressed.left).toEqual([]);
  });

  it('extractToDirectory leaves no rootfs and no temporary folder', () => {
    expect(results.extract.left).toEqual([]);
  });

  it('a layout push leaves no index.json naming the image and no temporary blob', () => {
    const left = results.layout.left;
    expect(left).not.toContain('layout/index.json');
    expect(left.filter((p) => /tmp|partial/.test(p))).toEqual([]);
  });
});
