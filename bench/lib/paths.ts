/**
 * Where the benchmarks keep things. The built image is cached under
 * `.bench-cache/` (git-ignored) at the repository root; everything else
 * (registry storage, destination folders) goes into temp dirs under one root.
 *
 * The temp root defaults to the test harness's choice (/dev/shm when usable),
 * so no tool is measured waiting on a disk's fsync; LADING_BENCH_TMPDIR
 * overrides it (e.g. a folder on a real disk).
 */
import { mkdtemp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessTmpRoot } from '../../test/harness/tmp.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.bench-cache');

export function benchTmpRoot(): string {
  return process.env.LADING_BENCH_TMPDIR || harnessTmpRoot();
}

/** A new, empty temp dir `<prefix>XXXXXX` under benchTmpRoot(). */
export function makeBenchTemp(prefix: string): Promise<string> {
  return mkdtemp(join(benchTmpRoot(), prefix));
}
