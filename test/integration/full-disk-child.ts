/**
 * Runs Lading's disk writers against a folder that is a tiny tmpfs, mounted
 * by the parent test in a private mount namespace (`unshare -rm`): a real
 * full disk, with ENOSPC from the kernel, not a mock.
 *
 * Usage: node --import tsx full-disk-child.ts '{"host":..., "repository":..., "tag":..., "dir":...}'
 * Prints one JSON line: for each writer, how it failed and what it left in `dir`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, extractToDirectory, openLayout, saveLayer } from '../../src-main/registry/index';

interface ChildArgs {
  host: string;
  repository: string;
  tag: string;
  dir: string;
}

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
  /** Every path left under the tmpfs afterwards, recursively. */
  left: string[];
}

async function listAll(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix + entry.name;
    out.push(entry.isDirectory() ? `${path}/` : path);
    if (entry.isDirectory()) out.push(...(await listAll(join(dir, entry.name), `${path}/`)));
  }
  return out;
}

async function attempt(dir: string, write: () => Promise<unknown>): Promise<Outcome> {
  try {
    await write();
    return { ok: true, left: await listAll(dir) };
  } catch (err) {
    const e = err as Error;
    return { ok: false, name: e.name, message: e.message, left: await listAll(dir) };
  }
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const client = createClient(args.host, { insecure: true });
try {
  const image = await client.withSegment(args.repository).getImage(args.tag);
  const results = {
    saveLayer: await attempt(args.dir, () => saveLayer(image.layers[0]!, join(args.dir, 'layer.tar.gz'))),
    saveLayerDecompressed: await attempt(args.dir, () => saveLayer(image.layers[0]!, join(args.dir, 'layer.tar'), { decompress: true })),
    extract: await attempt(args.dir, () => extractToDirectory(image, join(args.dir, 'rootfs'))),
    layout: await attempt(args.dir, () => openLayout(join(args.dir, 'layout')).pushImage('v1', image)),
  };
  console.log(JSON.stringify(results));
} finally {
  await client.close();
}
