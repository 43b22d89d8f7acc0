/**
 * Issue 8's benchmark: the file index of the ~350 MB, 5-layer image, in one run:
 * - cold index: listImageFiles() with an empty cache (every layer read,
 *   decompressed, parsed, every file hashed), from the registry and from an
 *   OCI layout, beside `gzip -dc LAYER | tar -tvf -` over the same layers one
 *   after another (a listing without hashing); peak RSS of Lading;
 * - reopen: listImageFiles() again in a new process, from the cache;
 * - readImageFile() of a small file in the last layer, beside reading that
 *   whole layer (its blob, verified) in the same process.
 * Targets: cold index <= 1.1x the peer, peak RSS < 150 MB, reopen < 50 ms,
 * reading a small file faster than reading its layer.
 *
 *   npm run bench:files             (LADING_BENCH_RUNS=5 for more timed runs)
 *   npm run bench:files -- --profile  also: where the cold index's time goes (a --cpu-prof split)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileIndexCache, listImageFiles, openLayout } from '../src-main/registry/index';
import { Kind } from '../src-main/registry/files/layer-index';
import { requireTool } from '../test/harness/tools.js';
import { bundleChild } from './lib/bundle.js';
import { benchImage, mb } from './lib/image.js';
import { machineLine } from './lib/machine.js';
import {
  compete,
  ladingProcessLine,
  median,
  medianCpuMs,
  medianMs,
  peakRssMB,
  runCount,
  spawnCollect,
  timeChild,
  timeCommand,
  type Contender,
  type Sample,
} from './lib/measure.js';
import { benchTmpRoot } from './lib/paths.js';
import { summarizeProfile } from './lib/profile.js';
import { pushBenchImage, startBenchRegistry } from './lib/registry.js';
import { runBench } from './lib/session.js';
import { header, mib, printSeries, printTarget, secs, times, type Verdict } from './lib/table.js';

const REPO = 'bench/image';
const TAG = 'v1';
const REOPEN_RUNS = 5;

await runBench('bench/files', async (session) => {
  const tar = requireTool('tar', 'tar');
  const gzip = requireTool('gzip', 'gzip');
  const bash = requireTool('bash', 'bash');
  const image = await benchImage();
  const registry = await startBenchRegistry(session, 'files');
  await pushBenchImage(image, registry.host, REPO, TAG);
  const work = await session.tempDir('lading-bench-files-');
  const bundle = await bundleChild('files');
  const blob = (digest: string): string => join(image.layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));

  header(
    `Files: the file index of a ${mb(image.totalBytes)} MiB image (${image.layers.length} layers, ${mb(image.uncompressedBytes)} MiB of tar)`,
    [
      machineLine(),
      ladingProcessLine(),
      `registry: distribution at ${registry.host}, plain HTTP on loopback; layout: ${image.layoutDir}`,
      `median of ${runCount()} runs after 1 warm-up; every Lading run is a new process with an empty cache folder`,
    ],
  );

  const cacheOf = (name: string): string => join(work, `cache-${name}`);
  const fromRegistry = ['--host', registry.host, '--repo', REPO, '--tag', TAG];
  const fromLayout = ['--layout', image.layoutDir, '--tag', image.tag];
  /** The library call's own time (the child's getImage() before it is left out). */
  const opTime = async (args: string[]): Promise<Sample> => {
    const sample = await timeChild(bundle, args);
    return { ...sample, ms: Number(sample.details?.opMs) };
  };
  const peerScript = `set -o pipefail; ${image.layers.map((l) => `${gzip} -dc ${blob(l.digest)} | ${tar} -tvf - > /dev/null`).join(' && ')}`;

  const contenders: Contender[] = [
    {
      name: 'Lading cold index, registry',
      prepare: () => rm(cacheOf('registry'), { recursive: true, force: true }),
      run: () => opTime(['--op', 'index', ...fromRegistry, '--cache', cacheOf('registry')]),
    },
    {
      name: 'Lading cold index, OCI layout',
      prepare: () => rm(cacheOf('layout'), { recursive: true, force: true }),
      run: () => opTime(['--op', 'index', ...fromLayout, '--cache', cacheOf('layout')]),
    },
    {
      name: `gzip -dc | tar -tvf - (x${image.layers.length}, in order)`,
      run: () => timeCommand(bash, ['-c', peerScript]),
    },
  ];
  const series = await compete(contenders, (l) => console.log(l));
  const [coldRegistry, coldLayout, peer] = series;
  if (!coldRegistry || !coldLayout || !peer) throw new Error('missing series');
  const entries = coldRegistry.samples[0]?.details?.entries;

  // The cache the last registry run left: what a second open finds.
  const reopen: Sample[] = [];
  for (let i = 0; i < REOPEN_RUNS; i++) reopen.push(await opTime(['--op', 'reopen', ...fromRegistry, '--cache', cacheOf('registry')]));
  const second = reopen.map((s) => Number(s.details?.secondMs));
  const entriesMs = reopen.map((s) => Number(s.details?.entriesMs));

  // The first small file in the last layer's archive: readImageFile must stop reading right after it.
  const layoutCache = new FileIndexCache(cacheOf('layout'));
  const files = await listImageFiles(await openLayout(image.layoutDir).getImage(image.tag), { cache: layoutCache });
  const last = image.layers.length - 1;
  const lastIndex = await layoutCache.load(image.layers[last]!.digest);
  if (!lastIndex) throw new Error('the last layer is not in the cache');
  const listed = new Map(files.entries.map((e) => [e.path, e]));
  const first = lastIndex.paths.findIndex(
    (path, i) =>
      lastIndex.kinds[i] === Kind.file &&
      listed.get(path)?.layer === last &&
      (lastIndex.sizes[i] ?? 0) > 0 &&
      (lastIndex.sizes[i] ?? 0) < 16 * 1024,
  );
  const small = listed.get(lastIndex.paths[first] ?? '');
  if (!small) throw new Error('no small file in the last layer');
  const reads: Sample[] = [];
  for (let i = 0; i < REOPEN_RUNS; i++)
    reads.push(await opTime(['--op', 'read', ...fromRegistry, '--cache', cacheOf('registry'), '--path', small.path]));
  const readMs = median(reads.map((s) => s.ms));
  const againMs = median(reads.map((s) => Number(s.details?.againMs)));
  const layerMs = median(reads.map((s) => Number(s.details?.layerMs)));
  const parsedMs = median(reads.map((s) => Number(s.details?.layerParsedMs)));

  console.log('');
  printSeries(series, { [peer.name]: '(largest process)' });
  console.log(`  Lading's time is listImageFiles() inside its child; the peer's is its process wall time. ${String(entries)} entries.`);
  console.log('');
  console.log(
    `  reopen from the cache, new process: first call ${secs(median(reopen.map((s) => s.ms)))} (min ${secs(Math.min(...reopen.map((s) => s.ms)))}), ` +
      `second call ${secs(median(second))}; then the first read of its ${String(entries)} entries (made on demand) ${secs(median(entriesMs))}`,
  );
  console.log(
    `  readImageFile ${small.path} (${small.size} bytes, entry ${first + 1} of ${lastIndex.count} of layer ${last + 1}, ` +
      `${mb(image.layers[last]!.size)} MiB), new process: ${secs(readMs)}; again in that process: ${secs(againMs)}`,
  );
  console.log(
    `  that whole layer: read, decompressed, parsed, hashed ${secs(parsedMs)}; its blob alone read and verified ${secs(layerMs)}`,
  );
  console.log('');

  const rss = Math.max(peakRssMB(coldRegistry), peakRssMB(coldLayout));
  const coldRatio = medianMs(coldRegistry) / medianMs(peer);
  const reopenMs = median(reopen.map((s) => s.ms));
  const verdicts: Verdict[] = [
    printTarget('cold index (registry) / peer', times(coldRatio), '<= 1.10x', coldRatio <= 1.1),
    printTarget('peak RSS Lading (cold index)', mib(rss), '< 150 MB', rss < 150),
    printTarget('reopen: listImageFiles, first call', `${reopenMs.toFixed(1)} ms`, '< 50 ms', reopenMs < 50),
    printTarget('readImageFile / whole layer read', times(readMs / parsedMs), '< 1.00x', readMs < parsedMs),
  ];
  console.log(
    `  readImageFile / the layer's blob alone               ${times(readMs / layerMs)}   (again in the process: ${times(againMs / layerMs)})`,
  );
  console.log(
    `  cold index (layout) / peer             ${times(medianMs(coldLayout) / medianMs(peer))}     CPU ${times(medianCpuMs(coldLayout) / medianCpuMs(peer))}`,
  );
  console.log(`  cold index (registry) / peer, CPU      ${times(medianCpuMs(coldRegistry) / medianCpuMs(peer))}`);

  if (process.argv.includes('--profile')) await profileColdIndex(bundle, fromLayout);
  console.log(
    `\n${
      verdicts.every((v) => v.met)
        ? 'all targets met'
        : `not met: ${verdicts
            .filter((v) => !v.met)
            .map((v) => v.label)
            .join('; ')}`
    }`,
  );
});

/** One cold index from the layout under --cpu-prof: where the main thread's time goes, and what ran elsewhere. */
async function profileColdIndex(bundle: string, source: string[]): Promise<void> {
  const dir = await mkdtemp(join(benchTmpRoot(), 'lading-bench-files-prof-'));
  try {
    const args = ['--cpu-prof', '--cpu-prof-dir', dir, bundle, '--op', 'index', ...source, '--cache', join(dir, 'cache')];
    const run = await spawnCollect(process.execPath, args);
    if (run.code !== 0) throw new Error(`profiled run failed: ${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { opMs: number; cpuMs: number };
    const { buckets, busyMs, totalMs } = await summarizeProfile(dir);
    console.log(
      `\nwhere the cold index's time goes (one run from the layout, profiled: ${secs(report.opMs)} wall, ${secs(report.cpuMs)} CPU):`,
    );
    for (const b of buckets)
      console.log(`  ${b.name.padEnd(56)} ${secs(b.ms).padStart(9)}  ${((100 * b.ms) / totalMs).toFixed(0).padStart(3)} %`);
    console.log(
      `  main thread busy ${secs(busyMs)}; off the main thread (zlib inflate on the thread pool, GC helpers): about ${secs(Math.max(0, report.cpuMs - busyMs))}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
