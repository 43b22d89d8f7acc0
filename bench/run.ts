/**
 * Runs the benchmarks one after the other, each in its own process:
 *
 *   npm run bench                  read, mirror, extract, files
 *   npm run bench -- read extract  only those
 *
 * Each prints its figures beside its peers' from the same run, as ratios, and
 * cleans up its registries and temp dirs. The ~350 MB image is built once
 * (about half a minute) and cached in .bench-cache/.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.js';

const ALL = ['read', 'mirror', 'extract', 'files', 'mirror-repository', 'archive'];
const KNOWN = [...ALL, 'file-writes', 'layers', 'zstd'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
const unknown = chosen.filter((name) => !KNOWN.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${KNOWN.join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const failed: string[] = [];
for (const name of chosen) {
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', `${name}.ts`)], { stdio: 'inherit', cwd: repoRoot });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('close', (c) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(c);
    });
  });
  if (code !== 0) failed.push(name);
}
console.log(`\nbenchmarks done in ${((Date.now() - started) / 1000).toFixed(0)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
