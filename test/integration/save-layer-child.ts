/**
 * Runs saveLayer() in a process of its own, so a test running as root can run
 * it as an unprivileged user: root ignores permission bits, and an unwritable
 * folder is exactly what the test needs.
 *
 * Usage: node --import tsx save-layer-child.ts '{"host":..., "repository":..., "tag":..., "path":..., "decompress":false}'
 * Prints one JSON line: {"ok":true,"bytes":...} or {"ok":false,"name":...,"message":...,"causeCode":...}.
 */
import { createClient, saveLayer } from '../../src-main/registry/index';

interface ChildArgs {
  host: string;
  repository: string;
  tag: string;
  path: string;
  decompress?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const client = createClient(args.host, { insecure: true });
try {
  const image = await client.withSegment(args.repository).getImage(args.tag);
  const result = await saveLayer(image.layers[0]!, args.path, { decompress: args.decompress === true });
  console.log(JSON.stringify({ ok: true, bytes: result.bytes }));
} catch (err) {
  const e = err as Error & { cause?: { code?: string } };
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message, causeCode: e.cause?.code }));
} finally {
  await client.close();
}
