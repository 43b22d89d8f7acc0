/**
 * Where a Lading child's time went, from a V8 CPU profile of its main thread
 * (`node --cpu-prof`), in coarse buckets. The child is a bundle with npm
 * packages left external, so a package's samples carry its node_modules
 * path, Node's own code a `node:` URL, and Lading's code the bundle's path.
 * Work on other threads (zlib's inflate runs on libuv's thread pool) is not
 * in the profile: it is the process's CPU time minus the main thread's busy
 * time.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Bucket {
  name: string;
  ms: number;
}

/** Functions of extract/layer-entries.ts, decompress.ts and paths.ts (the bundle keeps their names). */
const SHARED_READER = new Set([
  'readLayerEntries',
  'next',
  'drain',
  'EntryBody',
  'peek',
  'onReadable',
  'detectCompression',
  'decompressorFor',
  'settle',
  'normalizeName',
  'unsafeNameReason',
  'parseWhiteout',
  'dirnameOf',
  'joinName',
  'flatTypeOf',
]);

/** Buckets in the order they are tried; the first whose test matches a sample's frame takes it. */
const BUCKETS: { name: string; test: (url: string, fn: string) => boolean }[] = [
  { name: 'idle (waiting: for inflate, the disk or the network)', test: (_, fn) => fn === '(idle)' },
  { name: 'garbage collection', test: (_, fn) => fn === '(garbage collector)' },
  {
    name: 'tar parsing (tar-stream, streamx, b4a)',
    test: (url) => /node_modules\/(tar-stream|streamx|b4a|fast-fifo|text-decoder)\//.test(url),
  },
  { name: 'sha256 (node:crypto)', test: (url) => url.includes('internal/crypto') },
  { name: 'zlib stream glue (main thread side)', test: (url) => url.includes('node:zlib') || url === 'zlib' },
  { name: 'Node streams and events', test: (url) => url.includes('internal/streams') || url.includes('node:events') || url === 'events' },
  {
    name: 'Lading: the shared layer reader (extract/)',
    test: (url, fn) => url.includes('.bench-cache/bundles/') && SHARED_READER.has(fn),
  },
  { name: 'Lading: files/ (index, overlay, cache)', test: (url) => url.includes('.bench-cache/bundles/') },
];

export async function summarizeProfile(dir: string): Promise<{ buckets: Bucket[]; busyMs: number; totalMs: number }> {
  const name = (await readdir(dir)).find((n) => n.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const frame = byId.get(id)?.callFrame ?? { functionName: '', url: '' };
    const bucket = BUCKETS.find((b) => b.test(frame.url, frame.functionName))?.name ?? 'other (Node internals, native code)';
    totals.set(bucket, (totals.get(bucket) ?? 0) + ms);
  });
  const idle = totals.get(BUCKETS[0]!.name) ?? 0;
  const buckets = [...totals].map(([bucket, ms]) => ({ name: bucket, ms })).sort((a, b) => b.ms - a.ms);
  return { buckets, busyMs: totalMs - idle, totalMs };
}
