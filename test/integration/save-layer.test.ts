/**
 * saveLayer() with layers from the real registry: the file as stored hashes to
 * the layer digest, the decompressed file to the layer's diffId; an unwritable
 * or missing folder, a corrupted blob and a cancel each give a clear error and
 * leave no file behind. The unwritable folder runs in a child process as
 * `nobody` when the tests run as root (root ignores permission bits).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, chown, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DigestMismatchError, RegistryError, saveLayer, type Client } from '../../src-main/registry/index';
import type { BuiltImageLayout } from '../harness/images.js';
import { makeTempDir } from '../harness/tmp.js';
import {
  blobDataPath,
  ClientPool,
  pushRandomImage,
  rejectionWithin,
  startIsolatedRegistry,
  uniqueRepository,
  within,
  type IsolatedRegistry,
} from './registry-support.js';
import { runJsonChild } from './json-child';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage, dockerImage, zstdImage } = lading.fixtures;

const CHILD_SCRIPT = fileURLToPath(new URL('./save-layer-child.ts', import.meta.url));
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

const pool = new ClientPool();
let root: string;
/** Holds this file's own images (the big one, the one it corrupts), apart from the shared storage. */
let own: IsolatedRegistry;
let folders = 0;
let big: BuiltImageLayout;
let bigRepository: string;
let corrupt: BuiltImageLayout;
let corruptRepository: string;

beforeAll(async () => {
  root = await makeTempDir('lading-it-save-');
  await chmod(root, 0o755);
  own = await startIsolatedRegistry(root, 'save-layer');
  bigRepository = uniqueRepository('save-big');
  corruptRepository = uniqueRepository('save-corrupt');
  [big, corrupt] = await Promise.all([
    pushRandomImage(root, own.registry.host, bigRepository, [4 << 20]),
    pushRandomImage(root, own.registry.host, corruptRepository, [512 * 1024]),
  ]);
});

afterAll(async () => {
  await pool.closeAll();
  await own?.registry.stop();
  await rm(root, { recursive: true, force: true });
});

async function newFolder(): Promise<string> {
  const dir = join(root, `out-${++folders}`);
  await mkdir(dir);
  return dir;
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

const repo = (name: string): Client => pool.open(anonymous.host).withSegment(name);
const ownRepo = (name: string): Client => pool.open(own.registry.host).withSegment(name);

describe('saveLayer to disk', () => {
  it("as stored: the file hashes to the layer digest; decompressed: to the layer's diffId; nothing else left in the folder", async () => {
    for (const f of [ociImage, dockerImage]) {
      const image = await repo(f.repository).getImage(f.tag);
      const dir = await newFolder();
      const expected: string[] = [];
      for (const [i, layer] of image.layers.entries()) {
        const fixture = f.layers[i]!;
        const stored = join(dir, `layer-${i}.tar.gz`);
        const plain = join(dir, `layer-${i}.tar`);
        const progress: [number, number][] = [];
        const saved = await saveLayer(layer, stored, { onProgress: (done, total) => progress.push([done, total]) });
        expect(saved).toEqual({ path: stored, bytes: layer.size });
        expect(await fileDigest(stored)).toBe(fixture.digest);
        expect(progress.at(-1)).toEqual([layer.size, layer.size]);
        const unpacked = await saveLayer(layer, plain, { decompress: true });
        expect(await fileDigest(plain)).toBe(fixture.diffId);
        expect(unpacked.bytes).toBeGreaterThan(layer.size);
        expected.push(`layer-${i}.tar.gz`, `layer-${i}.tar`);
      }
      expect((await readdir(dir)).sort()).toEqual(expected.sort());
    }
  });

  it('a zstd layer (skopeo --dest-compress-format zstd): as stored, its digest; decompressed, the diff ID its config names', async () => {
    const image = await repo(zstdImage.repository).getImage(zstdImage.tag);
    const config = await image.getConfig();
    expect(image.layers.map((l) => l.mediaType)).toEqual(zstdImage.layers.map(() => 'application/vnd.oci.image.layer.v1.tar+zstd'));
    // The same tars as the gzip image: skopeo recompressed them.
    expect(config.rootfs?.diff_ids).toEqual(ociImage.layers.map((l) => l.diffId));
    const dir = await newFolder();
    for (const [i, layer] of image.layers.entries()) {
      await saveLayer(layer, join(dir, `layer-${i}.tar.zst`));
      expect(await fileDigest(join(dir, `layer-${i}.tar.zst`))).toBe(zstdImage.layers[i]!.digest);
      const unpacked = await saveLayer(layer, join(dir, `layer-${i}.tar`), { decompress: true });
      expect(await fileDigest(join(dir, `layer-${i}.tar`))).toBe(config.rootfs?.diff_ids[i]);
      expect(unpacked.bytes).toBeGreaterThan(layer.size);
    }
  });

  it('an unwritable folder: a clear error naming it, and no file', async () => {
    const dir = await newFolder();
    // Owned by root and not writable by others: `nobody` may not create anything in it.
    await chmod(dir, 0o555);
    const home = await newFolder();
    if (isRoot) await chown(home, NOBODY, NOBODY);
    const out = await within(
      runChild({ host: anonymous.host, repository: ociImage.repository, tag: ociImage.tag, path: join(dir, 'layer.tar.gz') }, home),
      30_000,
    );
    expect(out.ok).toBe(false);
    expect(out.name).toBe('RegistryError');
    expect(out.message).toBe(`No permission to write in ${dir}: could not save ${join(dir, 'layer.tar.gz')}`);
    expect(out.causeCode).toBe('EACCES');
    expect(await readdir(dir)).toEqual([]);
    // The same child with a folder it may write in succeeds: the failure above was the folder.
    const writable = await newFolder();
    if (isRoot) await chown(writable, NOBODY, NOBODY);
    const ok = await runChild(
      { host: anonymous.host, repository: ociImage.repository, tag: ociImage.tag, path: join(writable, 'layer.tar.gz') },
      home,
    );
    expect(ok).toEqual({ ok: true, bytes: ociImage.layers[0]!.size });
    expect(await fileDigest(join(writable, 'layer.tar.gz'))).toBe(ociImage.layers[0]!.digest);
  });

  it('a folder that does not exist: a clear error, and nothing created', async () => {
    const image = await repo(ociImage.repository).getImage(ociImage.tag);
    const dir = join(await newFolder(), 'missing');
    const err = await rejectionWithin(saveLayer(image.layers[0]!, join(dir, 'layer.tar.gz')), 10_000);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toBe(`The folder ${dir} does not exist: could not save ${join(dir, 'layer.tar.gz')}`);
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("a blob corrupted in the registry's storage: DigestMismatchError, and no file under any name", async () => {
    const layer = corrupt.image.layers[0]!;
    await writeFile(blobDataPath(own.storageRoot, layer.digest), randomBytes(layer.size));
    const image = await ownRepo(corruptRepository).getImage('v1');
    for (const decompress of [false, true]) {
      const dir = await newFolder();
      const err = await rejectionWithin(saveLayer(image.layers[0]!, join(dir, 'layer'), { decompress }), 10_000);
      // Decompressed too: the format is read from the first bytes, and random bytes are no known
      // compression, so they pass as they are until the digest check names the real cause.
      expect(err).toBeInstanceOf(DigestMismatchError);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('stored bytes that are not what their magic number says: a RegistryError naming the layer, and no file', async () => {
    const layer = corrupt.image.layers[0]!;
    // gzip's magic, then noise: gunzip fails before the end, where the digest would be checked.
    await writeFile(
      blobDataPath(own.storageRoot, layer.digest),
      Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), randomBytes(layer.size - 4)]),
    );
    const image = await ownRepo(corruptRepository).getImage('v1');
    const dir = await newFolder();
    const err = await rejectionWithin(saveLayer(image.layers[0]!, join(dir, 'layer.tar'), { decompress: true }), 10_000);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(new RegExp(`Layer ${layer.digest} could not be decompressed as gzip`));
    expect(await readdir(dir)).toEqual([]);
  });

  it('a cancel in the middle: rejects with the abort reason, and no file under any name', async () => {
    const image = await ownRepo(bigRepository).getImage('v1');
    const layer = image.layers[0]!;
    expect(layer.size).toBeGreaterThan(4 << 20);
    const dir = await newFolder();
    const controller = new AbortController();
    const reason = new DOMException('the person cancelled the save', 'AbortError');
    let seen = 0;
    const err = await rejectionWithin(
      saveLayer(layer, join(dir, 'big.tar.gz'), {
        signal: controller.signal,
        onProgress: (done) => {
          seen = done;
          if (!controller.signal.aborted) controller.abort(reason);
        },
      }),
      5_000,
    );
    expect(err).toBe(reason);
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(layer.size);
    expect(await readdir(dir)).toEqual([]);
    // The layer itself is fine: the same save without a cancel completes.
    await saveLayer(layer, join(dir, 'big.tar.gz'));
    expect(await fileDigest(join(dir, 'big.tar.gz'))).toBe(big.image.layers[0]!.digest);
  });
});

interface ChildOutput {
  ok: boolean;
  bytes?: number;
  name?: string;
  message?: string;
  causeCode?: string;
}

/** Runs save-layer-child.ts: as `nobody` when the tests run as root, else as the current user. */
function runChild(args: { host: string; repository: string; tag: string; path: string }, home: string): Promise<ChildOutput> {
  return runJsonChild<ChildOutput>(CHILD_SCRIPT, args, {
    env: { ...process.env, HOME: home },
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}
