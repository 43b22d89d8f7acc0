/**
 * Registries of the e2e tests' own (fresh storage, so nothing they write
 * shows up in the shared fixtures' catalog): one with a repository of many
 * tags, which also takes mirrors.
 */
import { rm } from 'node:fs/promises';
import { request } from 'undici';
import { mapLimit } from '../../harness/concurrency';
import { putManifest } from '../../harness/registry-http';
import { startRegistry, type RunningRegistry } from '../../harness/registry';
import { skopeoCopy } from '../../harness/skopeo';
import { makeTempDir } from '../../harness/tmp';

export interface OwnRegistry {
  registry: RunningRegistry;
  stop(): Promise<void>;
}

export async function startOwnRegistry(): Promise<OwnRegistry> {
  const root = await makeTempDir('lading-e2e-registry-');
  const registry = await startRegistry({ auth: 'none', rootDirectory: root });
  return {
    registry,
    async stop() {
      await registry.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** `t00000` … : zero-padded, so byte order is numeric order. */
export function manyTagNames(count: number): string[] {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => `t${String(i).padStart(width, '0')}`);
}

const ACCEPT = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

/**
 * PUTs the manifest that `repository:firstTag` names under every tag of
 * `tags`, 32 at a time (as the harness fills its many-tags fixture).
 */
export async function tagManyTimes(target: RunningRegistry, repository: string, firstTag: string, tags: readonly string[]): Promise<void> {
  const res = await request(`${target.url}/v2/${repository}/manifests/${firstTag}`, { headers: { accept: ACCEPT } });
  if (res.statusCode !== 200) throw new Error(`GET ${repository}:${firstTag} answered ${res.statusCode}`);
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const mediaType = String(res.headers['content-type']).split(';')[0]!.trim();
  await mapLimit(
    tags.filter((t) => t !== firstTag),
    32,
    (tag) => putManifest(target.url, repository, tag, bytes, mediaType),
  );
}

/**
 * Copies a small image from `source` (`host/repo:tag`) into `repository` and
 * PUTs its manifest under `count` tags. Returns the tags, sorted.
 */
export async function createManyTags(target: RunningRegistry, repository: string, source: string, count: number): Promise<string[]> {
  const tags = manyTagNames(count);
  await skopeoCopy(source, `${target.host}/${repository}:${tags[0]}`);
  await tagManyTimes(target, repository, tags[0]!, tags);
  return tags;
}
