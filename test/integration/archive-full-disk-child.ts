/**
 * Runs saveArchive (docker and OCI) against a folder that is a tiny tmpfs,
 * mounted by the parent test in a private mount namespace (`unshare -rm`): a
 * real full disk, as full-disk-child.ts does for the other writers.
 *
 * Usage: node --import tsx archive-full-disk-child.ts '{"host":..., "repository":..., "tag":..., "dir":...}'
 * Prints one JSON line: for each format, how it failed and what it left in `dir`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, saveArchive } from '../../src-main/registry/index';

interface ChildArgs {
  host: string;
  repository: string;
  tag: string;
  dir: string;
}

async function attempt(dir: string, write: () => Promise<unknown>) {
  try {
    await write();
    return { ok: true, left: await readdir(dir) };
  } catch (err) {
    return { ok: false, message: (err as Error).message, left: await readdir(dir) };
  }
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const client = createClient(args.host, { insecure: true });
try {
  const image = await client.withSegment(args.repository).getImage(args.tag);
  console.log(
    JSON.stringify({
      docker: await attempt(args.dir, () => saveArchive(image, join(args.dir, 'image.tar'), { format: 'docker', tag: 'app:v1' })),
      oci: await attempt(args.dir, () => saveArchive(image, join(args.dir, 'image-oci.tar'), { format: 'oci' })),
    }),
  );
} finally {
  await client.close();
}
