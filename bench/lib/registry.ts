/**
 * Loopback distribution registries for the benchmarks (the test harness's
 * startRegistry, each with its own storage in a session temp dir), and the
 * image pushed into one with skopeo.
 */
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../../test/harness/registry.js';
import { requireTool, run } from '../../test/harness/tools.js';
import type { BenchImage } from './image.js';
import type { BenchSession } from './session.js';

export async function startBenchRegistry(session: BenchSession, name: string): Promise<RunningRegistry> {
  const dir = await session.tempDir(`lading-bench-${name}-`);
  const registry = await startRegistry({ auth: 'none', rootDirectory: join(dir, 'storage'), workDir: join(dir, 'work') });
  session.defer(`stop registry ${name}`, () => registry.stop());
  return registry;
}

export function skopeoBin(): string {
  return requireTool('skopeo', 'skopeo');
}

/** Pushes the cached layout to `host/repo:tag` (not timed). */
export async function pushBenchImage(image: BenchImage, host: string, repo: string, tag: string): Promise<void> {
  await run(
    skopeoBin(),
    [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${image.layoutDir}:${image.tag}`,
      `docker://${host}/${repo}:${tag}`,
    ],
    { timeoutMs: 300_000 },
  );
}

/**
 * skopeo remembers where it saw blobs (a BoltDB "blob-info cache") and then
 * mounts or skips instead of uploading. Removed before each skopeo run, so
 * skopeo does the whole work every time, as Lading does.
 */
export async function clearSkopeoBlobCache(): Promise<void> {
  const candidates = [
    '/var/lib/containers/cache/blob-info-cache-v1.boltdb',
    join(homedir(), '.local/share/containers/cache/blob-info-cache-v1.boltdb'),
  ];
  if (process.env.XDG_DATA_HOME) candidates.push(join(process.env.XDG_DATA_HOME, 'containers/cache/blob-info-cache-v1.boltdb'));
  for (const path of candidates) await rm(path, { force: true });
}
