/**
 * Bad input against the real registries: each case gives its typed error, and
 * none hangs (every call is raced against a deadline). Wrong passwords, unknown
 * tags and repositories, hosts that do not exist or do not listen, invalid
 * names (refused before any request), manifests distribution accepts but a
 * client must not trust, a manifest over 4 MiB, blob bytes corrupted in the
 * registry's storage, and an abort in the middle of a layer stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AccessDeniedError,
  ConnectionError,
  DigestMismatchError,
  ImageNotFoundError,
  InvalidManifestError,
  InvalidReferenceError,
  RegistryError,
  RepositoryNotFoundError,
  type Client,
  type Image,
} from '../../src-main/registry/index';
import { sha256Digest } from '../harness/digest.js';
import type { BuiltImageLayout } from '../harness/images.js';
import { MediaType } from '../harness/media-types.js';
import { putManifest } from '../harness/registry-http.js';
import { makeTempDir } from '../harness/tmp.js';
import { freePort } from '../harness/tools.js';
import {
  blobDataPath,
  ClientPool,
  recordingLogger,
  rejectionWithin,
  repositoryStoragePath,
  pushRandomImage,
  sha256OfStream,
  startIsolatedRegistry,
  uniqueRepository,
  type IsolatedRegistry,
} from './registry-support.js';

const lading = inject('lading');
const { anonymous, basic, token } = lading.registries;
const { ociImage, multiarch } = lading.fixtures;

/** No-hang deadline for calls that talk to loopback registries. */
const PROMPT_MS = 10_000;

const pool = new ClientPool();
let workDir: string;
/**
 * Where this file pushes and corrupts its own images: an anonymous registry
 * over a storage root of its own, so the shared registries stay as the
 * fixtures describe them.
 */
let own: IsolatedRegistry;

beforeAll(async () => {
  workDir = await makeTempDir('lading-it-errors-');
  own = await startIsolatedRegistry(workDir, 'errors');
});

afterAll(async () => {
  await pool.closeAll();
  await own?.registry.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** Every text an error carries that could end up in a log or a dialog. */
function everythingSaid(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as Error & { url?: string; errors?: unknown };
    parts.push(String(x.message), String(x.stack), String(x.url), JSON.stringify(x.errors ?? null), (e as Error).toString());
    e = x.cause;
  }
  return parts.join('\n');
}

describe('wrong credentials', () => {
  const wrong = `wrong-${randomBytes(6).toString('hex')}`;

  it('a wrong password on the Basic registry: AccessDeniedError, the password nowhere in the error or the log', async () => {
    const logger = recordingLogger();
    const c = pool.open(basic.host, { auth: { username: basic.credentials.username, password: wrong }, logger });
    for (const call of [
      () => c.withSegment(ociImage.repository).getDigest(ociImage.tag),
      () => c.withSegment(ociImage.repository).getManifest(ociImage.tag),
      () => c.withSegment(ociImage.repository).listTags(),
      () => c.listRepositories(),
    ]) {
      const err = await rejectionWithin(call(), PROMPT_MS);
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect((err as AccessDeniedError).status).toBe(401);
      expect(everythingSaid(err)).not.toContain(wrong);
      expect(everythingSaid(err)).not.toContain(basic.credentials.password);
    }
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(wrong);
  });

  it('a wrong password on the token registry: AccessDeniedError from the token service, the password nowhere', async () => {
    const logger = recordingLogger();
    const c = pool.open(token.host, { auth: { username: token.credentials.username, password: wrong }, logger });
    for (const call of [
      () => c.withSegment(ociImage.repository).getDigest(ociImage.tag),
      () => c.withSegment(ociImage.repository).getImage(ociImage.tag),
      () => c.listRepositories(),
    ]) {
      const err = await rejectionWithin(call(), PROMPT_MS);
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect((err as Error).message).toMatch(/rejected the credentials/);
      expect(everythingSaid(err)).not.toContain(wrong);
    }
    expect(logger.lines.join('\n')).not.toContain(wrong);
  });

  it('an unknown identity token on the token registry: AccessDeniedError, the token nowhere', async () => {
    const identityToken = `bogus-${randomBytes(12).toString('hex')}`;
    const logger = recordingLogger();
    const c = pool.open(token.host, { auth: { identityToken }, logger });
    const err = await rejectionWithin(c.withSegment(ociImage.repository).getDigest(ociImage.tag), PROMPT_MS);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(everythingSaid(err)).not.toContain(identityToken);
    expect(logger.lines.join('\n')).not.toContain(identityToken);
  });
});

describe('things that do not exist', () => {
  const clients = (): [string, Client][] => [
    ['anonymous', pool.open(anonymous.host)],
    ['basic', pool.open(basic.host, { auth: basic.credentials })],
    ['token', pool.open(token.host, { auth: token.credentials })],
  ];

  it('an unknown tag: ImageNotFoundError (not RepositoryNotFoundError) from every read', async () => {
    for (const [name, c] of clients()) {
      const repo = c.withSegment(ociImage.repository);
      for (const call of [
        () => repo.getDigest('no-such-tag'),
        () => repo.getManifest('no-such-tag'),
        () => repo.getImage('no-such-tag'),
        () => repo.getImageConfig('no-such-tag'),
        () => repo.checkImageExists('no-such-tag'),
        () => repo.getManifest(`@sha256:${'0'.repeat(64)}`),
      ]) {
        const err = await rejectionWithin(call(), PROMPT_MS);
        expect(err, name).toBeInstanceOf(ImageNotFoundError);
        expect(err, name).not.toBeInstanceOf(RepositoryNotFoundError);
        expect((err as ImageNotFoundError).status).toBe(404);
      }
    }
  });

  it('an unknown repository: RepositoryNotFoundError, which is also an ImageNotFoundError', async () => {
    for (const [name, c] of clients()) {
      const repo = c.withSegment('lading-it', 'no-such-repository');
      for (const call of [
        () => repo.getDigest('v1'),
        () => repo.getManifest('v1'),
        () => repo.getImage('v1'),
        () => repo.checkImageExists('v1'),
        () => repo.listTags(),
      ]) {
        const err = await rejectionWithin(call(), PROMPT_MS);
        expect(err, name).toBeInstanceOf(RepositoryNotFoundError);
        expect(err, name).toBeInstanceOf(ImageNotFoundError);
        expect((err as Error).message).toContain('lading-it/no-such-repository');
      }
    }
  });

  it("a typo'd host: ConnectionError naming the host", async () => {
    const c = pool.open('no-such-host.invalid:5000', { maxRetries: 1 });
    const err = await rejectionWithin(c.withSegment('app').getDigest('v1'), 15_000);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain('no-such-host.invalid');
  });

  it('a closed port: ConnectionError, after a bounded number of retries', async () => {
    const port = await freePort();
    const logger = recordingLogger();
    const c = pool.open(`127.0.0.1:${port}`, { logger });
    const err = await rejectionWithin(c.withSegment('app').getManifest('v1'), 15_000);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ECONNREFUSED');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect(logger.lines.filter((l) => /retrying/.test(l)).length).toBeLessThanOrEqual(3);
  });
});

describe('invalid names: InvalidReferenceError before any request', () => {
  it('bad path components in withSegment() and in the host string', () => {
    const c = pool.open(anonymous.host);
    for (const segment of ['', '/', 'Upper', 'has space', 'a//b', '-lead', 'trail-', 'a..b', 'a@b', 'a:b', '.', '..', 'x'.repeat(256)]) {
      expect(() => c.withSegment(segment), JSON.stringify(segment)).toThrow(InvalidReferenceError);
    }
    expect(() => pool.open(`${anonymous.host}/Bad/Path`)).toThrow(InvalidReferenceError);
    expect(() => pool.open('ftp://example.com')).toThrow(InvalidReferenceError);
    expect(() => pool.open('exa mple.com')).toThrow(InvalidReferenceError);
    // Slashes are trimmed, not turned into empty components.
    expect(c.withSegment('/lading/', 'oci-image/').getRegistry()).toBe(`${anonymous.host}/lading/oci-image`);
  });

  it('bad tags and digests: every call rejects with no request sent', async () => {
    const logger = recordingLogger();
    const repo = pool.open(anonymous.host, { logger }).withSegment(ociImage.repository);
    const bad = [
      'has space',
      '-lead',
      '.dot',
      'x'.repeat(129),
      'tag/with/slash',
      'sha256:abc',
      `sha256:${'G'.repeat(64)}`,
      `@sha256:${'a'.repeat(63)}`,
      `md5:${'a'.repeat(32)}`,
      '',
      '@',
    ];
    for (const tag of bad) {
      for (const call of [
        () => repo.getDigest(tag),
        () => repo.getManifest(tag),
        () => repo.getImage(tag),
        () => repo.getImageConfig(tag),
        () => repo.checkImageExists(tag),
      ]) {
        const err = await rejectionWithin(call(), PROMPT_MS);
        expect(err, JSON.stringify(tag)).toBeInstanceOf(InvalidReferenceError);
      }
    }
    const platform = await rejectionWithin(repo.getImage('v1', { platform: 'linux' }), PROMPT_MS);
    expect(platform).toBeInstanceOf(InvalidReferenceError);
    // A client without a repository cannot read images.
    const noRepo = await rejectionWithin(pool.open(anonymous.host, { logger }).getDigest('v1'), PROMPT_MS);
    expect(noRepo).toBeInstanceOf(InvalidReferenceError);
    expect(logger.requests).toEqual([]);
  });
});

describe('manifests distribution accepts but a client must not trust', () => {
  let base: BuiltImageLayout;
  let repository: string;
  let repo: Client;
  beforeAll(async () => {
    repository = uniqueRepository('malformed');
    base = await pushRandomImage(workDir, own.registry.host, repository, [4096]);
    repo = pool.open(own.registry.host).withSegment(repository);
  });

  async function put(tag: string, doc: unknown, mediaType: string = MediaType.ociManifest): Promise<void> {
    await putManifest(own.registry.url, repository, tag, Buffer.from(JSON.stringify(doc)), mediaType);
  }

  it('"layers": null, a negative size, a layer without mediaType: InvalidManifestError saying what is wrong', async () => {
    const m = base.image.manifest;
    await put('layers-null', { ...m, layers: null });
    await put('negative-size', { ...m, config: { ...m.config, size: -1 } });
    await put('no-media-type', { ...m, layers: m.layers.map((l) => ({ digest: l.digest, size: l.size })) });
    const cases: [string, RegExp][] = [
      ['layers-null', /layers/],
      ['negative-size', /size/],
      ['no-media-type', /mediaType/],
    ];
    for (const [tag, what] of cases) {
      // It is there...
      await expect(repo.checkImageExists(tag)).resolves.toBeUndefined();
      // ...but not usable.
      for (const call of [() => repo.getManifest(tag), () => repo.getImage(tag)]) {
        const err = await rejectionWithin(call(), PROMPT_MS);
        expect(err, tag).toBeInstanceOf(InvalidManifestError);
        expect(err, tag).toBeInstanceOf(RegistryError);
        expect((err as Error).message, tag).toMatch(what);
      }
    }
  });

  it('a layer whose size is wrong in the manifest: DigestMismatchError when it is opened', async () => {
    const m = base.image.manifest;
    const layer = m.layers[0]!;
    await put('wrong-size', { ...m, layers: [{ ...layer, size: layer.size + 100 }] });
    const image = await repo.getImage('wrong-size');
    const err = await rejectionWithin(image.layers[0]!.open().then(sha256OfStream), PROMPT_MS);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as DigestMismatchError).expected).toBe(layer.digest);
  });

  it('an index entry whose size does not match its child: DigestMismatchError', async () => {
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [{ ...base.image.descriptor, size: base.image.descriptor.size + 1, platform: { os: 'linux', architecture: 'amd64' } }],
    };
    await put('bad-index', index, MediaType.ociIndex);
    const err = await rejectionWithin(repo.getImage('bad-index'), PROMPT_MS);
    expect(err).toBeInstanceOf(DigestMismatchError);
  });

  it('a manifest over 4 MiB: distribution refuses the PUT (400 MANIFEST_INVALID), and the client says so', async () => {
    const source = await repo.getImage('v1');
    const raw = Buffer.from(JSON.stringify({ ...base.image.manifest, annotations: { pad: 'x'.repeat(4.5 * 1024 * 1024) } }));
    const oversized: Image = { ...source, rawManifest: raw, digest: sha256Digest(raw) };
    const err = await rejectionWithin(repo.pushImage('oversized', oversized), PROMPT_MS);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(400);
    expect((err as RegistryError).codes).toContain('MANIFEST_INVALID');
    expect(await rejectionWithin(repo.getManifest('oversized'), PROMPT_MS)).toBeInstanceOf(ImageNotFoundError);
  });

  it('a manifest just under 4 MiB: accepted by the registry and read whole by the client', async () => {
    const source = await repo.getImage('v1');
    const raw = Buffer.from(JSON.stringify({ ...base.image.manifest, annotations: { pad: 'y'.repeat(4 * 1024 * 1024 - 2048) } }));
    expect(raw.length).toBeLessThan(4 * 1024 * 1024);
    await repo.pushImage('near-limit', { ...source, rawManifest: raw, digest: sha256Digest(raw) });
    const read = await repo.getManifest('near-limit');
    expect(read.descriptor.digest).toBe(sha256Digest(raw));
    expect(read.raw.length).toBe(raw.length);
  });

  it('a manifest over 4 MiB written straight into storage: distribution will not serve it either (500), a bounded RegistryError', async () => {
    // distribution 2.8 refuses to read more than 4 MiB of manifest from its own
    // storage ("storage: read exceeds limit"), so no real registry answer can
    // carry one; the client's own 4 MiB cap is covered by the fault tests.
    const raw = Buffer.from(JSON.stringify({ ...base.image.manifest, annotations: { pad: 'z'.repeat(5 * 1024 * 1024) } }));
    const digest = sha256Digest(raw);
    const hex = digest.slice('sha256:'.length);
    const data = blobDataPath(own.storageRoot, digest);
    await mkdir(dirname(data), { recursive: true });
    await writeFile(data, raw);
    const manifests = join(repositoryStoragePath(own.storageRoot, repository), '_manifests');
    for (const link of [
      join(manifests, 'revisions', 'sha256', hex, 'link'),
      join(manifests, 'tags', 'huge', 'current', 'link'),
      join(manifests, 'tags', 'huge', 'index', 'sha256', hex, 'link'),
    ]) {
      await mkdir(dirname(link), { recursive: true });
      await writeFile(link, digest);
    }
    const logger = recordingLogger();
    const c = pool.open(own.registry.host, { maxRetries: 1, logger }).withSegment(repository);
    for (const ref of ['huge', `@${digest}`]) {
      const err = await rejectionWithin(c.getManifest(ref), PROMPT_MS);
      expect(err).toBeInstanceOf(RegistryError);
      expect(err).not.toBeInstanceOf(ImageNotFoundError);
      expect((err as RegistryError).status).toBe(500);
    }
    // One retry each (5xx is retried), then the answer is given.
    expect(logger.lines.filter((l) => /answered 500; retrying/.test(l))).toHaveLength(2);
  });
});

describe("corrupted bytes in the registry's storage", () => {
  let layout: BuiltImageLayout;
  let repo: Client;
  beforeAll(async () => {
    const repository = uniqueRepository('corrupt');
    layout = await pushRandomImage(workDir, own.registry.host, repository, [256 * 1024, 256 * 1024]);
    repo = pool.open(own.registry.host).withSegment(repository);
  });

  it('same length, other bytes: DigestMismatchError when the stream is consumed', async () => {
    const layer = layout.image.layers[0]!;
    const image = await repo.getImage('v1');
    // Read fine before the corruption.
    expect(await sha256OfStream(await image.layers[0]!.open())).toEqual({ digest: layer.digest, size: layer.size });
    await writeFile(blobDataPath(own.storageRoot, layer.digest), randomBytes(layer.size));
    const stream = await image.layers[0]!.open();
    const err = await rejectionWithin(sha256OfStream(stream), PROMPT_MS);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as DigestMismatchError).expected).toBe(layer.digest);
    expect((err as DigestMismatchError).actual).not.toBe(layer.digest);
    expect((err as Error).message).toContain(layer.digest);
  });

  it("a truncated blob: DigestMismatchError (the registry's length disagrees with the manifest)", async () => {
    const layer = layout.image.layers[1]!;
    await writeFile(blobDataPath(own.storageRoot, layer.digest), layer.blob.subarray(0, layer.size - 1000));
    const image = await repo.getImage('v1');
    const err = await rejectionWithin(image.layers[1]!.open().then(sha256OfStream), PROMPT_MS);
    expect(err).toBeInstanceOf(DigestMismatchError);
  });

  it('a corrupted config blob: getImageConfig rejects with DigestMismatchError', async () => {
    const config = layout.image.configDescriptor;
    const original = layout.image.configBytes;
    const flipped = Buffer.from(original);
    flipped[flipped.length - 2] = flipped[flipped.length - 2] === 0x20 ? 0x09 : 0x20;
    await writeFile(blobDataPath(own.storageRoot, config.digest), flipped);
    const err = await rejectionWithin(repo.getImageConfig('v1'), PROMPT_MS);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect(createHash('sha256').update(flipped).digest('hex')).not.toBe(config.digest.slice(7));
  });
});

describe('aborts against the real registry', () => {
  let layout: BuiltImageLayout;
  let repo: Client;
  beforeAll(async () => {
    const repository = uniqueRepository('abort');
    layout = await pushRandomImage(workDir, own.registry.host, repository, [4 * 1024 * 1024]);
    repo = pool.open(own.registry.host).withSegment(repository);
  });

  it('in the middle of a layer stream: rejects promptly with the abort reason', async () => {
    const layer = layout.image.layers[0]!;
    const image = await repo.getImage('v1');
    const controller = new AbortController();
    const reason = new DOMException('the person cancelled', 'AbortError');
    const stream = await image.layers[0]!.open({ signal: controller.signal });
    let received = 0;
    const consumed = (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        if (!controller.signal.aborted) controller.abort(reason);
      }
    })();
    const err = await rejectionWithin(consumed, 5_000);
    expect(err).toBe(reason);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(layer.size);
    expect(stream.destroyed).toBe(true);
  });

  it('an already-aborted signal: every call rejects with its reason and sends nothing', async () => {
    const logger = recordingLogger();
    const c = pool.open(anonymous.host, { logger }).withSegment(multiarch.repository);
    const reason = new Error('stop before starting');
    const signal = AbortSignal.abort(reason);
    for (const call of [
      () => c.getDigest(multiarch.tag, { signal }),
      () => c.getManifest(multiarch.tag, { signal }),
      () => c.getImage(multiarch.tag, { signal }),
      () => c.listTags({ signal }),
      () => c.listRepositories({ signal }),
    ]) {
      expect(await rejectionWithin(call(), PROMPT_MS)).toBe(reason);
    }
    expect(logger.requests).toEqual([]);
  });
});
