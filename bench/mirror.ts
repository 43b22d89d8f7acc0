/**
 * Issue 3's mirror benchmark, in one run:
 * 1. registry -> registry: the ~350 MB image from one loopback distribution
 *    registry into a fresh repository of a second one (its own storage), by
 *    Lading's mirror() and by `skopeo copy docker:// docker://` with skopeo's
 *    blob-info cache removed first. Fresh target repositories every run, so
 *    both upload every blob. Target: at most 1.0x skopeo's time.
 * 2. Same registry: mirror() into a fresh repository of the source registry,
 *    which mounts every blob instead of uploading. Target: under 0.2 s.
 *    skopeo doing the same copy is shown beside it.
 * Peak RSS of Lading's process: under 150 MB.
 *
 *   npm run bench:mirror        (LADING_BENCH_RUNS=5 for more timed runs)
 */
import { bundleChild } from './lib/bundle.js';
import { expectDigest } from './lib/check.js';
import { benchImage, mb } from './lib/image.js';
import { machineLine } from './lib/machine.js';
import { compete, medianCpuMs, medianMs, peakRssMB, runCount, timeChild, timeCommand, type Contender, type Sample } from './lib/measure.js';
import { clearSkopeoBlobCache, pushBenchImage, skopeoBin, startBenchRegistry } from './lib/registry.js';
import { runBench } from './lib/session.js';
import { header, mib, printSeries, printTarget, secs, times, type Verdict } from './lib/table.js';

const REPO = 'bench/image';
const TAG = 'v1';

await runBench('bench/mirror', async (session) => {
  const image = await benchImage();
  const [source, target] = await Promise.all([startBenchRegistry(session, 'source'), startBenchRegistry(session, 'target')]);
  await pushBenchImage(image, source.host, REPO, TAG);
  const bundle = await bundleChild('mirror');
  const blobCount = image.blobs.length;

  header(`Mirror: a ${mb(image.totalBytes)} MiB image (config + ${image.layers.length} layers), registry -> registry`, [
    machineLine(),
    `source: distribution at ${source.host}; target: a second distribution at ${target.host} with its own storage; plain HTTP on loopback`,
    `fresh target repository every run; skopeo's blob-info cache removed before each skopeo run; median of ${runCount()} runs after 1 warm-up`,
  ]);

  const ladingMirror = (dstHost: string, dstRepo: string): Promise<Sample> =>
    timeChild(bundle, ['--src-host', source.host, '--src-repo', REPO, '--tag', TAG, '--dst-host', dstHost, '--dst-repo', dstRepo]);
  const skopeoCopy = (dstHost: string, dstRepo: string): Promise<Sample & { stdout: string; stderr: string }> =>
    timeCommand(skopeoBin(), [
      '--insecure-policy',
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${source.host}/${REPO}:${TAG}`,
      `docker://${dstHost}/${dstRepo}:${TAG}`,
    ]);
  /** What Lading's child says it did with the blobs. */
  const expectOutcome = (sample: Sample, key: 'copied' | 'mounted', who: string): void => {
    const d = sample.details ?? {};
    if (d[key] !== blobCount) throw new Error(`${who}: expected ${blobCount} blobs ${key}, got ${JSON.stringify(d)}`);
  };
  /** skopeo names every blob it did not upload ("skipped: already exists"). */
  const skopeoReused = (out: string): number => (out.match(/skipped|already exists/gi) ?? []).length;
  let skopeoReuses = 0;

  const crossRegistry: Contender[] = [
    {
      name: 'Lading mirror()',
      run: (r) => ladingMirror(target.host, `mirror/lading-${r}`),
      after: async (r, sample) => {
        expectOutcome(sample, 'copied', 'Lading');
        await expectDigest(target.url, `mirror/lading-${r}`, TAG, image.manifest.digest, 'Lading');
      },
    },
    {
      name: 'skopeo copy docker:// docker://',
      prepare: () => clearSkopeoBlobCache(),
      run: async (r) => {
        const sample = await skopeoCopy(target.host, `mirror/skopeo-${r}`);
        skopeoReuses += skopeoReused(sample.stdout + sample.stderr);
        return sample;
      },
      after: (r) => expectDigest(target.url, `mirror/skopeo-${r}`, TAG, image.manifest.digest, 'skopeo'),
    },
  ];
  console.log('registry -> another registry (every blob uploaded):');
  const [lading, skopeo] = await compete(crossRegistry, (l) => console.log(l));
  if (!lading || !skopeo) throw new Error('missing series');

  const sameRegistry: Contender[] = [
    {
      name: 'Lading mirror(), same registry',
      run: (r) => ladingMirror(source.host, `mount/lading-${r}`),
      after: async (r, sample) => {
        expectOutcome(sample, 'mounted', 'Lading (same registry)');
        await expectDigest(source.url, `mount/lading-${r}`, TAG, image.manifest.digest, 'Lading');
      },
    },
    {
      name: 'skopeo copy, same registry',
      prepare: () => clearSkopeoBlobCache(),
      run: (r) => skopeoCopy(source.host, `mount/skopeo-${r}`),
      after: (r) => expectDigest(source.url, `mount/skopeo-${r}`, TAG, image.manifest.digest, 'skopeo'),
    },
  ];
  console.log('\nsame registry, fresh repository (Lading mounts every blob):');
  const [mount, skopeoSame] = await compete(sameRegistry, (l) => console.log(l));
  if (!mount || !skopeoSame) throw new Error('missing series');

  console.log('');
  printSeries([lading, skopeo, mount, skopeoSame]);
  console.log(`  Lading's time is the operation inside its child; "process wall" adds Node's start-up. Peer times are process wall.`);
  if (skopeoReuses > 0)
    console.log(`  WARNING: skopeo reported ${skopeoReuses} reused blobs in the cross-registry runs: it did not upload everything.`);
  console.log('');
  const vsSkopeo = medianMs(lading) / medianMs(skopeo);
  const rss = Math.max(peakRssMB(lading), peakRssMB(mount));
  const verdicts: Verdict[] = [
    printTarget('time Lading / skopeo (cross)', times(vsSkopeo), '<= 1.00x', vsSkopeo <= 1.0),
    printTarget('same-registry mirror (mount)', secs(medianMs(mount)), '< 0.2 s', medianMs(mount) < 200),
    printTarget('peak RSS Lading', mib(rss), '< 150 MB', rss < 150),
  ];
  console.log(
    `  for reference: CPU Lading / skopeo (cross) ${times(medianCpuMs(lading) / medianCpuMs(skopeo))}; same registry: time Lading / skopeo ${times(medianMs(mount) / medianMs(skopeoSame))}`,
  );
  console.log(
    `\n${
      verdicts.every((v) => v.met)
        ? 'all targets met'
        : `targets not met: ${verdicts
            .filter((v) => !v.met)
            .map((v) => v.label)
            .join('; ')}`
    }`,
  );
});
