/**
 * Runs listImageFiles in a process of its own: to measure the peak memory of
 * one listing (a test process carries everything else it did), and to have
 * two processes share one cache folder.
 *
 * Usage: node --import tsx files-child.ts '{"host":..., "repositories":[...], "tag":..., "cacheDir"?:..., "maxBytes"?:...}'
 * Prints one JSON line: {"ok":true,"listings":[{entries, wastedBytes, changes}],"peakRssKiB":...} or {"ok":false,"name":...,"message":...}.
 */
import { createClient, FileIndexCache, listImageFiles } from '../../src-main/registry/index';
import { peakRssKiB } from './json-child';

interface ChildArgs {
  host: string;
  repositories: string[];
  tag: string;
  cacheDir?: string;
  maxBytes?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const client = createClient(args.host, { insecure: true });
try {
  const cache = args.cacheDir ? new FileIndexCache(args.cacheDir, args.maxBytes ? { maxBytes: args.maxBytes } : {}) : undefined;
  const listings = [];
  for (const repository of args.repositories) {
    const image = await client.withSegment(repository).getImage(args.tag);
    const files = await listImageFiles(image, cache ? { cache } : {});
    listings.push({
      entries: files.entries.length,
      wastedBytes: files.wastedBytes,
      changes: files.layers.map((l) => l.changes.length),
      lastPath: files.entries.at(-1)?.path,
    });
  }
  console.log(JSON.stringify({ ok: true, listings, peakRssKiB: peakRssKiB() }));
} catch (err) {
  const e = err as Error;
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message }));
} finally {
  await client.close();
}
