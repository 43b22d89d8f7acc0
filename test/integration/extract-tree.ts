/**
 * A directory tree reduced to what the extract tests compare: for each path,
 * its type, permission bits, mtime, content hash (files) or target
 * (symlinks), and which paths share an inode. Symlinks are never followed.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeNode {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  /** Seconds since the epoch (tar keeps whole seconds). */
  mtime: number;
  sha256?: string;
  target?: string;
}

export interface Tree {
  nodes: Map<string, TreeNode>;
  /** Sorted groups of paths that are one inode (only groups of two or more). */
  hardlinkGroups: string[][];
}

export async function readTree(root: string): Promise<Tree> {
  const nodes = new Map<string, TreeNode>();
  const inodes = new Map<number, string[]>();
  async function walk(rel: string): Promise<void> {
    const abs = rel === '' ? root : join(root, rel);
    for (const name of (await readdir(abs)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, path);
      const info = await lstat(full);
      const base = { mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs / 1000) };
      if (info.isSymbolicLink()) {
        nodes.set(path, { type: 'symlink', ...base, mode: 0, target: await readlink(full) });
      } else if (info.isDirectory()) {
        nodes.set(path, { type: 'dir', ...base });
        await walk(path);
      } else if (info.isFile()) {
        nodes.set(path, {
          type: 'file',
          ...base,
          sha256: createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        });
        if (info.nlink > 1) inodes.set(info.ino, [...(inodes.get(info.ino) ?? []), path]);
      } else {
        nodes.set(path, { type: 'other', ...base });
      }
    }
  }
  await walk('');
  const hardlinkGroups = [...inodes.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort())
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
  return { nodes, hardlinkGroups };
}

/** Differences between two trees, one line each; empty when they agree. */
export function diffTrees(expected: Tree, actual: Tree, opts: { mtimes?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const [path, want] of expected.nodes) {
    const got = actual.nodes.get(path);
    if (!got) {
      out.push(`missing ${path} (${want.type})`);
      continue;
    }
    if (got.type !== want.type) out.push(`${path}: type ${got.type}, expected ${want.type}`);
    else {
      if (got.mode !== want.mode) out.push(`${path}: mode ${got.mode.toString(8)}, expected ${want.mode.toString(8)}`);
      if (got.sha256 !== want.sha256) out.push(`${path}: content differs`);
      if (got.target !== want.target) out.push(`${path}: symlink target ${String(got.target)}, expected ${String(want.target)}`);
      if (opts.mtimes && got.mtime !== want.mtime) out.push(`${path}: mtime ${got.mtime}, expected ${want.mtime}`);
    }
  }
  for (const [path, got] of actual.nodes) if (!expected.nodes.has(path)) out.push(`unexpected ${path} (${got.type})`);
  const groups = (t: Tree): string => JSON.stringify(t.hardlinkGroups);
  if (groups(expected) !== groups(actual)) out.push(`hard link groups ${groups(actual)}, expected ${groups(expected)}`);
  return out;
}
