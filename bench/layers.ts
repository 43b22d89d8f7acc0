/**
 * The layer-reading pipeline's other users, on the ~350 MB, 5-layer bench
 * image read from its OCI layout (page-cached), each beside the GNU tool that
 * does the same work, in the same run:
 * - Image.extract(), the flattened tar stream read to its end, beside
 *   `gzip -dc` of each layer to /dev/null (the floor: inflating is most of it);
 * - saveLayer(decompress) of each layer to a file, beside `gzip -dc LAYER > FILE`;
 * - readLayerEntries() of each layer, headers only (what the file index reads),
 *   beside `tar -tzf LAYER > /dev/null`.
 * No targets: ratios, and peak RSS.
 *
 *   npm run bench:layers        (LADING_BENCH_RUNS=5 for more timed runs)
 */
import { rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTool } from '../test/harness/tools.js';
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
  type Series,
} from './lib/measure.js';
import { runBench } from './lib/session.js';
import { header, mib, printSeries, times } from './lib/table.js';

await runBench('bench/layers', async (session) => {
  const gzip = requireTool('gzip', 'gzip');
  const tar = requireTool('tar', 'tar');
  const image = await benchImage();
  const work = await session.tempDir('lading-bench-layers-');
  const bundle = await bundleChild('layers');
  const blob = (digest: string): string => join(image.layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const layers = image.layers.map((l) => blob(l.digest));
  const saved = join(work, 'saved');
  const fresh = async (): Promise<void> => {
    await rm(saved, { recursive: true, force: true });
    await mkdir(saved);
  };
  const shell = (script: string) => () => timeCommand('/bin/sh', ['-c', script]);
  const lading = (op: string) => () => timeChild(bundle, ['--op', op, '--layout', image.layoutDir, '--tag', image.tag, '--dest', saved]);

  header(
    `Layers: the tar stream, saving decompressed, and listing entries of a ${mb(image.totalBytes)} MiB image (${image.layers.length} layers, ${mb(image.uncompressedBytes)} MiB of tar)`,
    [
      machineLine(),
      ladingProcessLine(),
      `layout: ${image.layoutDir} (page-cached); saved files under ${work}`,
      `median of ${runCount()} runs after 1 warm-up; contenders take turns within a round`,
    ],
  );

  const contenders: Contender[] = [
    { name: 'Lading Image.extract() (drained)', run: lading('stream') },
    { name: `gzip -dc (x${layers.length}) > /dev/null`, run: shell(layers.map((l) => `${gzip} -dc ${l} > /dev/null`).join(' && ')) },
    { name: 'Lading saveLayer decompressed', prepare: fresh, run: lading('save') },
    {
      name: `gzip -dc LAYER > FILE (x${layers.length})`,
      prepare: fresh,
      run: shell(layers.map((l, i) => `${gzip} -dc ${l} > ${join(saved, `${i}.tar`)}`).join(' && ')),
    },
    { name: 'Lading readLayerEntries (list)', run: lading('list') },
    { name: `tar -tzf (x${layers.length}) > /dev/null`, run: shell(layers.map((l) => `${tar} -tzf ${l} > /dev/null`).join(' && ')) },
  ];
  const series = await compete(contenders, (l) => console.log(l));
  console.log('');
  printSeries(series);
  console.log('');
  const pairs: [Series | undefined, Series | undefined][] = [
    [series[0], series[1]],
    [series[2], series[3]],
    [series[4], series[5]],
  ];
  for (const [ours, peer] of pairs) {
    if (!ours || !peer) continue;
    console.log(
      `  ${`${ours.name} / ${peer.name}`.padEnd(72)} ${times(medianMs(ours) / medianMs(peer))}   CPU ${times(medianCpuMs(ours) / medianCpuMs(peer))}   peak RSS ${mib(peakRssMB(ours))}`,
    );
  }
  await rm(saved, { recursive: true, force: true });
});
