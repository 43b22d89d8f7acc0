/**
 * Issue 9's benchmark: the facts (digest, size, created, platforms) of 1,200
 * tags, each a distinct image, on a loopback distribution registry.
 *
 *   npm run bench:tags          (LADING_BENCH_RUNS=5 for more runs; LADING_BENCH_TAGS=N for another count)
 *
 * Contenders, taking turns in each round after one warm-up round:
 * - the peer, the sequential floor: one `curl` process that GETs each tag's
 *   manifest one after another over one kept-alive connection (a config file
 *   of URLs), bodies to /dev/null. It reads less than Lading (no config blob).
 * - Lading cold: the app's tag facts service, as the "read all dates" job
 *   runs it (TAG_FACTS_JOB_CONCURRENCY tags at a time), over a fresh data
 *   folder: every manifest and config read, the cache written.
 * - Lading warm: a new service over the data folder the cold run left (the
 *   cache on disk): every fact from the cache alone (what reopening shows at
 *   once, and why the job then finds nothing missing: no request), then every
 *   tag confirmed with one HEAD, counted in the registry's access log.
 *
 * Lading runs in this process (tsx), timed around the call; curl's time is
 * its process wall time. Targets (issue 9): cold <= 0.5x curl, warm <= 0.3x
 * curl with at most one request per tag.
 *
 * The registry runs on the same cores, and its own CPU time per request is
 * what bounds a client that asks many at once: the CPU it spends answering
 * each contender is measured (from /proc) and printed with the floor it sets,
 * registry CPU / cores, which no client can go under on this machine.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServices, type Services } from '../src-main/app/services.js';
import { TAG_FACTS_JOB_CONCURRENCY } from '../src-main/app/tag-facts-job.js';
import { pushDatedImages } from '../test/harness/dated-images.js';
import { requireTool } from '../test/harness/tools.js';
import { cpus } from 'node:os';
import { machineLine } from './lib/machine.js';
import { pidByCommandLine, processCpuMs } from './lib/process-cpu.js';
import { timeCommand } from './lib/measure.js';
import { startBenchRegistry } from './lib/registry.js';
import { runBench, type BenchSession } from './lib/session.js';
import { header, printTable, printTarget, secs, times } from './lib/table.js';

const TAGS = Math.max(10, Number(process.env.LADING_BENCH_TAGS) || 1200);
const RUNS = Math.max(1, Number(process.env.LADING_BENCH_RUNS) || 3);
/** Tags at a time for Lading: the job's own figure unless LADING_BENCH_CONCURRENCY says otherwise (to measure another). */
const CONCURRENCY = Math.max(1, Number(process.env.LADING_BENCH_CONCURRENCY) || TAG_FACTS_JOB_CONCURRENCY);
const REPOSITORY = 'bench/dated';
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Requests the registry logged for the repository so far, by `METHOD kind`. */
function requestCount(log: string): Map<string, number> {
  const pattern = new RegExp(`"(GET|HEAD) /v2/${REPOSITORY}/(manifests|blobs)/`);
  const counts = new Map<string, number>();
  for (const line of log.split('\n')) {
    const m = pattern.exec(line);
    if (m) counts.set(`${m[1]} ${m[2]}`, (counts.get(`${m[1]} ${m[2]}`) ?? 0) + 1);
  }
  return counts;
}

function difference(after: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) > 0) out[k] = v - (before.get(k) ?? 0);
  return out;
}

async function newServices(session: BenchSession, dataDir: string): Promise<Services> {
  const homeDir = await session.tempDir('lading-bench-tags-home-');
  return createServices({
    dataDir,
    homeDir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: homeDir },
    keychainService: `Lading-bench-${randomBytes(6).toString('hex')}`,
  });
}

await runBench('bench/tags', async (session) => {
  const registry = await startBenchRegistry(session, 'tags');
  const work = await session.tempDir('lading-bench-tags-');
  const tags = Array.from({ length: TAGS }, (_, i) => `build-${i + 1}`);
  const filled = performance.now();
  await pushDatedImages(registry.url, REPOSITORY, { tags, concurrency: 8 });
  const fillMs = performance.now() - filled;

  const curl = requireTool('curl', 'curl');
  const curlConfig = join(work, 'curl.cfg');
  await writeFile(
    curlConfig,
    [
      `header = "Accept: ${ACCEPT}"`,
      'silent',
      'fail',
      ...tags.flatMap((t) => [`url = "${registry.url}/v2/${REPOSITORY}/manifests/${t}"`, 'output = "/dev/null"']),
    ].join('\n'),
  );

  header(`Tag facts: ${TAGS.toLocaleString('en-US')} tags, each a distinct image`, [
    machineLine(),
    `registry: distribution (docker-registry) at ${registry.host}, plain HTTP on loopback; filled in ${(fillMs / 1000).toFixed(1)} s (not measured)`,
    `Lading: the app's tag facts service, ${CONCURRENCY} tags at a time (the "read all dates" job); in this process`,
    `peer: one curl process, every tag's manifest GET in turn over one kept-alive connection; ${RUNS} runs each after 1 warm-up`,
  ]);

  const registryPid = pidByCommandLine(registry.configPath);
  const cores = cpus().length;
  /** Registry CPU ms per contender, last run. */
  const serverMs = { curl: 0, cold: 0, cached: 0, warm: 0 };
  /** This process's CPU ms per Lading contender, last run (curl's is its process's user + system). */
  const clientMs = { curl: 0, cold: 0, cached: 0, warm: 0 };
  const ownCpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let ownBefore: number;
  const curlMs: number[] = [];
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  const cachedMs: number[] = [];
  let cachedRequests: Record<string, number> = {};
  let coldRequests: Record<string, number> = {};
  let warmRequests: Record<string, number> = {};

  for (let round = 0; round <= RUNS; round++) {
    const timed = round > 0;
    let cpuBefore = processCpuMs(registryPid);
    const peer = await timeCommand(curl, ['-K', curlConfig]);
    serverMs.curl = processCpuMs(registryPid) - cpuBefore;
    clientMs.curl = peer.cpuMs;
    if (timed) curlMs.push(peer.ms);

    // Cold: a fresh data folder.
    const dataDir = await session.tempDir('lading-bench-tags-data-');
    const cold = await newServices(session, dataDir);
    const conn = await cold.connections.save({
      name: 'bench',
      host: registry.host,
      authKind: 'anonymous',
      plainHttp: true,
      tlsSkipVerify: false,
    });
    let before = requestCount(registry.log());
    cpuBefore = processCpuMs(registryPid);
    ownBefore = ownCpuMs();
    let started = performance.now();
    const coldFacts = await cold.tagFacts.fetch(conn.id, REPOSITORY, tags, { concurrency: CONCURRENCY });
    const coldTook = performance.now() - started;
    await new Promise((r) => setTimeout(r, 200)); // the access log is written after the answers
    serverMs.cold = processCpuMs(registryPid) - cpuBefore;
    clientMs.cold = ownCpuMs() - ownBefore;
    coldRequests = difference(requestCount(registry.log()), before);
    const failed = coldFacts.filter((f) => f.state !== 'checked');
    if (failed.length) throw new Error(`${failed.length} tags failed: ${JSON.stringify(failed[0])}`);
    await cold.close();
    if (timed) coldMs.push(coldTook);

    // Warm: a new service over the cache the cold run wrote (as after a restart).
    const warm = await newServices(session, dataDir);
    // What reopening shows at once: every fact from the cache, no request (the job then finds nothing missing).
    before = requestCount(registry.log());
    cpuBefore = processCpuMs(registryPid);
    ownBefore = ownCpuMs();
    started = performance.now();
    const known = await warm.tagFacts.cachedFacts(conn.id, REPOSITORY, tags);
    const cachedTook = performance.now() - started;
    const missing = await warm.tagFacts.missing(conn.id, REPOSITORY, tags);
    if (known.some((f) => f.state !== 'cached') || missing.length) throw new Error(`the cache missed ${missing.length} tags`);
    serverMs.cached = processCpuMs(registryPid) - cpuBefore;
    clientMs.cached = ownCpuMs() - ownBefore;
    cachedRequests = difference(requestCount(registry.log()), before);
    if (timed) cachedMs.push(cachedTook);
    // Then every tag confirmed with the registry: one HEAD each.
    before = requestCount(registry.log());
    cpuBefore = processCpuMs(registryPid);
    ownBefore = ownCpuMs();
    started = performance.now();
    await warm.tagFacts.fetch(conn.id, REPOSITORY, tags, { concurrency: CONCURRENCY });
    const warmTook = performance.now() - started;
    await new Promise((r) => setTimeout(r, 200));
    serverMs.warm = processCpuMs(registryPid) - cpuBefore;
    clientMs.warm = ownCpuMs() - ownBefore;
    warmRequests = difference(requestCount(registry.log()), before);
    await warm.close();
    if (timed) warmMs.push(warmTook);
  }

  const floor = median(curlMs);
  const rows = [
    [
      'curl, manifests one after another',
      secs(floor),
      `${secs(Math.min(...curlMs))} - ${secs(Math.max(...curlMs))}`,
      '1.00x',
      secs(clientMs.curl),
      secs(serverMs.curl),
      '',
      `${TAGS} GET manifests`,
    ],
    [
      'Lading cold',
      secs(median(coldMs)),
      `${secs(Math.min(...coldMs))} - ${secs(Math.max(...coldMs))}`,
      times(median(coldMs) / floor),
      secs(clientMs.cold),
      secs(serverMs.cold),
      times(serverMs.cold / cores / floor),
      JSON.stringify(coldRequests),
    ],
    [
      'Lading warm, from the cache alone',
      secs(median(cachedMs)),
      `${secs(Math.min(...cachedMs))} - ${secs(Math.max(...cachedMs))}`,
      times(median(cachedMs) / floor),
      secs(clientMs.cached),
      secs(serverMs.cached),
      times(serverMs.cached / cores / floor),
      JSON.stringify(cachedRequests),
    ],
    [
      'Lading warm, each tag confirmed',
      secs(median(warmMs)),
      `${secs(Math.min(...warmMs))} - ${secs(Math.max(...warmMs))}`,
      times(median(warmMs) / floor),
      secs(clientMs.warm),
      secs(serverMs.warm),
      times(serverMs.warm / cores / floor),
      JSON.stringify(warmRequests),
    ],
  ];
  printTable(['', 'median', 'min - max', 'vs curl', 'client CPU', 'registry CPU', 'its floor vs curl', 'requests (last run)'], rows);
  console.log('');
  console.log(
    `registry CPU: what the registry process spent answering (last run); its floor = registry CPU / ${cores} cores, the least time any client`,
  );
  console.log('  can take for those requests on this machine, as a ratio to curl. A target under the floor cannot be met here.');
  console.log('');
  const warmTotal = Object.values(warmRequests).reduce((a, b) => a + b, 0);
  printTarget('cold vs curl', times(median(coldMs) / floor), '<= 0.50x', median(coldMs) / floor <= 0.5);
  printTarget('warm (cache alone) vs curl', times(median(cachedMs) / floor), '<= 0.30x', median(cachedMs) / floor <= 0.3);
  printTarget('warm (each confirmed) vs curl', times(median(warmMs) / floor), '<= 0.30x', median(warmMs) / floor <= 0.3);
  printTarget('warm requests per tag', (warmTotal / TAGS).toFixed(2), '<= 1', warmTotal <= TAGS);
});
