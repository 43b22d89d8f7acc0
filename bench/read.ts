/**
 * Issue 2's benchmark: read every blob (config + layers) of a ~350 MB,
 * 5-layer image from a loopback distribution registry to files, verified,
 * beside skopeo (`docker:// -> dir:`) and a parallel `curl | tee | sha256sum`
 * of the same blobs, in the same run, against the same registry.
 *
 *   npm run bench:read        (LADING_BENCH_RUNS=5 for more timed runs)
 *
 * Targets: Lading at most 1.0x skopeo's time and 1.15x curl's; peak RSS under 150 MB.
 * A fourth row, not a target, does the same reads in plain Node (undici, a
 * sha256 Transform, files): it shows what the runtime costs by itself.
 */
import { readdir, readFile, rm, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTool } from '../test/harness/tools.js';
import { bundleChild } from './lib/bundle.js';
import { benchImage, mb } from './lib/image.js';
import { machineLine } from './lib/machine.js';
import { compete, medianCpuMs, medianMs, peakRssMB, runCount, timeChild, timeCommand, type Contender } from './lib/measure.js';
import { clearSkopeoBlobCache, pushBenchImage, skopeoBin, startBenchRegistry } from './lib/registry.js';
import { runBench } from './lib/session.js';
import { header, mib, printSeries, printTarget, times } from './lib/table.js';

const REPO = 'bench/image';
const TAG = 'v1';
const CONCURRENCY = 4;

await runBench('bench/read', async (session) => {
  const curl = requireTool('curl', 'curl');
  const image = await benchImage();
  const registry = await startBenchRegistry(session, 'read');
  await pushBenchImage(image, registry.host, REPO, TAG);
  const work = await session.tempDir('lading-bench-read-');
  const [readBundle, floorBundle, idleBundle] = await Promise.all([bundleChild('read'), bundleChild('floor-read'), bundleChild('idle')]);
  const baseline = await timeChild(idleBundle, []);

  header(`Read: every blob of a ${mb(image.totalBytes)} MiB image (config + ${image.layers.length} layers) to files, verified`, [
    machineLine(),
    `registry: distribution (docker-registry) at ${registry.host}, plain HTTP on loopback`,
    `layers (MiB): ${image.layers.map((l) => mb(l.size)).join(', ')}; median of ${runCount()} runs after 1 warm-up`,
  ]);

  const dest = (name: string): string => join(work, name);
  /** Every blob is in `dir`, under some name containing its hex digest, with its size. */
  const checkFiles = async (dir: string, tool: string): Promise<void> => {
    const names = await readdir(dir);
    for (const blob of image.blobs) {
      const hex = blob.digest.slice('sha256:'.length);
      const name = names.find((n) => n.includes(hex) && !n.endsWith('.sha256'));
      if (name === undefined) throw new Error(`${tool}: ${blob.digest} missing in ${dir}`);
      const size = (await stat(join(dir, name))).size;
      if (size !== blob.size) throw new Error(`${tool}: ${blob.digest} has ${size} bytes, not ${blob.size}`);
    }
  };
  const fresh = async (dir: string): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  };

  const curlScript = join(work, 'curl.sh');
  await writeFile(
    curlScript,
    [
      ...image.blobs.map((b) => {
        const file = join(dest('curl'), b.digest.replace(':', '-'));
        return `(${curl} -sf ${registry.url}/v2/${REPO}/blobs/${b.digest} | tee ${file} | sha256sum > ${file}.sha256) &`;
      }),
      'wait',
      '',
    ].join('\n'),
  );

  const contenders: Contender[] = [
    {
      name: `Lading (${CONCURRENCY} at a time)`,
      prepare: () => fresh(dest('lading')),
      run: () =>
        timeChild(readBundle, [
          '--host',
          registry.host,
          '--repo',
          REPO,
          '--tag',
          TAG,
          '--dest',
          dest('lading'),
          '--concurrency',
          String(CONCURRENCY),
        ]),
      after: async () => {
        await checkFiles(dest('lading'), 'Lading');
        await rm(dest('lading'), { recursive: true, force: true });
      },
    },
    {
      name: 'skopeo copy -> dir:',
      prepare: async () => {
        await clearSkopeoBlobCache();
        await rm(dest('skopeo'), { recursive: true, force: true });
      },
      run: () =>
        timeCommand(skopeoBin(), [
          '--insecure-policy',
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          `docker://${registry.host}/${REPO}:${TAG}`,
          `dir:${dest('skopeo')}`,
        ]),
      after: async () => {
        await checkFiles(dest('skopeo'), 'skopeo');
        await rm(dest('skopeo'), { recursive: true, force: true });
      },
    },
    {
      name: `curl | tee | sha256sum (x${image.blobs.length})`,
      prepare: () => fresh(dest('curl')),
      run: () => timeCommand('/bin/sh', [curlScript]),
      after: async () => {
        await checkFiles(dest('curl'), 'curl');
        for (const b of image.blobs) {
          const sum = await readFile(join(dest('curl'), `${b.digest.replace(':', '-')}.sha256`), 'utf8');
          if (`sha256:${sum.split(' ')[0]}` !== b.digest) throw new Error(`curl: ${b.digest} read with the wrong digest`);
        }
        await rm(dest('curl'), { recursive: true, force: true });
      },
    },
    {
      // Not a target: what Node itself costs for this work, so Lading's own overhead can be told apart.
      name: 'plain Node: undici+sha256+file',
      prepare: () => fresh(dest('floor')),
      run: () =>
        timeChild(floorBundle, [
          '--host',
          registry.host,
          '--repo',
          REPO,
          '--tag',
          TAG,
          '--dest',
          dest('floor'),
          '--concurrency',
          String(CONCURRENCY),
        ]),
      after: async () => {
        await checkFiles(dest('floor'), 'plain Node');
        await rm(dest('floor'), { recursive: true, force: true });
      },
    },
  ];
  const [lading, skopeo, curlSeries, floor] = await compete(contenders, (l) => console.log(l));
  if (!lading || !skopeo || !curlSeries || !floor) throw new Error('missing series');

  console.log('');
  printSeries([lading, skopeo, curlSeries, floor], { [curlSeries.name]: '(largest process)' });
  console.log(`  Lading's time is the operation inside its child; "process wall" adds Node's start-up. Peer times are process wall.`);
  console.log(`  A Lading child that only loads the library peaks at ${mib(baseline.rssMB)}.`);
  console.log(
    `  "plain Node" (not a target) does the same reads with undici, a sha256 Transform and files, nothing else: the runtime's floor.`,
  );
  console.log('');
  const vsSkopeo = medianMs(lading) / medianMs(skopeo);
  const vsCurl = medianMs(lading) / medianMs(curlSeries);
  const rss = peakRssMB(lading);
  const verdicts = [
    printTarget('time Lading / skopeo', times(vsSkopeo), '<= 1.00x', vsSkopeo <= 1.0),
    printTarget('time Lading / curl', times(vsCurl), '<= 1.15x', vsCurl <= 1.15),
    printTarget('peak RSS Lading', mib(rss), '< 150 MB', rss < 150),
  ];
  console.log(
    `  for reference: Lading / plain Node: time ${times(medianMs(lading) / medianMs(floor))}, CPU ${times(medianCpuMs(lading) / medianCpuMs(floor))}, peak RSS ${times(rss / peakRssMB(floor))}`,
  );
  console.log(
    `                CPU Lading / skopeo ${times(medianCpuMs(lading) / medianCpuMs(skopeo))}, CPU Lading / curl ${times(medianCpuMs(lading) / medianCpuMs(curlSeries))}`,
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
