/**
 * openLayout(): an OCI image layout as a one-repository registry, checked
 * against the real peers. skopeo writes layouts that Lading reads, and reads
 * (and copies) layouts that Lading writes; umoci unpacks what Lading wrote;
 * digests are compared with `skopeo inspect --raw` throughout. The registry
 * round trip (registry -> folder -> registry) uses the shared distribution
 * registry from the harness.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createClient,
  DigestMismatchError,
  ImageNotFoundError,
  InvalidManifestError,
  InvalidReferenceError,
  LayoutWriter,
  mirror,
  openLayout,
  RegistryError,
  RepositoryNotFoundError,
  type BlobProgress,
  type Client,
  type Image,
  type ImageWriter,
} from '../../src-main/registry/index';
import { TEMP_MARKER } from '../../src-main/registry/disk/index';
import { deterministicBytes, MULTIARCH_PLATFORMS, SINGLE_IMAGE_SPEC, SMALL_IMAGE_SPEC } from '../harness/fixture-specs.js';
import { buildImageLayout, buildIndexLayout, type BuiltImageLayout, type BuiltIndexLayout } from '../harness/images.js';
import { skopeoConfig, skopeoCopy, skopeoDigest, skopeoRawManifest } from '../harness/skopeo.js';
import { makeTempDir } from '../harness/tmp.js';
import { requireTool, run } from '../harness/tools.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const SKOPEO_TAGS = ['v1', 'latest', 'a-tag', 'v2'];
/** Big enough that a push is still streaming it when the test cancels. */
const BIG_LAYER_BYTES = 16 * 1024 * 1024;

let root: string;
/** Written by the harness's own layout writer. */
let hand: BuiltImageLayout;
/** The same image, copied by skopeo into a layout of its own under several tags. */
let skopeoDir: string;
let multiHand: BuiltIndexLayout;
/** The multi-arch index, copied by `skopeo copy --all`. */
let multiSkopeoDir: string;
let big: BuiltImageLayout;

const clients: Client[] = [];
function registry(host: string): Client {
  const c = createClient(host, { insecure: true });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  root = await makeTempDir('lading-layout-');
  [hand, multiHand, big] = await Promise.all([
    buildImageLayout(join(root, 'hand'), SINGLE_IMAGE_SPEC, 'v1'),
    buildIndexLayout(join(root, 'multi-hand'), MULTIARCH_PLATFORMS, { tag: 'v1' }),
    buildImageLayout(
      join(root, 'big'),
      {
        ...SMALL_IMAGE_SPEC,
        layers: [
          {
            createdBy: 'COPY big.bin /',
            entries: [{ path: 'big.bin', type: 'file', content: deterministicBytes('lading/layout-big', BIG_LAYER_BYTES) }],
          },
        ],
      },
      'v1',
    ),
  ]);
  skopeoDir = join(root, 'skopeo');
  for (const tag of SKOPEO_TAGS) await skopeoCopy(`oci:${hand.dir}:v1`, `oci:${skopeoDir}:${tag}`);
  multiSkopeoDir = join(root, 'multi-skopeo');
  await skopeoCopy(`oci:${multiHand.dir}:v1`, `oci:${multiSkopeoDir}:v1`, { all: true });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (root) await rm(root, { recursive: true, force: true });
});

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Every file below `dir`, relative. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function indexJson(
  dir: string,
): Promise<{ manifests: { digest: string; mediaType: string; size: number; annotations?: Record<string, string> }[] }> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function blobFile(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

describe('reading a layout skopeo wrote', () => {
  it('lists its ref.name tags sorted, with limit and last', async () => {
    const layout = openLayout(skopeoDir);
    expect(await layout.listTags()).toEqual([...SKOPEO_TAGS].sort());
    expect(await layout.listTags({ limit: 2 })).toEqual(['a-tag', 'latest']);
    expect(await layout.listTags({ last: 'latest' })).toEqual(['v1', 'v2']);
    expect(await layout.listTags({ last: 'a-tag', limit: 1 })).toEqual(['latest']);
  });

  it('gives the digest, manifest bytes and config skopeo sees', async () => {
    const layout = openLayout(skopeoDir);
    const expected = await skopeoDigest(`oci:${skopeoDir}:v1`);
    expect(await layout.getDigest('v1')).toBe(expected);
    const manifest = await layout.getManifest('v1');
    expect(Buffer.from(manifest.raw).equals(await skopeoRawManifest(`oci:${skopeoDir}:v1`))).toBe(true);
    expect(manifest.descriptor.digest).toBe(expected);
    expect(manifest.isIndex()).toBe(false);
    expect(manifest.getManifest().layers.map((l) => l.digest)).toEqual(hand.image.layers.map((l) => l.digest));
    // By digest, in both spellings, the same bytes.
    expect((await layout.getManifest(expected)).descriptor.digest).toBe(expected);
    expect((await layout.getManifest(`@${expected}`)).raw).toEqual(manifest.raw);

    const config = await layout.getImageConfig('v1');
    const peer = await skopeoConfig(`oci:${skopeoDir}:v1`);
    expect(config.config?.Env).toEqual((peer.config as { Env: string[] }).Env);
    expect(config.rootfs?.diff_ids).toEqual((peer.rootfs as { diff_ids: string[] }).diff_ids);
    expect(config.architecture).toBe(peer.architecture);
  });

  it('streams each layer with the bytes the layout holds', async () => {
    const image = await openLayout(skopeoDir).getImage('latest');
    expect(image.layers).toHaveLength(hand.image.layers.length);
    for (const [i, layer] of image.layers.entries()) {
      const bytes = await readAll(await layer.open());
      expect(sha256(bytes)).toBe(layer.digest);
      expect(bytes.equals(hand.image.layers[i]!.blob)).toBe(true);
    }
  });

  it('resolves tags and digests that exist, and types the ones that do not', async () => {
    const layout = openLayout(skopeoDir);
    await expect(layout.checkImageExists('v2')).resolves.toBeUndefined();
    await expect(layout.checkImageExists(await layout.getDigest('v2'))).resolves.toBeUndefined();
    const missingTag = await layout.checkImageExists('nope').catch((e: unknown) => e);
    expect(missingTag).toBeInstanceOf(ImageNotFoundError);
    expect(missingTag).not.toBeInstanceOf(RepositoryNotFoundError);
    await expect(layout.getManifest(`sha256:${'0'.repeat(64)}`)).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('is one repository: no sub-repositories, named oci:<dir>', async () => {
    const layout = openLayout(skopeoDir);
    expect(layout.getRegistry()).toBe(`oci:${skopeoDir}`);
    expect(await layout.listRepositories()).toEqual([]);
    expect(layout.withSegment()).toBe(layout);
    expect(() => layout.withSegment('library/alpine')).toThrow(InvalidReferenceError);
  });

  it('picks a platform from a multi-arch index (skopeo copy --all), default linux/amd64', async () => {
    const layout = openLayout(multiSkopeoDir);
    const top = await layout.getManifest('v1');
    expect(top.isIndex()).toBe(true);
    expect(top.descriptor.digest).toBe(await skopeoDigest(`oci:${multiSkopeoDir}:v1`));
    expect(top.descriptor.digest).toBe(multiHand.descriptor.digest);

    const [amd64, arm64] = multiHand.images;
    expect((await layout.getImage('v1')).digest).toBe(amd64!.descriptor.digest);
    const arm = await layout.getImage('v1', { platform: 'linux/arm64' });
    expect(arm.digest).toBe(arm64!.descriptor.digest);
    expect(arm.platform).toMatchObject({ os: 'linux', architecture: 'arm64' });
    const armConfig = await layout.getImageConfig('v1', { platform: 'linux/arm64/v8' });
    const peer = await skopeoConfig(`oci:${multiSkopeoDir}:v1`, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    expect(armConfig.architecture).toBe('arm64');
    expect(armConfig.config?.Env).toEqual((peer.config as { Env: string[] }).Env);
    // A child is a blob only, not an index.json entry; its digest still reads it.
    expect((await layout.getManifest(arm64!.descriptor.digest)).descriptor.digest).toBe(arm64!.descriptor.digest);
    await expect(layout.getImage('v1', { platform: 'linux/s390x' })).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('reads full references as ref.name, as other tools write them', async () => {
    const dir = join(root, 'full-ref');
    await cp(skopeoDir, dir, { recursive: true });
    const index = await indexJson(dir);
    const first = index.manifests[0]!;
    index.manifests.push({ ...first, annotations: { [REF_NAME]: 'example.com/team/app:1.0' } });
    await writeFile(join(dir, 'index.json'), JSON.stringify(index));
    const layout = openLayout(dir);
    expect(await layout.listTags()).toContain('example.com/team/app:1.0');
    expect(await layout.getDigest('example.com/team/app:1.0')).toBe(first.digest);
  });
});

describe('pushing into a layout', () => {
  it('creates the layout; skopeo copies it with the same digest; umoci unpacks it', async () => {
    const source = await openLayout(skopeoDir).getImage('v1');
    const dir = join(root, 'pushed', 'nested'); // neither folder exists yet
    const target = openLayout(dir);
    const events: BlobProgress[] = [];
    await target.pushImage('v1', source, { onBlobProgress: (p) => events.push(p) });

    expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const blobs = [source.configDescriptor, ...source.manifest.layers];
    for (const d of blobs) {
      const last = events.filter((e) => e.digest === d.digest).at(-1);
      expect(last).toMatchObject({ state: 'uploaded', done: d.size, size: d.size });
    }
    // Exactly the image's blobs plus its manifest, and no leftovers.
    expect(await filesBelow(dir)).toEqual(
      ['index.json', 'oci-layout', ...[...blobs.map((d) => d.digest), source.digest].map((d) => `blobs/sha256/${d.slice(7)}`)].sort(),
    );

    expect(await skopeoDigest(`oci:${dir}:v1`)).toBe(source.digest);
    const copy = join(root, 'pushed-copy');
    await skopeoCopy(`oci:${dir}:v1`, `oci:${copy}:v1`);
    expect(await skopeoDigest(`oci:${copy}:v1`)).toBe(source.digest);
    expect(await openLayout(copy).getDigest('v1')).toBe(source.digest);

    const umoci = requireTool('umoci', 'umoci');
    const bundle = join(root, 'bundle');
    await run(umoci, ['unpack', '--rootless', '--image', `${dir}:v1`, bundle]);
    // Layers applied in order: the third overrides the first's hello.txt.
    expect(await readFile(join(bundle, 'rootfs', 'etc', 'hello.txt'), 'utf8')).toBe('hello from layer 3 (overrides layer 1)\n');
    expect(await readFile(join(bundle, 'rootfs', 'etc', 'os-release'), 'utf8')).toBe('NAME="Lading Test"\nID=lading\n');
    expect((await stat(join(bundle, 'rootfs', 'usr', 'bin', 'app'))).mode & 0o111).not.toBe(0);
  });

  it('skips blobs it has, and a tag pushed again replaces its entry', async () => {
    const dir = join(root, 'retag');
    const target = openLayout(dir);
    const first = await openLayout(skopeoDir).getImage('v1');
    const second = await openLayout(big.dir).getImage('v1');
    await target.pushImage('v1', first);
    const events: BlobProgress[] = [];
    await target.pushImage('also', first, { onBlobProgress: (p) => events.push(p) });
    expect(
      events
        .filter((e) => e.state === 'exists')
        .map((e) => e.digest)
        .sort(),
    ).toEqual([first.configDescriptor, ...first.manifest.layers].map((d) => d.digest).sort());
    expect(events.some((e) => e.state === 'uploaded')).toBe(false);

    await target.pushImage('v1', second);
    const entries = (await indexJson(dir)).manifests;
    expect(entries.filter((e) => e.annotations?.[REF_NAME] === 'v1').map((e) => e.digest)).toEqual([second.digest]);
    expect(await target.listTags()).toEqual(['also', 'v1']);
    expect(await skopeoDigest(`oci:${dir}:v1`)).toBe(second.digest);
    expect(await skopeoDigest(`oci:${dir}:also`)).toBe(first.digest);
  });

  it('writes an index through its LayoutWriter: children first, the tag last; skopeo copies it --all', async () => {
    const source = openLayout(multiSkopeoDir);
    const dir = join(root, 'index-pushed');
    const target = openLayout(dir);
    const writer: ImageWriter = new LayoutWriter(dir);
    const top = await source.getManifest('v1');
    // Tagging the index before its children exist must fail: nothing half-done is tagged.
    await expect(writer.putManifest('v1', top.raw, top.mediaType)).rejects.toThrow(/not in the layout/);
    expect(await exists(join(dir, 'index.json'))).toBe(false);

    for (const entry of top.getIndexManifest().manifests) {
      const image = await source.getImage(`@${entry.digest}`);
      for (const blob of [image.configDescriptor, ...image.manifest.layers]) {
        expect(await writer.putBlob(blob, () => image.openBlob(blob))).toMatch(/^(uploaded|exists)$/);
        expect(await writer.hasBlob(blob)).toBe(true);
      }
      expect(await writer.putManifest(entry.digest, image.rawManifest, image.mediaType)).toBe(entry.digest);
    }
    expect(await writer.putManifest('v1', top.raw, top.mediaType)).toBe(top.descriptor.digest);

    expect(await skopeoDigest(`oci:${dir}:v1`)).toBe(multiHand.descriptor.digest);
    const copy = join(root, 'index-copy');
    await skopeoCopy(`oci:${dir}:v1`, `oci:${copy}:v1`, { all: true });
    expect(await skopeoDigest(`oci:${copy}:v1`)).toBe(multiHand.descriptor.digest);
    expect((await target.getImage('v1', { platform: 'linux/arm64' })).digest).toBe(multiHand.images[1]!.descriptor.digest);
    // index.json lists the tag only, as skopeo writes it.
    expect((await indexJson(dir)).manifests.map((m) => m.digest)).toEqual([multiHand.descriptor.digest]);
  });

  it('refuses manifest bytes that do not match a digest reference', async () => {
    const writer = new LayoutWriter(join(root, 'refuse'));
    const raw = new TextEncoder().encode(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }),
    );
    await expect(writer.putManifest(`sha256:${'1'.repeat(64)}`, raw, 'application/vnd.oci.image.index.v1+json')).rejects.toBeInstanceOf(
      DigestMismatchError,
    );
  });

  it('keeps every tag when pushes into one layout run at the same time', async () => {
    const dir = join(root, 'concurrent');
    const target = openLayout(dir);
    const images: Image[] = await Promise.all([
      openLayout(skopeoDir).getImage('v1'),
      openLayout(multiSkopeoDir).getImage('v1', { platform: 'linux/amd64' }),
      openLayout(multiSkopeoDir).getImage('v1', { platform: 'linux/arm64' }),
    ]);
    const tags = Array.from({ length: 9 }, (_, i) => `t${i}`);
    // A second client on the same folder shares the lock: the folder is the key.
    await Promise.all(tags.map((tag, i) => (i % 2 ? openLayout(dir) : target).pushImage(tag, images[i % images.length]!)));
    expect(await target.listTags()).toEqual(tags);
    expect((await indexJson(dir)).manifests).toHaveLength(tags.length);
    for (const [i, tag] of tags.entries()) expect(await target.getDigest(tag)).toBe(images[i % images.length]!.digest);
  });

  it('a cancel mid-push leaves no temporary file and index.json as it was', async () => {
    const dir = join(root, 'cancel');
    const target = openLayout(dir);
    await target.pushImage('old', await openLayout(skopeoDir).getImage('v1'));
    const before = await readFile(join(dir, 'index.json'));

    const source = await openLayout(big.dir).getImage('v1');
    const bigLayer = source.manifest.layers[0]!;
    expect(bigLayer.size).toBeGreaterThan(BIG_LAYER_BYTES / 2);
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    let doneAtCancel = -1;
    const pushing = target.pushImage('new', source, {
      signal: controller.signal,
      onBlobProgress: (p) => {
        if (p.digest === bigLayer.digest && p.state === 'running' && p.done > 0 && doneAtCancel < 0) {
          doneAtCancel = p.done;
          controller.abort(reason);
        }
      },
    });
    await expect(pushing).rejects.toBe(reason);
    // It really was cancelled in the middle of the layer.
    expect(doneAtCancel).toBeGreaterThan(0);
    expect(doneAtCancel).toBeLessThan(bigLayer.size);

    expect((await readFile(join(dir, 'index.json'))).equals(before)).toBe(true);
    const files = await filesBelow(dir);
    expect(files.filter((f) => f.includes(TEMP_MARKER))).toEqual([]);
    expect(files.every((f) => f === 'index.json' || f === 'oci-layout' || /^blobs\/sha256\/[a-f0-9]{64}$/.test(f))).toBe(true);
    expect(await exists(blobFile(dir, bigLayer.digest))).toBe(false);
    expect(await exists(blobFile(dir, source.digest))).toBe(false);
    expect(await target.listTags()).toEqual(['old']);

    // The folder is still a good layout: the same push, not cancelled, completes.
    await target.pushImage('new', source);
    expect(await skopeoDigest(`oci:${dir}:new`)).toBe(source.digest);
  });

  it('a blob whose bytes do not match its digest is not kept', async () => {
    const dir = join(root, 'tampered-source');
    await cp(big.dir, dir, { recursive: true });
    const layer = big.image.layers[0]!;
    const path = blobFile(dir, layer.digest);
    const bytes = await readFile(path);
    bytes[1000] = bytes[1000]! ^ 0xff;
    await writeFile(path, bytes);
    const source = openLayout(dir);
    await expect(readAll(await source.openBlob(layer))).rejects.toBeInstanceOf(DigestMismatchError);

    const targetDir = join(root, 'tampered-target');
    const image = await source.getImage('v1');
    await expect(openLayout(targetDir).pushImage('v1', image)).rejects.toBeInstanceOf(DigestMismatchError);
    expect(await exists(blobFile(targetDir, layer.digest))).toBe(false);
    expect(await exists(join(targetDir, 'index.json'))).toBe(false);
    expect((await filesBelow(targetDir)).filter((f) => f.includes(TEMP_MARKER))).toEqual([]);
  });
});

describe('errors', () => {
  it('a missing folder is RepositoryNotFoundError naming the path', async () => {
    const dir = join(root, 'no-such-folder');
    const layout = openLayout(dir);
    for (const call of [
      () => layout.listTags(),
      () => layout.getManifest('v1'),
      () => layout.getImage('v1'),
      () => layout.checkImageExists('v1'),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RepositoryNotFoundError);
      expect((err as Error).message).toContain(dir);
    }
    expect(await exists(dir)).toBe(false);
  });

  it('a folder without index.json is not a layout', async () => {
    // The harness layout's blobs folder exists, but holds no index.json.
    const err = await openLayout(join(hand.dir, 'blobs'))
      .listTags()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryNotFoundError);
    expect((err as Error).message).toMatch(/no index\.json/);
  });

  it('a malformed index.json is InvalidManifestError naming the file, and is not overwritten', async () => {
    const dir = join(root, 'malformed');
    await cp(skopeoDir, dir, { recursive: true });
    const file = join(dir, 'index.json');
    const broken = '{"schemaVersion":2,"manifests":[{"digest":';
    await writeFile(file, broken);
    const layout = openLayout(dir);
    for (const call of [() => layout.listTags(), () => layout.getManifest('v1')]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidManifestError);
      expect((err as Error).message).toContain(file);
    }
    const push = await layout.pushImage('v9', await openLayout(skopeoDir).getImage('v1')).catch((e: unknown) => e);
    expect(push).toBeInstanceOf(InvalidManifestError);
    expect(await readFile(file, 'utf8')).toBe(broken);

    await writeFile(file, JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'x', size: -1, digest: 'sha256:00' }] }));
    await expect(layout.listTags()).rejects.toThrow(/manifests\[0\]/);
  });

  it('a manifest blob changed on disk is a DigestMismatchError', async () => {
    const dir = join(root, 'bad-manifest');
    await cp(skopeoDir, dir, { recursive: true });
    const digest = await openLayout(dir).getDigest('v1');
    const path = blobFile(dir, digest);
    const text = await readFile(path, 'utf8');
    // Same size, other bytes: only the digest can tell.
    const changed = text.replace('"schemaVersion":2', '"schemaVersion":3');
    expect(changed).not.toBe(text);
    await writeFile(path, changed);
    const err = await openLayout(dir)
      .getManifest('v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
  });

  it('a missing blob is a clear error', async () => {
    const err = await openLayout(skopeoDir)
      .openBlob({ mediaType: 'x', digest: `sha256:${'2'.repeat(64)}`, size: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/Not found: blob sha256:2{64}/);
  });
});

describe('registry -> layout -> registry', () => {
  const lading = inject('lading');
  const { anonymous } = lading.registries;

  it('an image keeps its digest both ways (pushImage)', async () => {
    const fixture = lading.fixtures.ociImage;
    const source = await registry(anonymous.host).withSegment(fixture.repository).getImage(fixture.tag);
    const dir = join(root, 'from-registry');
    await openLayout(dir).pushImage('saved', source);
    expect(await skopeoDigest(`oci:${dir}:saved`)).toBe(fixture.digest);

    const back = await openLayout(dir).getImage('saved');
    await registry(anonymous.host).withSegment('lading/layout-roundtrip').pushImage('v1', back);
    expect(await skopeoDigest(`${anonymous.host}/lading/layout-roundtrip:v1`)).toBe(fixture.digest);
  });

  // Stored as is, so the digest survives the trip. skopeo 1.9 and umoci see
  // only OCI media types in index.json, so only Lading reads this one back.
  it('an image in Docker media types keeps its digest into a layout and back', async () => {
    const fixture = lading.fixtures.dockerImage;
    const source = await registry(anonymous.host).withSegment(fixture.repository).getImage(fixture.tag);
    expect(source.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const dir = join(root, 'from-registry-docker');
    await openLayout(dir).pushImage('v1', source);
    expect(await openLayout(dir).getDigest('v1')).toBe(fixture.digest);
    expect((await indexJson(dir)).manifests[0]!.mediaType).toBe(source.mediaType);
    await registry(anonymous.host)
      .withSegment('lading/layout-docker')
      .pushImage('v1', await openLayout(dir).getImage('v1'));
    expect(await skopeoDigest(`${anonymous.host}/lading/layout-docker:v1`)).toBe(fixture.digest);
  });

  it('a multi-arch index keeps its digest both ways (mirror)', async () => {
    const fixture = lading.fixtures.multiarch;
    const dir = join(root, 'from-registry-index');
    const source = registry(anonymous.host).withSegment(fixture.repository);
    const saved = await mirror(source, fixture.tag, openLayout(dir), 'v1');
    expect(saved.digest).toBe(fixture.digest);
    expect(await skopeoDigest(`oci:${dir}:v1`)).toBe(fixture.digest);
    // skopeo reads every child Lading wrote.
    await skopeoCopy(`oci:${dir}:v1`, `oci:${join(root, 'from-registry-index-copy')}:v1`, { all: true });

    await mirror(openLayout(dir), 'v1', registry(anonymous.host).withSegment('lading/layout-multiarch'), 'v1');
    expect(await skopeoDigest(`${anonymous.host}/lading/layout-multiarch:v1`)).toBe(fixture.digest);
  });
});
