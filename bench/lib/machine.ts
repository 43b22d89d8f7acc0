/** Lines about the machine and the code measured, so figures can be read in context. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { benchTmpRoot, repoRoot } from './paths.js';

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  // The children are bundled from the working tree as it is at the start of the run.
  const dirty = git(['status', '--porcelain', '--', 'src-main']) !== '' ? ' + uncommitted changes in src-main/' : '';
  return [
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${load} (other work on the machine shows up here)`,
    `code: ${head}${dirty}; Node ${process.version}; temp dirs and registry storage under ${benchTmpRoot()}`,
  ].join('\n');
}
