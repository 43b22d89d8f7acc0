/**
 * Issue 11's archive benchmark: the ~350 MB bench image from a loopback
 * distribution registry into a docker archive, by Lading's saveArchive() and
 * by `skopeo copy docker://... docker-archive:FILE` (blob-info cache removed
 * first). Target: at most 1.0x skopeo's time. Both archives are then read by
 * `skopeo inspect docker-archive:` (not timed) and must show the image's
 * config digest.
 *
 * The two archives differ in one way worth knowing when reading the figures:
 * skopeo writes the layers decompressed (it stages each in a temporary file
 * to learn its size), Lading keeps them as the registry stores them (gzip),
 * which docker load, podman load and skopeo all read; both sizes are printed.
 *
 *   npm run bench:archive        (LADING_BENCH_RUNS=5 for more timed runs)
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../test/harness/tools.js';
import { bundleChild } from './lib/bundle.js';
import { benchImage, mb } from './lib/image.js';
import { machineLine } from './lib/machine.js';
import { compete, runCount, timeChild, timeCommand, type Contender } from './lib/measure.js';
import { clearSkopeoBlobCache, pushBenchImage, skopeoBin, startBenchRegistry } from './lib/registry.js';
import { runBench } from './lib/session.js';
import { header, printVersusPeer } from './lib/table.js';

const REPO = 'bench/image';
const TAG = 'v1';

await runBench('bench/archive', async (session) => {
  const image = await benchImage();
  const registry = await startBenchRegistry(session, 'source');
  await pushBenchImage(image, registry.host, REPO, TAG);
  const dir = await session.tempDir('lading-bench-archive-');
  const bundle = await bundleChild('archive');
  const sizes: Record<string, number> = {};

  header(`Docker archive: a ${mb(image.totalBytes)} MiB image (config + ${image.layers.length} layers) from a registry to one tar file`, [
    machineLine(),
    `registry: distribution at ${registry.host}, plain HTTP on loopback; archives written to ${dir}`,
    `skopeo's blob-info cache removed before each skopeo run; median of ${runCount()} runs after 1 warm-up`,
  ]);

  /** skopeo reads the archive and finds the image's config (not timed); the file is removed afterwards. */
  const checkArchive = async (file: string, who: string): Promise<void> => {
    const { stdout } = await run(skopeoBin(), ['--insecure-policy', 'inspect', '--raw', `docker-archive:${file}`]);
    const digest = (JSON.parse(stdout) as { config: { digest: string } }).config.digest;
    if (digest !== image.config.digest) throw new Error(`${who}: the archive's config is ${digest}, not ${image.config.digest}`);
    sizes[who] = (await stat(file)).size;
    await rm(file, { force: true });
  };

  const contenders: Contender[] = [
    {
      name: 'Lading saveArchive(docker)',
      run: (r) => timeChild(bundle, ['--host', registry.host, '--repo', REPO, '--tag', TAG, '--file', join(dir, `lading-${r}.tar`)]),
      after: (r) => checkArchive(join(dir, `lading-${r}.tar`), 'Lading'),
    },
    {
      name: 'skopeo copy docker:// docker-archive:',
      prepare: () => clearSkopeoBlobCache(),
      run: (r) =>
        timeCommand(skopeoBin(), [
          '--insecure-policy',
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          `docker://${registry.host}/${REPO}:${TAG}`,
          `docker-archive:${join(dir, `skopeo-${r}.tar`)}:${REPO}:${TAG}`,
        ]),
      after: (r) => checkArchive(join(dir, `skopeo-${r}.tar`), 'skopeo'),
    },
  ];
  const [lading, skopeo] = await compete(contenders, (l) => console.log(l));
  if (!lading || !skopeo) throw new Error('missing series');

  printVersusPeer(lading, skopeo, 'time Lading / skopeo (docker archive)', [
    `archive sizes: Lading ${mb(sizes.Lading ?? 0)} MiB (layers as stored, gzip); skopeo ${mb(sizes.skopeo ?? 0)} MiB (layers decompressed)`,
  ]);
});
