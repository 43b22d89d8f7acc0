/** A summary of a directory tree, to check that extractors produced the same thing. */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeSummary {
  files: number;
  dirs: number;
  symlinks: number;
  other: number;
  /** Sum of regular files' sizes. */
  bytes: number;
}

export async function summarizeTree(root: string): Promise<TreeSummary> {
  const summary: TreeSummary = { files: 0, dirs: 0, symlinks: 0, other: 0, bytes: 0 };
  const stack = [root];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        summary.dirs++;
        stack.push(path);
      } else if (entry.isSymbolicLink()) {
        summary.symlinks++;
      } else if (entry.isFile()) {
        summary.files++;
        summary.bytes += (await lstat(path)).size;
      } else {
        summary.other++;
      }
    }
  }
  return summary;
}

export function formatSummary(s: TreeSummary): string {
  return `${s.files} files (${(s.bytes / 2 ** 20).toFixed(1)} MiB), ${s.dirs} dirs, ${s.symlinks} symlinks${s.other ? `, ${s.other} other` : ''}`;
}

export function sameSummary(a: TreeSummary, b: TreeSummary): boolean {
  return a.files === b.files && a.dirs === b.dirs && a.symlinks === b.symlinks && a.other === b.other && a.bytes === b.bytes;
}
