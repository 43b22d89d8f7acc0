/**
 * Issue 11's zstd benchmark, on the bench image with its layers recompressed
 * as zstd by skopeo (cached in .bench-cache/):
 *
 * 1. Decoders, each in its own process, on the largest layer, beside
 *    `zstd -dc LAYER > /dev/null`: what Lading uses on this runtime
 *    (node:zlib's zstd from Node 22.15, zstd-napi before; pulled as the layer
 *    reader pulls it, and read as a plain stream), its fallback
 *    (fzstd, when zstd-napi does not load), and the candidates it was chosen
 *    among: fzstd alone, zstd-napi's own DecompressStream, and zstd-codec
 *    (WASM) when installed (`npm i --no-save zstd-codec`; not a dependency).
 *    Not measured, for want of a streaming decoder: @mongodb-js/zstd and
 *    @toondepauw/node-zstd (whole buffers only), @bokuweb/zstd-wasm (whole
 *    buffers), @hpcc-js/wasm-zstd (its decompressChunk needs each chunk's
 *    output size beforehand).
 * 2. extractToDirectory() of the whole zstd image from its OCI layout,
 *    beside `zstd -dc LAYER | tar -x` of each layer in order. Target: <= 1.3x.
 *
 *   npm run bench:zstd        (LADING_BENCH_RUNS=5 for more timed runs)
 */
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { requireTool } from '../test/harness/tools.js';
import { bundleChild } from './lib/bundle.js';
import { benchImage, mb } from './lib/image.js';
import { machineLine } from './lib/machine.js';
import { compete, medianCpuMs, medianMs, peakRssMB, runCount, timeChild, timeCommand, type Contender, type Series } from './lib/measure.js';
import { runBench } from './lib/session.js';
import { header, mib, printSeries, printTarget, times } from './lib/table.js';
import { formatSummary, sameSummary, summarizeTree, type TreeSummary } from './lib/tree.js';
import { zstdBenchImage } from './lib/zstd-image.js';

const TARGET = 1.3;
/** Optional candidates, measured when installed. */
const CANDIDATES = ['zstd-codec'];

function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

await runBench('bench/zstd', async (session) => {
  const zstd = requireTool('zstd', 'zstd');
  const tar = requireTool('tar', 'tar');
  const image = await zstdBenchImage(await benchImage());
  const work = await session.tempDir('lading-bench-zstd-');
  const [decodeBundle, extractBundle] = await Promise.all([bundleChild('zstd-decode'), bundleChild('extract')]);
  const largest = [...image.layers].sort((a, b) => b.size - a.size)[0];
  if (!largest) throw new Error('the zstd image has no layers');

  const candidates = CANDIDATES.filter(installed);
  const missing = CANDIDATES.filter((c) => !installed(c));
  header(
    `zstd: decoders on one ${mb(largest.size)} MiB layer, and extraction of the ${mb(image.totalBytes)} MiB zstd image (${image.layers.length} layers)`,
    [
      machineLine(),
      `layout: ${image.layoutDir} (skopeo copy --dest-compress-format zstd of the gzip bench image)`,
      `median of ${runCount()} runs after 1 warm-up${missing.length ? `; candidates not installed (npm i --no-save ${missing.join(' ')}): ${missing.join(', ')}` : ''}`,
    ],
  );

  // Part 1: decoders.
  const decode = (decoder: string) => () => timeChild(decodeBundle, ['--decoder', decoder, '--file', largest.path]);
  const decoders: Contender[] = [
    { name: 'zstd -dc > /dev/null', run: () => timeCommand('/bin/sh', ['-c', `${zstd} -dc ${largest.path} > /dev/null`]) },
    { name: "Lading (this runtime's decoder)", run: decode('lading') },
    { name: "Lading's decoder read as a stream", run: decode('lading-stream') },
    { name: "Lading's fallback (fzstd)", run: decode('lading-fallback') },
    { name: 'fzstd (plain)', run: decode('fzstd') },
    { name: 'zstd-napi DecompressStream', run: decode('zstd-napi-stream') },
    ...candidates.map((c) => ({ name: c, run: decode(c) })),
  ];
  const decodeSeries = await compete(decoders, (l) => console.log(l));
  const runtime = decodeSeries[1]?.samples[0]?.details?.runtimeDecoder;
  const tarBytes = Number(decodeSeries[1]?.samples[0]?.details?.bytes);
  console.log('');
  printSeries(decodeSeries);
  // Output (tar) bytes per second of wall time, Node's start included for the children.
  const rate = (s: Series): string => `${((tarBytes / 1e6 / medianMs(s)) * 1000).toFixed(0).padStart(5)} MB/s`;
  const cli = decodeSeries[0];
  if (cli) {
    console.log(`  ${'zstd -dc'.padEnd(44)} ${' '.repeat(6)}   ${' '.repeat(10)}   ${rate(cli)} of tar`);
    for (const s of decodeSeries.slice(1)) {
      console.log(
        `  ${`${s.name} / zstd -dc`.padEnd(44)} ${times(medianMs(s) / medianMs(cli))}   CPU ${times(medianCpuMs(s) / medianCpuMs(cli))}   ${rate(s)}`,
      );
    }
  }
  console.log(`  Lading's decoder on this runtime: ${String(runtime)}`);

  // Part 2: extraction.
  const out = (name: string): string => join(work, `out-${name}`);
  const peerName = `zstd -dc | tar -x (x${image.layers.length}, in order)`;
  const script = [`mkdir ${out('peer')}`, ...image.layers.map((l) => `${zstd} -dc ${l.path} | ${tar} -x -C ${out('peer')}`)].join(' && ');
  const trees = new Map<string, TreeSummary>();
  const done =
    (name: string, root: string) =>
    async (round: number): Promise<void> => {
      if (round === 1) trees.set(name, await summarizeTree(root));
      await rm(root, { recursive: true, force: true });
    };
  const extractors: Contender[] = [
    {
      name: 'Lading extractToDirectory (zstd)',
      prepare: () => rm(out('lading'), { recursive: true, force: true }),
      run: () => timeChild(extractBundle, ['--layout', image.layoutDir, '--tag', image.tag, '--dest', out('lading')]),
      after: done('Lading', out('lading')),
    },
    {
      name: peerName,
      prepare: () => rm(out('peer'), { recursive: true, force: true }),
      run: () => timeCommand('/bin/bash', ['-c', `set -o pipefail; ${script}`]),
      after: done('peer', out('peer')),
    },
  ];
  console.log('');
  const extractSeries: Series[] = await compete(extractors, (l) => console.log(l));
  console.log('');
  printSeries(extractSeries, { [peerName]: '(largest process)' });
  const [ours, peer] = extractSeries;
  if (!ours || !peer) throw new Error('missing series');
  const a = trees.get('Lading');
  const b = trees.get('peer');
  const same = a !== undefined && b !== undefined && sameSummary(a, b);
  console.log(
    `\n  trees: Lading ${a ? formatSummary(a) : '?'}${same ? " (same as the peer's)" : `; peer ${b ? formatSummary(b) : '?'}: DIFFER`}`,
  );
  const ratio = medianMs(ours) / medianMs(peer);
  console.log(`  CPU Lading / peer ${times(medianCpuMs(ours) / medianCpuMs(peer))}; peak RSS Lading ${mib(peakRssMB(ours))}`);
  const verdicts = [printTarget(`time Lading / ${peerName}`, times(ratio), `<= ${TARGET}x`, ratio <= TARGET)];
  if (!same) verdicts.push({ label: 'trees differ', met: false });
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
