/**
 * The write path against real registries: pushImage from one registry to
 * another, mirror() between distribution instances that do not share storage
 * (one anonymous, one behind token auth) for an image, a whole index and a
 * subset of its platforms, a same-registry mirror that mounts instead of
 * uploading (proved from the registry's own access log), progress events, and
 * a cancel in the middle that leaves the target's tag where it was. skopeo
 * checks every result from the outside.
 *
 * The shared registries are only read: everything written goes to registries
 * this file starts over storage roots of their own, so the shared catalog
 * stays what the fixtures describe (other files compare against it).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ImageNotFoundError, mirror, type Client, type MirrorProgress } from '../../src-main/registry/index';
import { sha256Digest } from '../harness/digest.js';
import type { BuiltImageLayout, ImageIndex } from '../harness/images.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';
import { skopeoConfig, skopeoDigest, skopeoRawManifest } from '../harness/skopeo.js';
import { startTokenServer, type RunningTokenServer } from '../harness/token-server.js';
import { makeTempDir } from '../harness/tmp.js';
import { ClientPool, pushRandomImage, rejectionWithin, uniqueRepository } from './registry-support.js';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage, dockerImage, multiarch } = lading.fixtures;
const bob = lading.tokenServer.credentials;

const amd64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'amd64')!;
const arm64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'arm64')!;

const pool = new ClientPool();
let workDir: string;
/** Token auth over a storage root of its own: nothing in it but what the tests mirror. */
let isolatedTokenServer: RunningTokenServer;
let isolatedToken: RunningRegistry;
/** Anonymous, over another storage root of its own; its log shows only this file's requests. */
let isolatedAnonymous: RunningRegistry;
/** Three random 4 MiB layers, in the isolated anonymous registry. */
let big: BuiltImageLayout;
let bigRepository: string;

beforeAll(async () => {
  workDir = await makeTempDir('lading-it-mirror-');
  isolatedTokenServer = await startTokenServer({
    keyPair: { keyPath: lading.tokenServer.keyPath, certPath: lading.tokenServer.certPath },
    service: lading.tokenServer.service,
    issuer: lading.tokenServer.issuer,
    users: { [bob.username]: bob.password },
  });
  bigRepository = uniqueRepository('big');
  [isolatedToken, isolatedAnonymous] = await Promise.all([
    startRegistry({ auth: 'token', rootDirectory: join(workDir, 'token-storage'), tokenServer: isolatedTokenServer }),
    startRegistry({ auth: 'none', rootDirectory: join(workDir, 'anonymous-storage') }),
  ]);
  big = await pushRandomImage(workDir, isolatedAnonymous.host, bigRepository, [4 << 20, 4 << 20, 4 << 20]);
});

afterAll(async () => {
  await pool.closeAll();
  await Promise.all([isolatedToken?.stop(), isolatedAnonymous?.stop()]);
  await isolatedTokenServer?.stop();
  await rm(workDir, { recursive: true, force: true });
});

const sharedAnonymous = (): Client => pool.open(anonymous.host);
const isolatedTokenClient = (): Client => pool.open(isolatedToken.host, { auth: bob });
const isolatedAnonymousClient = (): Client => pool.open(isolatedAnonymous.host);

function blobsOf(f: { configDigest: string; layers: { digest: string }[] }): string[] {
  return [f.configDigest, ...f.layers.map((l) => l.digest)].sort();
}

describe('pushImage', () => {
  it('from the anonymous registry to a new repository on a token registry: skopeo sees the same digest', async () => {
    const target = isolatedTokenClient().withSegment(uniqueRepository('pushed'));
    for (const [f, tag] of [
      [ociImage, 'oci'],
      [dockerImage, 'docker'],
    ] as const) {
      const image = await sharedAnonymous().withSegment(f.repository).getImage(f.tag);
      await target.pushImage(tag, image);
      expect(await target.getDigest(tag)).toBe(f.digest);
      expect(await skopeoDigest(`${target.getRegistry()}:${tag}`, { creds: bob })).toBe(f.digest);
    }
    // The config made it too: skopeo reads it back equal to the source's.
    expect(await skopeoConfig(`${target.getRegistry()}:oci`, { creds: bob })).toEqual(
      await skopeoConfig(`${anonymous.host}/${ociImage.reference}`),
    );
  });
});

describe('mirror between registries that share no storage (anonymous -> token auth, and back)', () => {
  it('a single image: every blob uploaded, the same digest, skopeo agrees; a second run skips everything', async () => {
    const target = isolatedTokenClient().withSegment(uniqueRepository('image'));
    const result = await mirror(sharedAnonymous().withSegment(ociImage.repository), ociImage.tag, target, 'v1');
    expect(result).toMatchObject({ digest: ociImage.digest, sourceDigest: ociImage.digest, rewritten: false, mounted: [], skipped: [] });
    expect([...result.copied].sort()).toEqual(blobsOf(ociImage));
    expect(result.bytesCopied).toBe(ociImage.layers.reduce((n, l) => n + l.size, 0) + (await configSize()));
    expect(await skopeoDigest(`${target.getRegistry()}:v1`, { creds: bob })).toBe(ociImage.digest);

    const again = await mirror(sharedAnonymous().withSegment(ociImage.repository), ociImage.tag, target, 'v1');
    expect(again.copied).toEqual([]);
    expect([...again.skipped].sort()).toEqual(blobsOf(ociImage));
    expect(again.bytesCopied).toBe(0);
  });

  it('the multi-arch index, all platforms: the same digest and bytes, every child readable; then on to a third registry', async () => {
    const repository = uniqueRepository('index');
    const target = isolatedTokenClient().withSegment(repository);
    const result = await mirror(sharedAnonymous().withSegment(multiarch.repository), multiarch.tag, target, 'v1');
    expect(result.digest).toBe(multiarch.digest);
    expect(result.rewritten).toBe(false);
    expect(result.images.map((i) => i.digest).sort()).toEqual(multiarch.manifests.map((m) => m.digest).sort());
    const raw = await skopeoRawManifest(`${target.getRegistry()}:v1`, { creds: bob });
    expect(raw.equals(await skopeoRawManifest(`${anonymous.host}/${multiarch.reference}`))).toBe(true);
    expect(
      await skopeoConfig(`${target.getRegistry()}:v1`, { creds: bob, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }),
    ).toEqual(
      await skopeoConfig(`${anonymous.host}/${multiarch.reference}`, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }),
    );

    // Token-auth source, anonymous target, neither sharing storage with anything.
    const third = isolatedAnonymousClient().withSegment(repository);
    const onward = await mirror(isolatedTokenClient().withSegment(repository), 'v1', third, 'copy');
    expect(onward.digest).toBe(multiarch.digest);
    expect(onward.skipped).toEqual([]);
    expect(await skopeoDigest(`${isolatedAnonymous.host}/${repository}:copy`)).toBe(multiarch.digest);
    for (const child of multiarch.manifests) {
      expect(await third.getDigest(`@${child.digest}`)).toBe(child.digest);
    }
  });

  it('a subset [linux/arm64]: a new index (rewritten) with only that platform and its attestation; skopeo --raw shows it', async () => {
    const target = isolatedTokenClient().withSegment(uniqueRepository('subset'));
    const result = await mirror(sharedAnonymous().withSegment(multiarch.repository), multiarch.tag, target, 'arm', {
      platforms: ['linux/arm64'],
    });
    expect(result.rewritten).toBe(true);
    expect(result.sourceDigest).toBe(multiarch.digest);
    expect(result.digest).not.toBe(multiarch.digest);

    const raw = await skopeoRawManifest(`${target.getRegistry()}:arm`, { creds: bob });
    expect(sha256Digest(raw)).toBe(result.digest);
    const index = JSON.parse(raw.toString('utf8')) as ImageIndex;
    expect(index.mediaType).toBe(multiarch.mediaType);
    // The attestation kept is the one that describes the arm64 image.
    const attestation = multiarch.manifests.find((m) => m.attestation && index.manifests.some((d) => d.digest === m.digest));
    expect(index.manifests.map((d) => d.digest)).toEqual([arm64.digest, attestation!.digest]);
    expect(index.manifests[0]!.platform).toEqual(arm64.platform);
    expect(index.manifests[1]!.annotations?.['vnd.docker.reference.digest']).toBe(arm64.digest);
    expect(result.images.map((i) => i.digest)).toEqual([arm64.digest, attestation!.digest]);

    // The amd64 image was not copied.
    const missing = await target.checkImageExists(`@${amd64.digest}`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ImageNotFoundError);
    // And the default platform read of the new index now fails, naming what it has.
    const err = await target.getImage('arm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect((err as Error).message).toMatch(/available: linux\/arm64/);
    expect((await target.getImage('arm', { platform: 'linux/arm64' })).digest).toBe(arm64.digest);
  });
});

describe('mirror inside one registry', () => {
  it("to a new repository: every blob mounted, none uploaded, and the registry's log shows no blob PUT", async () => {
    const c = pool.open(isolatedAnonymous.host);
    const targetRepository = uniqueRepository('mounted');
    const events: MirrorProgress[] = [];
    const result = await mirror(c.withSegment(bigRepository), 'v1', c.withSegment(targetRepository), 'v1', {
      onProgress: (p) => events.push(p),
    });
    const bigBlobs = [big.image.configDescriptor.digest, ...big.image.layers.map((l) => l.digest)].sort();
    expect(result.digest).toBe(big.image.descriptor.digest);
    expect(result.copied).toEqual([]);
    expect(result.bytesCopied).toBe(0);
    expect([...result.mounted].sort()).toEqual(bigBlobs);
    expect(events.at(-1)!.bytesDone).toBe(events.at(-1)!.bytesTotal);

    // The access log is written as requests complete: wait for the manifest PUT, the last request.
    const mine = (line: string) => line.includes(`/v2/${targetRepository}/`) && /HTTP\/1\.1" \d{3}/.test(line);
    const deadline = Date.now() + 5_000;
    while (!isolatedAnonymous.grepLog(/"PUT \/v2\/.*\/manifests\/v1 /).some(mine) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = isolatedAnonymous.log().split('\n').filter(mine);
    const mounts = lines.filter((l) => /"POST \/v2\/[^ ]*\/blobs\/uploads\/\?[^ ]*mount=/.test(l) && /HTTP\/1\.1" 201 /.test(l));
    expect(mounts).toHaveLength(bigBlobs.length);
    expect(lines.filter((l) => /"(PUT|PATCH) \/v2\/[^ ]*\/blobs\/uploads/.test(l))).toEqual([]);
    expect(lines.filter((l) => /"PUT \/v2\/[^ ]*\/manifests\/v1 HTTP\/1\.1" 201 /.test(l))).toHaveLength(1);
    expect(await skopeoDigest(`${isolatedAnonymous.host}/${targetRepository}:v1`)).toBe(big.image.descriptor.digest);
  });
});

describe('progress and cancellation', () => {
  it('progress events add up to bytesTotal and end at it', async () => {
    const target = isolatedTokenClient().withSegment(uniqueRepository('progress'));
    const events: MirrorProgress[] = [];
    const result = await mirror(isolatedAnonymousClient().withSegment(bigRepository), 'v1', target, 'v1', {
      onProgress: (p) => events.push(p),
    });
    const blobs = [big.image.configDescriptor, ...big.image.layers];
    const total = blobs.reduce((n, b) => n + b.size, 0);
    expect(total).toBeGreaterThan(12 << 20);
    expect(events.length).toBeGreaterThan(blobs.length);
    for (const e of events) {
      expect(e.bytesTotal).toBe(total);
      expect(e.bytesDone).toBeLessThanOrEqual(total);
      expect(e.blob.done).toBeLessThanOrEqual(e.blob.size);
    }
    const last = events.at(-1)!;
    expect(last.bytesDone).toBe(total);
    // Per blob: the last event says uploaded, with every byte done; together they make the total.
    const finals = new Map(events.map((e) => [e.blob.digest, e.blob]));
    expect([...finals.keys()].sort()).toEqual(blobs.map((b) => b.digest).sort());
    expect([...finals.values()].every((b) => b.state === 'uploaded' && b.done === b.size)).toBe(true);
    expect([...finals.values()].reduce((n, b) => n + b.done, 0)).toBe(total);
    expect(result.bytesCopied).toBe(total);
  });

  it('a cancel on the first progress event rejects with the abort reason and leaves the target tag unchanged', async () => {
    const target = isolatedTokenClient().withSegment(uniqueRepository('cancel'));
    await mirror(sharedAnonymous().withSegment(ociImage.repository), ociImage.tag, target, 'current');
    const before = await target.getDigest('current');
    expect(before).toBe(ociImage.digest);

    const controller = new AbortController();
    const reason = new DOMException('the person cancelled the mirror', 'AbortError');
    let events = 0;
    const err = await rejectionWithin(
      mirror(isolatedAnonymousClient().withSegment(bigRepository), 'v1', target, 'current', {
        signal: controller.signal,
        onProgress: () => {
          events++;
          if (!controller.signal.aborted) controller.abort(reason);
        },
      }),
      5_000,
    );
    expect(err).toBe(reason);
    expect(events).toBeGreaterThan(0);
    expect(await target.getDigest('current')).toBe(before);
    expect(await skopeoDigest(`${target.getRegistry()}:current`, { creds: bob })).toBe(before);
    const notThere = await target.checkImageExists(`@${sha256Digest(big.image.manifestBytes)}`).catch((e: unknown) => e);
    expect(notThere).toBeInstanceOf(ImageNotFoundError);
  });
});

async function configSize(): Promise<number> {
  const image = await sharedAnonymous().withSegment(ociImage.repository).getImage(ociImage.tag);
  return image.configDescriptor.size;
}
