/**
 * Issue 3's extract benchmark: the flattened filesystem of the ~350 MB,
 * 5-layer image written to a directory, in one run:
 * - Lading extractToDirectory(), reading an OCI layout of the image (the
 *   same input as the peers), and reading the registry (the app's own path);
 * - `umoci unpack --rootless` of that OCI layout (made by `skopeo copy
 *   docker:// oci:`; umoci also hashes every file for its mtree manifest);
 * - GNU `tar -xzf` of each layer in order into one directory (no whiteout
 *   handling: the benchmark image has none, so the trees are the same).
 * Targets (issue 12): Lading <= 1.0x GNU tar's time (1.2x accepted for noise
 * on a shared machine), peak RSS under 120 MB; ratios against both peers.
 * No warm-up round: every run is a new process, and the layout was just
 * written (so it is in the page cache); at ~1 minute a round, a warm-up would
 * add a quarter to the run time. The trees of the first run are compared
 * (counts of files, dirs, symlinks and bytes).
 *
 *   npm run bench:extract        (LADING_BENCH_RUNS=5 for more timed runs)
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTool, run } from '../test/harness/tools.js';
import { bundleChild } from './lib/bundle.js';
import { benchImage, mb } from './lib/image.js';
import { machineLine } from './lib/machine.js';
import {
  compete,
  ladingProcessLine,
  medianCpuMs,
  medianMs,
  peakRssMB,
  runCount,
  timeChild,
  timeCommand,
  type Contender,
} from './lib/measure.js';
import { pushBenchImage, skopeoBin, startBenchRegistry } from './lib/registry.js';
import { runBench } from './lib/session.js';
import { header, mib, printSeries, printTarget, times, type Verdict } from './lib/table.js';
import { formatSummary, sameSummary, summarizeTree, type TreeSummary } from './lib/tree.js';

const REPO = 'bench/image';
const TAG = 'v1';
const TAR_TARGET = 1.0;
const TAR_ACCEPTED = 1.2;
const RSS_TARGET_MB = 120;

await runBench('bench/extract', async (session) => {
  const umoci = requireTool('umoci', 'umoci');
  const tar = requireTool('tar', 'tar');
  const image = await benchImage();
  const registry = await startBenchRegistry(session, 'extract');
  await pushBenchImage(image, registry.host, REPO, TAG);
  const work = await session.tempDir('lading-bench-extract-');
  const layout = join(work, 'layout');
  await run(
    skopeoBin(),
    ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', `docker://${registry.host}/${REPO}:${TAG}`, `oci:${layout}:${TAG}`],
    { timeoutMs: 300_000 },
  );
  const bundle = await bundleChild('extract');

  header(
    `Extract: the flattened filesystem of a ${mb(image.totalBytes)} MiB image (${image.layers.length} layers, ${mb(image.uncompressedBytes)} MiB of tar) to a directory`,
    [
      machineLine(),
      ladingProcessLine(),
      `layout: ${layout} (skopeo copy docker:// oci:); registry: distribution at ${registry.host}, plain HTTP on loopback`,
      `median of ${runCount()} runs (no warm-up); destinations removed between runs`,
    ],
  );

  const out = (name: string): string => join(work, `out-${name}`);
  const tarScript = [
    `mkdir ${out('tar')}`,
    ...image.layers.map((l) => `${tar} -xzf ${join(layout, 'blobs', 'sha256', l.digest.slice('sha256:'.length))} -C ${out('tar')}`),
  ].join(' && ');
  const trees = new Map<string, TreeSummary>();
  /** After the first run: summarise the tree; then remove it. */
  const done =
    (name: string, root: string) =>
    async (round: number): Promise<void> => {
      if (round === 1) trees.set(name, await summarizeTree(root));
      await rm(out(name), { recursive: true, force: true });
    };
  const clear = (name: string) => (): Promise<void> => rm(out(name), { recursive: true, force: true });

  const contenders: Contender[] = [
    {
      name: 'Lading, from the OCI layout',
      prepare: clear('lading-layout'),
      run: () => timeChild(bundle, ['--layout', layout, '--tag', TAG, '--dest', out('lading-layout')]),
      after: done('Lading, from the OCI layout', out('lading-layout')),
    },
    {
      name: 'Lading, from the registry',
      prepare: clear('lading-registry'),
      run: () => timeChild(bundle, ['--host', registry.host, '--repo', REPO, '--tag', TAG, '--dest', out('lading-registry')]),
      after: done('Lading, from the registry', out('lading-registry')),
    },
    {
      name: 'umoci unpack --rootless',
      prepare: clear('umoci'),
      run: () => timeCommand(umoci, ['unpack', '--rootless', '--image', `${layout}:${TAG}`, out('umoci')]),
      after: done('umoci unpack --rootless', join(out('umoci'), 'rootfs')),
    },
    {
      name: `tar -xzf (x${image.layers.length}, in order)`,
      prepare: clear('tar'),
      run: () => timeCommand('/bin/sh', ['-c', tarScript]),
      after: done(`tar -xzf (x${image.layers.length}, in order)`, out('tar')),
    },
  ];
  const series = await compete(contenders, (l) => console.log(l), { warmup: false });
  const [fromLayout, fromRegistry, umociSeries, tarSeries] = series;
  if (!fromLayout || !fromRegistry || !umociSeries || !tarSeries) throw new Error('missing series');

  console.log('');
  printSeries(series, { [tarSeries.name]: '(largest process)' });
  console.log(`  Lading's time is the operation inside its child; "process wall" adds Node's start-up. Peer times are process wall.`);
  const skipped = fromLayout.samples[0]?.details?.skipped;
  if (typeof skipped === 'number' && skipped > 0) console.log(`  Lading skipped ${skipped} entries (devices, FIFOs or unsafe paths)`);
  console.log('');
  console.log('trees (first run):');
  const reference = trees.get(tarSeries.name);
  let treesAgree = true;
  for (const [name, summary] of trees) {
    const same = reference !== undefined && sameSummary(summary, reference);
    treesAgree &&= same;
    console.log(`  ${name.padEnd(34)} ${formatSummary(summary)}${same || name === tarSeries.name ? '' : '   DIFFERS from tar'}`);
  }
  console.log('');
  const rss = Math.max(peakRssMB(fromLayout), peakRssMB(fromRegistry));
  const vsTar = medianMs(fromLayout) / medianMs(tarSeries);
  const verdicts: Verdict[] = [
    printTarget('time Lading (layout) / tar', times(vsTar), `<= ${TAR_TARGET}x (${TAR_ACCEPTED}x accepted)`, vsTar <= TAR_ACCEPTED),
    printTarget('peak RSS Lading', mib(rss), `< ${RSS_TARGET_MB} MB`, rss < RSS_TARGET_MB),
  ];
  console.log(
    `  time Lading (layout) / umoci         ${times(medianMs(fromLayout) / medianMs(umociSeries))}     CPU ${times(medianCpuMs(fromLayout) / medianCpuMs(umociSeries))}`,
  );
  console.log(
    `  time Lading (layout) / tar           ${times(medianMs(fromLayout) / medianMs(tarSeries))}     CPU ${times(medianCpuMs(fromLayout) / medianCpuMs(tarSeries))}`,
  );
  console.log(`  time Lading (registry) / umoci       ${times(medianMs(fromRegistry) / medianMs(umociSeries))}`);
  console.log(`  time Lading (registry) / tar         ${times(medianMs(fromRegistry) / medianMs(tarSeries))}`);
  if (!treesAgree) verdicts.push({ label: 'trees differ', met: false });
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
