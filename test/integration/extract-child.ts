/**
 * Runs extractToDirectory in a process of its own, so a test running as root
 * can run it as an unprivileged user: root ignores permission bits, which
 * would hide exactly the bugs these runs look for (a read-only directory in
 * the image that cannot be filled; a parent folder that cannot be written).
 *
 * Usage: node --import tsx extract-child.ts '{"host":..., "repository":..., "tag":..., "dir":...}'
 * Prints one JSON line: {"ok":true,"result":...,"peakRssKiB":...} or {"ok":false,"name":...,"message":...}.
 */
import { createClient, extractToDirectory } from '../../src-main/registry/index';
import { peakRssKiB } from './json-child';

interface ChildArgs {
  host: string;
  repository: string;
  tag: string;
  dir: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const client = createClient(args.host, { insecure: true });
try {
  const image = await client.withSegment(args.repository).getImage(args.tag);
  const result = await extractToDirectory(image, args.dir);
  console.log(JSON.stringify({ ok: true, result, peakRssKiB: peakRssKiB() }));
} catch (err) {
  const e = err as Error;
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message }));
} finally {
  await client.close();
}
