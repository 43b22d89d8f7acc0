/**
 * Issue 11's repository mirror benchmark: 50 tags whose images share layers
 * (a base and one of two middle layers, 4 MiB of random bytes each, plus a
 * 256 KiB top layer and a config of their own), from one loopback
 * distribution registry into a fresh repository of a second one (its own
 * storage), by Lading's mirrorRepository() and by `skopeo sync --src docker
 * --dest docker` with skopeo's blob-info cache removed first. Target: at most
 * 1.0x skopeo's time.
 *
 *   npm run bench:mirror-repository        (LADING_BENCH_RUNS=5 for more timed runs)
 */
import { pushSharedLayerRepository } from '../test/harness/shared-layer-repository.js';
import { bundleChild } from './lib/bundle.js';
import { expectDigest } from './lib/check.js';
import { machineLine } from './lib/machine.js';
import { compete, runCount, timeChild, timeCommand, type Contender } from './lib/measure.js';
import { clearSkopeoBlobCache, skopeoBin, startBenchRegistry } from './lib/registry.js';
import { runBench } from './lib/session.js';
import { header, printVersusPeer } from './lib/table.js';

const REPO = 'bench/train';
const TAGS = Array.from({ length: 50 }, (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`);
const SHARED_BYTES = 4 * 1024 * 1024;
const TOP_BYTES = 256 * 1024;

await runBench('bench/mirror-repository', async (session) => {
  const [source, target] = await Promise.all([startBenchRegistry(session, 'source'), startBenchRegistry(session, 'target')]);
  const built = await pushSharedLayerRepository(source.url, REPO, TAGS, { sharedBytes: SHARED_BYTES, topBytes: TOP_BYTES });
  const bundle = await bundleChild('mirror-repository');
  const check = async (repo: string, who: string): Promise<void> => {
    for (const image of [built.images[0]!, built.images[24]!, built.images[49]!])
      await expectDigest(target.url, repo, image.tag, image.digest, who);
  };

  header(
    `Repository mirror: ${TAGS.length} tags sharing 3 layers of ${SHARED_BYTES >> 20} MiB, each with its own ${TOP_BYTES >> 10} KiB layer and config`,
    [
      machineLine(),
      `source: distribution at ${source.host}; target: a second distribution at ${target.host} with its own storage; plain HTTP on loopback`,
      `fresh target repository every run; skopeo's blob-info cache removed before each skopeo run; median of ${runCount()} runs after 1 warm-up`,
    ],
  );

  const contenders: Contender[] = [
    {
      name: 'Lading mirrorRepository()',
      run: (r) =>
        timeChild(bundle, ['--src-host', source.host, '--src-repo', REPO, '--dst-host', target.host, '--dst-repo', `lading-${r}/train`]),
      after: async (r, sample) => {
        if (sample.details?.copied !== TAGS.length)
          throw new Error(`Lading: expected ${TAGS.length} tags copied, got ${JSON.stringify(sample.details)}`);
        await check(`lading-${r}/train`, 'Lading');
      },
    },
    {
      name: 'skopeo sync --src docker --dest docker',
      prepare: () => clearSkopeoBlobCache(),
      // skopeo sync puts the source repository's last path component below the destination: skopeo-N/train.
      run: (r) =>
        timeCommand(skopeoBin(), [
          '--insecure-policy',
          'sync',
          '--src',
          'docker',
          '--dest',
          'docker',
          '--src-tls-verify=false',
          '--dest-tls-verify=false',
          `${source.host}/${REPO}`,
          `${target.host}/skopeo-${r}`,
        ]),
      after: (r) => check(`skopeo-${r}/train`, 'skopeo'),
    },
  ];
  const [lading, skopeo] = await compete(contenders, (l) => console.log(l));
  if (!lading || !skopeo) throw new Error('missing series');

  printVersusPeer(lading, skopeo, 'time Lading / skopeo sync');
});
