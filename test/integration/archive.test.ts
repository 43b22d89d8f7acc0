/**
 * saveArchive / saveReferenceArchive against a real registry, checked with
 * skopeo from the outside: the docker archive (`docker-archive:`) and the OCI
 * archive (`oci-archive:`) show the same config digest and layer diff IDs as
 * the registry; copied back into a registry they give the same image (the
 * OCI archive the very same digest); podman load takes both; umoci unpacks the OCI archive to the tree
 * of the image's own layout; zstd layers are saved as stored and read back
 * with their diff IDs; an index is saved whole as OCI, as one
 * platform as docker, and refused as docker for more. A corrupted blob, a
 * full disk (a 512 KiB tmpfs in a private mount namespace) and a cancel
 * leave no file, under the final name or a temporary one.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ArchiveError,
  DigestMismatchError,
  saveArchive,
  saveReferenceArchive,
  type Client,
  type SaveArchiveProgress,
} from '../../src-main/registry/index';
import { sha256Digest } from '../harness/digest.js';
import { skopeoConfig, skopeoCopy, skopeoDigest, skopeoRawManifest } from '../harness/skopeo.js';
import { makeTempDir } from '../harness/tmp.js';
import { requireTool, run, runRaw } from '../harness/tools.js';
import { diffTrees, readTree } from './extract-tree.js';
import { runJsonChild } from './json-child';
import {
  ClientPool,
  blobDataPath,
  pushRandomImage,
  startIsolatedRegistry,
  uniqueRepository,
  type IsolatedRegistry,
} from './registry-support';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage, dockerImage, zstdImage, multiarch } = lading.fixtures;
const arm64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'arm64')!;
const CHILD_SCRIPT = fileURLToPath(new URL('./archive-full-disk-child.ts', import.meta.url));

const pool = new ClientPool();
let dir: string;
let own: IsolatedRegistry;
/** One random 1 MiB layer in `own`: big enough to fill the tmpfs, and ours to corrupt. */
let randomRepository: string;

beforeAll(async () => {
  dir = await makeTempDir('lading-it-archive-');
  own = await startIsolatedRegistry(dir, 'archive');
  randomRepository = uniqueRepository('archive');
  await pushRandomImage(dir, own.registry.host, randomRepository, [1 << 20]);
});

afterAll(async () => {
  await pool.closeAll();
  await own?.registry.stop();
  await rm(dir, { recursive: true, force: true });
});

const shared = (repository: string): Client => pool.open(anonymous.host).withSegment(repository);
const ownRepo = (repository: string): Client => pool.open(own.registry.host).withSegment(repository);

/** What skopeo sees in an archive (or any reference): the config digest from the manifest, and the config's diff IDs. */
async function seen(ref: string): Promise<{ configDigest: string; diffIds: string[] }> {
  const manifest = JSON.parse((await skopeoRawManifest(ref)).toString('utf8')) as { config: { digest: string } };
  const config = (await skopeoConfig(ref)) as { rootfs: { diff_ids: string[] } };
  return { configDigest: manifest.config.digest, diffIds: config.rootfs.diff_ids };
}

async function tarList(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(requireTool('tar', 'tar'), ['-tf', file]);
  return stdout.trim().split('\n');
}

describe('a single image', () => {
  it.each([ociImage, dockerImage])(
    "$repository: skopeo reads the docker and the OCI archive with the registry's config digest and diff IDs",
    async (fixture) => {
      const image = await shared(fixture.repository).getImage(fixture.tag);
      const docker = join(dir, `${fixture.repository.replace('/', '_')}-docker.tar`);
      const oci = join(dir, `${fixture.repository.replace('/', '_')}-oci.tar`);
      const saved = await saveArchive(image, docker, { format: 'docker', tag: `lading/app:${fixture.tag}` });
      await saveArchive(image, oci, { format: 'oci', tag: `lading/app:${fixture.tag}` });
      expect(saved).toMatchObject({
        path: docker,
        format: 'docker',
        digest: fixture.digest,
        tag: 'lading/app:v1',
        blobs: 1 + fixture.layers.length,
      });

      const expected = { configDigest: fixture.configDigest, diffIds: fixture.layers.map((l) => l.diffId) };
      expect(await seen(`docker-archive:${docker}`)).toEqual(expected);
      expect(await seen(`oci-archive:${oci}`)).toEqual(expected);
      // The OCI archive holds the manifest exactly as stored. (skopeo finds a name only among OCI media types: the
      // Docker-typed manifest is read as the archive's only image.)
      expect(await skopeoDigest(`oci-archive:${oci}`)).toBe(fixture.digest);

      // The docker save layout: manifest.json, repositories, config and layers under blobs/.
      const entries = await tarList(docker);
      expect(entries).toEqual(expect.arrayContaining(['manifest.json', 'repositories', `blobs/sha256/${fixture.configDigest.slice(7)}`]));
      for (const l of fixture.layers) expect(entries).toContain(`blobs/sha256/${l.digest.slice(7)}`);
    },
  );

  it('copied from either archive back into a registry: the same image (from OCI, the very same digest)', async () => {
    const image = await shared(ociImage.repository).getImage(ociImage.tag);
    const docker = join(dir, 'back-docker.tar');
    const oci = join(dir, 'back-oci.tar');
    await saveArchive(image, docker, { format: 'docker', tag: 'lading/back:v1' });
    await saveArchive(image, oci, { format: 'oci', tag: 'lading/back:v1' });
    const repository = uniqueRepository('back');
    await skopeoCopy(`oci-archive:${oci}:v1`, `${own.registry.host}/${repository}:oci`);
    expect(await skopeoDigest(`${own.registry.host}/${repository}:oci`)).toBe(ociImage.digest);
    // skopeo compresses the docker archive's layers anew, so only the manifest differs: same config, same diff IDs.
    await skopeoCopy(`docker-archive:${docker}`, `${own.registry.host}/${repository}:docker`, { format: 'v2s2' });
    expect(await seen(`${own.registry.host}/${repository}:docker`)).toEqual({
      configDigest: ociImage.configDigest,
      diffIds: ociImage.layers.map((l) => l.diffId),
    });
  });

  it('podman load takes both archives: the image id is the config digest, named as asked, with the diff IDs', async () => {
    const image = await shared(dockerImage.repository).getImage(dockerImage.tag);
    const docker = join(dir, 'podman-docker.tar');
    const oci = join(dir, 'podman-oci.tar');
    await saveArchive(image, docker, { format: 'docker', tag: 'lading/podman:docker' });
    await saveArchive(image, oci, { format: 'oci', tag: 'lading/podman:oci' });
    // A store of this test's own (vfs: no kernel overlay needed), no systemd or journald behind it.
    const store = join(dir, 'podman');
    const podman = (...args: string[]) =>
      run(
        requireTool('podman', 'podman'),
        [
          '--storage-driver',
          'vfs',
          '--root',
          join(store, 'root'),
          '--runroot',
          join(store, 'run'),
          '--cgroup-manager',
          'cgroupfs',
          '--events-backend',
          'none',
          ...args,
        ],
        { env: { ...process.env, TMPDIR: store } },
      );
    await mkdir(store);
    for (const [file, name] of [
      [docker, 'lading/podman:docker'],
      [oci, 'lading/podman:oci'],
    ] as const) {
      const loaded = await podman('load', '-i', file);
      expect(loaded.stdout).toContain(`Loaded image: localhost/${name}`);
      const [inspected] = JSON.parse((await podman('image', 'inspect', `localhost/${name}`)).stdout) as {
        Id: string;
        RepoTags: string[];
        RootFS: { Layers: string[] };
      }[];
      expect(`sha256:${inspected!.Id}`).toBe(dockerImage.configDigest);
      expect(inspected!.RepoTags).toContain(`localhost/${name}`);
      expect(inspected!.RootFS.Layers).toEqual(dockerImage.layers.map((l) => l.diffId));
    }
  });

  it('umoci unpacks the OCI archive (untarred) to the same tree as the OCI layout the image was pushed from', async () => {
    const umoci = requireTool('umoci', 'umoci');
    const image = await shared(ociImage.repository).getImage(ociImage.tag);
    const file = join(dir, 'umoci-oci.tar');
    await saveArchive(image, file, { format: 'oci', tag: `lading/umoci:${ociImage.tag}` });
    const layout = join(dir, 'umoci-layout');
    await mkdir(layout);
    await runRaw(requireTool('tar', 'tar'), ['-xf', file, '-C', layout]);
    // umoci verifies every blob it reads against its digest, and finds the image by its ref.name annotation.
    await runRaw(umoci, ['unpack', '--rootless', '--image', `${layout}:${ociImage.tag}`, join(dir, 'umoci-from-archive')]);
    await runRaw(umoci, ['unpack', '--rootless', '--image', `${ociImage.layoutDir}:${ociImage.tag}`, join(dir, 'umoci-from-fixture')]);
    const fromArchive = await readTree(join(dir, 'umoci-from-archive', 'rootfs'));
    expect(fromArchive.nodes.size).toBeGreaterThan(0);
    expect(diffTrees(await readTree(join(dir, 'umoci-from-fixture', 'rootfs')), fromArchive, { mtimes: true })).toEqual([]);
  });

  it("zstd layers (skopeo --dest-compress-format zstd) go into both archives as stored: skopeo reads the config's diff IDs", async () => {
    const image = await shared(zstdImage.repository).getImage(zstdImage.tag);
    const docker = join(dir, 'zstd-docker.tar');
    const oci = join(dir, 'zstd-oci.tar');
    await saveArchive(image, docker, { format: 'docker', tag: 'lading/zstd:v1' });
    await saveArchive(image, oci, { format: 'oci', tag: 'lading/zstd:v1' });
    const expected = { configDigest: zstdImage.configDigest, diffIds: zstdImage.layers.map((l) => l.diffId) };
    expect(await seen(`docker-archive:${docker}`)).toEqual(expected);
    expect(await seen(`oci-archive:${oci}`)).toEqual(expected);
    // Back into a registry from the OCI archive: the very same image, zstd layers and all.
    const repository = uniqueRepository('zstd');
    await skopeoCopy(`oci-archive:${oci}:v1`, `${own.registry.host}/${repository}:v1`);
    expect(await skopeoDigest(`${own.registry.host}/${repository}:v1`)).toBe(zstdImage.digest);
  });

  it('a bad name for the archive is refused before anything is written', async () => {
    const image = await shared(ociImage.repository).getImage(ociImage.tag);
    const file = join(dir, 'bad-name.tar');
    const err = await saveArchive(image, file, { tag: 'Not A Name:v1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toMatch(/not an image name for an archive/);
    expect(await readdir(dir)).not.toContain('bad-name.tar');
  });
});

describe('an index', () => {
  it('as OCI: saved whole, every child and blob; skopeo copies it back with --all to the same digest', async () => {
    const file = join(dir, 'multiarch-oci.tar');
    const result = await saveReferenceArchive(shared(multiarch.repository), multiarch.tag, file, {
      format: 'oci',
      tag: 'lading/multiarch:v1',
    });
    expect(result.digest).toBe(multiarch.digest);
    expect(result.images.map((i) => i.digest).sort()).toEqual(multiarch.manifests.map((m) => m.digest).sort());
    expect(sha256Digest(await skopeoRawManifest(`oci-archive:${file}:v1`))).toBe(multiarch.digest);
    const repository = uniqueRepository('index');
    await skopeoCopy(`oci-archive:${file}:v1`, `${own.registry.host}/${repository}:v1`, { all: true });
    expect(await skopeoDigest(`${own.registry.host}/${repository}:v1`)).toBe(multiarch.digest);
    for (const child of multiarch.manifests) {
      expect(await ownRepo(repository).getDigest(`@${child.digest}`)).toBe(child.digest);
    }
  });

  it('as docker: one chosen platform; asked for two, it says docker archives hold single images', async () => {
    const file = join(dir, 'multiarch-arm64.tar');
    const result = await saveReferenceArchive(shared(multiarch.repository), multiarch.tag, file, {
      format: 'docker',
      platforms: ['linux/arm64'],
    });
    expect(result.digest).toBe(arm64.digest);
    expect(result.images).toEqual([{ digest: arm64.digest, platform: 'linux/arm64/v8' }]);
    expect((await seen(`docker-archive:${file}`)).configDigest).toBe(arm64.configDigest);

    const two = join(dir, 'multiarch-two.tar');
    const err = await saveReferenceArchive(shared(multiarch.repository), multiarch.tag, two, {
      format: 'docker',
      platforms: ['linux/amd64', 'linux/arm64'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toMatch(
      /A docker archive holds a single image: pick one platform \(asked for linux\/amd64, linux\/arm64\)/,
    );
    expect(await readdir(dir)).not.toContain('multiarch-two.tar');
  });
});

describe('nothing is left behind', () => {
  const leftovers = async (name: string) => (await readdir(dir)).filter((f) => f.includes(name));

  it('a cancel during the download: no file, no temporary', async () => {
    const image = await ownRepo(randomRepository).getImage('v1');
    const controller = new AbortController();
    const events: SaveArchiveProgress[] = [];
    const err = await saveArchive(image, join(dir, 'cancelled.tar'), {
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p);
        if (p.blob.size > 1000 && p.blob.done > 0) controller.abort(new DOMException('stop', 'AbortError'));
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(events.length).toBeGreaterThan(0);
    expect(await leftovers('cancelled')).toEqual([]);
  });

  it("a blob corrupted in the registry's storage: DigestMismatchError, no file", async () => {
    const repository = uniqueRepository('corrupt');
    const layout = await pushRandomImage(dir, own.registry.host, repository, [64 * 1024]);
    const layer = layout.image.layers[0]!;
    const bytes = Buffer.from(layer.blob);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(blobDataPath(own.storageRoot, layer.digest), bytes);
    const image = await ownRepo(repository).getImage('v1');
    for (const format of ['docker', 'oci'] as const) {
      const err = await saveArchive(image, join(dir, `corrupt-${format}.tar`), { format }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DigestMismatchError);
      expect(await leftovers(`corrupt-${format}`)).toEqual([]);
    }
  });

  it('a full disk: both formats fail saying so, and leave nothing on it', async () => {
    const unshare = requireTool('unshare', 'util-linux');
    const mountPoint = join(dir, 'tiny');
    await mkdir(mountPoint);
    const results = await runJsonChild<Record<'docker' | 'oci', { ok: boolean; message?: string; left: string[] }>>(
      CHILD_SCRIPT,
      { host: own.registry.host, repository: randomRepository, tag: 'v1', dir: mountPoint },
      { wrapper: [unshare, '-rm', 'sh', '-c', 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"', 'sh', '512k', mountPoint] },
    );
    for (const outcome of [results.docker, results.oci]) {
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toMatch(/^The disk is full: could not save \/.*\.tar$/);
      expect(outcome.left).toEqual([]);
    }
  }, 60_000);
});
