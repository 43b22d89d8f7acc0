/**
 * The browsing views against real distribution registries: the repository
 * tree from the catalog (paged, filtered, kinds, catalog-less registries),
 * tag pages with counts, the manifest and config views; anonymous, Basic
 * and token auth.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ChildEntry, Connection } from '../../src-shared/contract';
import { FIXTURE_CMD, FIXTURE_ENV, FIXTURE_LABELS, SINGLE_IMAGE_LAYERS } from '../harness/fixture-specs';
import { startRegistry, type RunningRegistry } from '../harness/registry';
import { makeTempDir } from '../harness/tmp';
import { connect, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { anonymous, basic, token } = lading.registries;
const { ociImage, multiarch, manyTags, repositories } = lading.fixtures;

/** What the tree below `namespace` must hold, computed from the catalog snapshot the harness took. */
function expectedChildren(namespace: string): ChildEntry[] {
  const prefix = namespace ? `${namespace}/` : '';
  const kinds = new Map<string, ChildEntry['kind']>();
  for (const name of repositories.catalog) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const slash = rest.indexOf('/');
    const child = slash < 0 ? rest : rest.slice(0, slash);
    const kind = slash < 0 ? 'repository' : 'namespace';
    const before = kinds.get(child);
    kinds.set(child, before === undefined || before === kind ? kind : 'both');
  }
  return [...kinds.entries()].map(([name, kind]) => ({ name, path: prefix + name, kind }));
}

let app: TestApp;
let anon: Connection;
let viaBasic: Connection;
let viaToken: Connection;

beforeAll(async () => {
  app = await startApp();
  anon = await connect(app, anonymous, 'anonymous', 'anonymous');
  viaBasic = await connect(app, basic, basic.credentials, 'basic');
  viaToken = await connect(app, token, token.credentials, 'token');
});
afterAll(async () => {
  for (const line of app.transcript) {
    expect(line).not.toContain(basic.credentials.password);
    expect(line).not.toContain(token.credentials.password);
  }
  await app?.close();
});

async function allChildren(a: TestApp, connectionId: string, namespace: string, limit: number, filter?: string): Promise<ChildEntry[]> {
  const out: ChildEntry[] = [];
  let last: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await a.ok('browse.children', {
      connectionId,
      namespace,
      limit,
      ...(last ? { last } : {}),
      ...(filter ? { filter } : {}),
    });
    expect(result.catalogSupported).toBe(true);
    expect(result.children.length).toBeLessThanOrEqual(limit);
    out.push(...result.children);
    if (!result.next) return out;
    expect(result.next).toBe(result.children.at(-1)?.name ?? result.next);
    last = result.next;
  }
  throw new Error('paging did not end');
}

describe('browse.children', () => {
  it('lists the children of a namespace, neighbours that sort next to it left out', async () => {
    const want = expectedChildren('ns1');
    expect(want.map((c) => c.name)).toEqual(expect.arrayContaining(['sub0', 'sub5', 'sub', 'x']));
    const result = await app.ok('browse.children', { connectionId: anon.id, namespace: 'ns1', limit: 1000 });
    expect(result).toEqual({ namespace: 'ns1', children: want, catalogSupported: true });
  });

  it('pages through a namespace with `last`, every child once, in the same order', async () => {
    const want = expectedChildren('ns1');
    for (const limit of [1, 2, 3]) expect(await allChildren(app, anon.id, 'ns1', limit)).toEqual(want);
  });

  it('follows deep paths and the root', async () => {
    expect(await allChildren(app, anon.id, 'deep/a/b/c', 1)).toEqual(
      [
        { name: 'd', path: 'deep/a/b/c/d', kind: 'namespace' },
        { name: 'repo', path: 'deep/a/b/c/repo', kind: 'repository' },
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
    const root = await allChildren(app, anon.id, '', 5);
    const names = root.map((c) => c.name);
    for (const c of expectedChildren('')) expect(root).toContainEqual(c);
    expect(new Set(names).size).toBe(names.length);
  });

  it('filters by substring, case-insensitively, across pages', async () => {
    const want = expectedChildren('ns1').filter((c) => c.name.includes('sub'));
    expect(want.length).toBeGreaterThan(3);
    expect(await allChildren(app, anon.id, 'ns1', 2, 'SUB')).toEqual(want);
    expect(await allChildren(app, anon.id, 'ns1', 10, 'no-such-child')).toEqual([]);
  });

  it('gives the same tree in small catalog reads with a small scan budget', async () => {
    const small = await startApp({ browse: { catalogBatch: 3, maxScan: 5 } });
    try {
      const c = await connect(small, anonymous, 'anonymous');
      expect(await allChildren(small, c.id, 'ns1', 4)).toEqual(expectedChildren('ns1'));
      expect(await allChildren(small, c.id, 'ns2', 2, 'sub1')).toEqual(expectedChildren('ns2').filter((x) => x.name.includes('sub1')));
    } finally {
      await small.close();
    }
  });

  it('works through Basic and token auth', async () => {
    const want = expectedChildren('ns3/sub2');
    expect((await app.ok('browse.children', { connectionId: viaBasic.id, namespace: 'ns3/sub2' })).children).toEqual(want);
    expect((await app.ok('browse.children', { connectionId: viaToken.id, namespace: 'ns3/sub2' })).children).toEqual(want);
  });

  it('says when the registry offers no catalog to this account, instead of failing', async () => {
    const anonToken = await connect(app, token, 'anonymous', 'token, anonymous');
    const result = await app.ok('browse.children', { connectionId: anonToken.id, namespace: '' });
    expect(result.catalogSupported).toBe(false);
    expect(result.children).toEqual([]);
    expect(result.message).toMatch(/does not offer a repository catalog/);
  });

  describe('on a registry of its own', () => {
    let own: RunningRegistry;
    let root: string;
    beforeAll(async () => {
      root = await makeTempDir('lading-browse-own-');
      own = await startRegistry({ auth: 'none', rootDirectory: root });
    });
    afterAll(async () => {
      await own?.stop();
      await rm(root, { recursive: true, force: true });
    });

    it('marks a repository that also has repositories below it as both', async () => {
      const target = await app.ok('connections.save', { name: 'own', host: own.host, plainHttp: true, authKind: 'anonymous' });
      for (const repository of ['team', 'team/app', 'team/app/sub', 'team-x/app', 'team/zeta', 'teams']) {
        const started = await app.ok('jobs.mirror', {
          source: { connectionId: anon.id, repository: 'ns1/x', reference: 'v1' },
          target: { connectionId: target.id, repository },
        });
        const end = await app.finished(started.jobId);
        expect(end.type, JSON.stringify(end)).toBe('done');
      }
      expect((await app.ok('browse.children', { connectionId: target.id })).children).toEqual([
        { name: 'team', path: 'team', kind: 'both' },
        { name: 'team-x', path: 'team-x', kind: 'namespace' },
        { name: 'teams', path: 'teams', kind: 'repository' },
      ]);
      expect(await allChildren(app, target.id, '', 1)).toEqual([
        { name: 'team', path: 'team', kind: 'both' },
        { name: 'team-x', path: 'team-x', kind: 'namespace' },
        { name: 'teams', path: 'teams', kind: 'repository' },
      ]);
      expect(await allChildren(app, target.id, 'team', 1)).toEqual([
        { name: 'app', path: 'team/app', kind: 'both' },
        { name: 'zeta', path: 'team/zeta', kind: 'repository' },
      ]);
    });
  });
});

describe('browse.tags', () => {
  it('pages through every tag, byte-sorted, with counts', async () => {
    const want = [...manyTags.tags].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const got: string[] = [];
    let last: string | undefined;
    for (;;) {
      const page = await app.ok('browse.tags', {
        connectionId: viaToken.id,
        repository: manyTags.repository,
        limit: 1000,
        ...(last ? { last } : {}),
      });
      expect(page.total).toBe(want.length);
      expect(page.totalUnfiltered).toBe(want.length);
      got.push(...page.tags);
      if (!page.next) break;
      last = page.next;
    }
    expect(got).toEqual(want);
    expect(got).toHaveLength(2617);
  });

  it('filters, counts what matches, and pages within the matches', async () => {
    const want = manyTags.tags.filter((t) => t.toLowerCase().includes('v1.')).sort();
    expect(want.length).toBeGreaterThan(2);
    const first = await app.ok('browse.tags', { connectionId: anon.id, repository: manyTags.repository, filter: 'V1.', limit: 2 });
    expect(first).toEqual({
      repository: manyTags.repository,
      tags: want.slice(0, 2),
      next: want[1],
      nextOffset: 2,
      total: want.length,
      totalUnfiltered: 2617,
    });
    const second = await app.ok('browse.tags', {
      connectionId: anon.id,
      repository: manyTags.repository,
      filter: 'V1.',
      limit: 1000,
      last: first.next,
    });
    expect(second.tags).toEqual(want.slice(2));
    expect(second.next).toBeUndefined();
  });

  it('answers not-found for a repository that does not exist', async () => {
    const error = await app.fail('browse.tags', { connectionId: anon.id, repository: 'lading/no-such-repo' });
    expect(error.code).toBe('not-found');
  });
});

describe('browse.manifest', () => {
  it('shows an image manifest: media type, digest, size, config, layers, raw JSON', async () => {
    const view = await app.ok('browse.manifest', { connectionId: viaBasic.id, repository: ociImage.repository, reference: ociImage.tag });
    expect(view).toMatchObject({
      kind: 'image',
      mediaType: ociImage.mediaType,
      digest: ociImage.digest,
      size: ociImage.size,
      config: { digest: ociImage.configDigest, mediaType: ociImage.configMediaType },
      layersSize: ociImage.layers.reduce((n, l) => n + l.size, 0),
    });
    expect(view.layers).toEqual(ociImage.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })));
    expect(view.manifests).toBeUndefined();
    const raw = JSON.parse(view.raw);
    expect(raw.layers.map((l: { digest: string }) => l.digest)).toEqual(ociImage.layers.map((l) => l.digest));
    expect(view.raw).toContain('\n  "schemaVersion": 2');
  });

  it('shows an index with its children, their platforms, and which are attestations', async () => {
    const view = await app.ok('browse.manifest', { connectionId: anon.id, repository: multiarch.repository, reference: multiarch.digest });
    expect(view).toMatchObject({ kind: 'index', digest: multiarch.digest, mediaType: multiarch.mediaType, size: multiarch.size });
    expect(view.layers).toBeUndefined();
    expect(view.manifests!.map((m) => [m.digest, m.platform, m.attestation])).toEqual(
      multiarch.manifests.map((m) => [
        m.digest,
        [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/'),
        m.attestation,
      ]),
    );
    const attestation = view.manifests!.find((m) => m.attestation)!;
    expect(attestation.annotations?.['vnd.docker.reference.type']).toBe('attestation-manifest');
  });

  it('answers not-found for a missing tag', async () => {
    const error = await app.fail('browse.manifest', { connectionId: anon.id, repository: ociImage.repository, reference: 'no-such-tag' });
    expect(error.code).toBe('not-found');
    expect(error.details?.status).toBe(404);
  });
});

describe('browse.config', () => {
  it("shows an image's env, cmd, workdir, labels, history and diff ids", async () => {
    const view = await app.ok('browse.config', { connectionId: viaToken.id, repository: ociImage.repository, reference: ociImage.tag });
    expect(view).toMatchObject({
      digest: ociImage.digest,
      configDigest: ociImage.configDigest,
      platform: 'linux/amd64',
      env: FIXTURE_ENV,
      cmd: FIXTURE_CMD,
      entrypoint: [],
      workdir: '/',
      user: '',
      labels: FIXTURE_LABELS,
      exposedPorts: [],
      diffIds: ociImage.layers.map((l) => l.diffId),
      created: '2024-01-01T00:00:00Z',
    });
    expect(view.history.map((h) => h.createdBy)).toEqual([
      ...SINGLE_IMAGE_LAYERS.map((l) => l.createdBy),
      'CMD ["/usr/bin/app" "--serve"]',
    ]);
    expect(view.history.map((h) => h.emptyLayer)).toEqual([false, false, false, true]);
    expect(view.history[1]!.comment).toBe('buildkit.dockerfile.v0');
    expect(JSON.parse(view.raw).config.Labels).toEqual(FIXTURE_LABELS);
  });

  it('picks a platform from an index', async () => {
    const arm = multiarch.manifests.find((m) => m.platform.architecture === 'arm64')!;
    const view = await app.ok('browse.config', {
      connectionId: anon.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      platform: 'linux/arm64/v8',
    });
    expect(view.digest).toBe(arm.digest);
    expect(view.configDigest).toBe(arm.configDigest);
    expect(view.platform).toBe('linux/arm64/v8');
    expect(view.env).toContain('LADING_PLATFORM=linux/arm64/v8');
    const missing = await app.fail('browse.config', {
      connectionId: anon.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      platform: 'linux/s390x',
    });
    expect(missing.code).toBe('not-found');
    expect(missing.message).toMatch(/available: linux\/amd64, linux\/arm64/);
  });
});
