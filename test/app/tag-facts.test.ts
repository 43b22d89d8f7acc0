/**
 * Tag facts in the app, against real registries with storage of their own:
 * the facts of the rows in view, the cache on disk (a summary is never read
 * twice for one digest, across launches too; a moved tag is noticed; a
 * corrupt cache file is ignored and written anew), aliases, the sorts, the
 * "fetch all facts" job, retag and delete as the dialogs confirm them.
 * Requests are counted in each registry's own access log.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection, TagFact } from '../../src-shared/contract';
import { compareNatural } from '../../src-shared/tag-order';
import { pushDatedImages, type DatedImage } from '../harness/dated-images';
import { startScratchRegistry, type ScratchRegistry } from '../harness/own-registry';
import { putManifest } from '../harness/registry-http';
import { skopeoCopy, skopeoDigest, skopeoListTags, skopeoRawManifest } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { connect, progressOf, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { multiarch } = lading.fixtures;

const REPO = 'facts/app';
const TAGS = Array.from({ length: 30 }, (_, i) => `build-${i + 1}`);

let on: ScratchRegistry;
let off: ScratchRegistry;
let images: DatedImage[];
let dataDir: string;
let app: TestApp;
let conn: Connection;

/** Requests the registry logged for `repository` so far: `METHOD kind` (kind: manifests or blobs). */
function requestsOf(scratch: ScratchRegistry, repository: string): string[] {
  const pattern = new RegExp(`"(GET|HEAD|PUT|DELETE|POST) /v2/${repository}/(manifests|blobs)/[^ ]*`);
  return scratch.registry
    .log()
    .split('\n')
    .filter((l) => /HTTP\/1\.1" \d{3}/.test(l))
    .map((l) => pattern.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} ${m[2]}`);
}

/** Runs `fn` and returns the requests it made to `repository`. */
async function counted(scratch: ScratchRegistry, repository: string, fn: () => Promise<unknown>): Promise<string[]> {
  const before = requestsOf(scratch, repository).length;
  await fn();
  // The access log line is written after the answer; give the log reader a moment.
  await new Promise((r) => setTimeout(r, 150));
  return requestsOf(scratch, repository).slice(before);
}

const facts = (a: TestApp, tags: string[], cachedOnly = false, repository = REPO, connectionId = conn.id) =>
  a.ok('tags.facts', { connectionId, repository, tags, ...(cachedOnly ? { cachedOnly } : {}) });

const byTag = (list: TagFact[]) => new Map(list.map((f) => [f.tag, f]));

beforeAll(async () => {
  [on, off] = await Promise.all([startScratchRegistry({ deleteEnabled: true }), startScratchRegistry({ deleteEnabled: false })]);
  images = await pushDatedImages(on.registry.url, REPO, { tags: TAGS, concurrency: 8 });
  // `latest` and `stable`: aliases of build-30.
  const latest = await skopeoRawManifest(`${on.registry.host}/${REPO}:build-30`);
  await putManifest(on.registry.url, REPO, 'latest', latest, 'application/vnd.oci.image.manifest.v1+json');
  await putManifest(on.registry.url, REPO, 'stable', latest, 'application/vnd.oci.image.manifest.v1+json');
  await skopeoCopy(`${anonymous.host}/${multiarch.repository}:${multiarch.tag}`, `${on.registry.host}/${REPO}:multi`, { all: true });
  dataDir = await makeTempDir('lading-app-tag-facts-');
  app = await startApp({ dataDir, tagFactsCache: { flushDelayMs: 50 } });
  conn = await connect(app, on.registry, 'anonymous', 'scratch');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([on?.stop(), off?.stop()]);
});

describe('facts of the rows in view', () => {
  it('reads each tag once, each digest once; aliases are marked; an index lists its platforms', async () => {
    const tags = ['build-1', 'build-2', 'build-30', 'latest', 'stable', 'multi', 'nope'];
    expect((await facts(app, tags, true)).facts.map((f) => f.state)).toEqual(Array(tags.length).fill('unknown'));
    let result!: Awaited<ReturnType<typeof facts>>;
    const requests = await counted(on, REPO, async () => (result = await facts(app, tags)));
    const got = byTag(result.facts);
    expect(got.get('build-2')).toMatchObject({
      state: 'checked',
      summary: { digest: images[1]!.digest, size: images[1]!.size, created: images[1]!.created },
    });
    expect(got.get('build-2')!.summary!.platforms).toEqual([
      { platform: `linux/${images[1]!.architecture}`, digest: images[1]!.digest, size: images[1]!.size, created: images[1]!.created },
    ]);
    expect(got.get('latest')).toMatchObject({ summary: { digest: images[29]!.digest }, aliases: ['build-30', 'stable'], aliasCount: 2 });
    expect(got.get('build-30')!.aliases).toEqual(['latest', 'stable']);
    expect(got.get('multi')!.summary).toMatchObject({ digest: multiarch.digest, isIndex: true });
    expect(got.get('multi')!.summary!.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(got.get('nope')).toMatchObject({ state: 'failed', error: { code: 'not-found' } });
    // Config blobs: one per digest (build-1, build-2, build-30, and the index's two images).
    expect(requests.filter((r) => r === 'GET blobs')).toHaveLength(5);
    expect(result.rateLimit).toBeUndefined();
  });

  it('asked again in the same session: answered without the registry', async () => {
    const requests = await counted(on, REPO, () => facts(app, ['build-1', 'latest']));
    expect(requests).toEqual([]);
  });
});

describe('the cache on disk', () => {
  it('a new launch shows the facts at once, then checks each tag with one HEAD and reads nothing else', async () => {
    await app.close();
    app = await startApp({ dataDir, tagFactsCache: { flushDelayMs: 50 } });
    const tags = ['build-1', 'build-2', 'build-30', 'latest', 'multi'];
    const cached = await counted(on, REPO, async () => {
      const answer = await facts(app, tags, true);
      expect(answer.facts.every((f) => f.state === 'cached' && f.summary)).toBe(true);
      expect(byTag(answer.facts).get('latest')!.aliases).toEqual(['build-30', 'stable']);
    });
    expect(cached).toEqual([]);
    const checked = await counted(on, REPO, async () => {
      const answer = await facts(app, tags);
      expect(answer.facts.every((f) => f.state === 'checked' && !f.movedFrom)).toBe(true);
    });
    expect(checked).toEqual(Array(tags.length).fill('HEAD manifests'));
  });

  it('a moved tag is noticed: its fact says where it was, and only the new digest is read (not at all when known)', async () => {
    // build-3 now holds build-2's image (known), build-4 a new alias of nothing known: build-5's, not read yet.
    const raw = async (tag: string) => skopeoRawManifest(`${on.registry.host}/${REPO}:${tag}`);
    await facts(app, ['build-3', 'build-4']); // known before they move
    // build-3 now holds build-2's image (a digest known), build-4 build-5's (not read yet).
    await putManifest(on.registry.url, REPO, 'build-3', await raw('build-2'), 'application/vnd.oci.image.manifest.v1+json');
    await putManifest(on.registry.url, REPO, 'build-4', await raw('build-5'), 'application/vnd.oci.image.manifest.v1+json');
    await app.close();
    app = await startApp({ dataDir, tagFactsCache: { flushDelayMs: 50 } });
    let answer!: Awaited<ReturnType<typeof facts>>;
    const toKnown = await counted(on, REPO, async () => (answer = await facts(app, ['build-3'])));
    expect(toKnown).toEqual(['HEAD manifests']);
    expect(answer.facts[0]).toMatchObject({
      state: 'checked',
      movedFrom: images[2]!.digest,
      summary: { digest: images[1]!.digest },
      aliases: ['build-2'],
    });
    const toNew = await counted(on, REPO, async () => (answer = await facts(app, ['build-4'])));
    expect(answer.facts[0]).toMatchObject({
      state: 'checked',
      movedFrom: images[3]!.digest,
      summary: { digest: images[4]!.digest, created: images[4]!.created },
    });
    // The HEAD that noticed, then build-5's image by digest (a HEAD, its manifest, its config).
    expect(toNew.sort()).toEqual(['GET blobs', 'GET manifests', 'HEAD manifests', 'HEAD manifests']);
  });

  it('a corrupt cache file is ignored, said in the log, and written anew', async () => {
    await app.close();
    const dir = join(dataDir, 'tag-facts');
    const repositoryFile = (await readdir(join(dir, 'repositories'))).find((n) => n.startsWith(`${conn.id}-`))!;
    await writeFile(join(dir, 'summaries.json'), '{"version":1,"summaries":{"sha256:');
    await writeFile(join(dir, 'repositories', repositoryFile), 'not json at all');
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    app = await startApp({ dataDir, logger, tagFactsCache: { flushDelayMs: 50 } });
    expect((await facts(app, ['build-1'], true)).facts[0]!.state).toBe('unknown');
    expect(warnings.join('\n')).toMatch(/The tag facts cache .*summaries\.json could not be read .*; it is ignored and written anew/);
    const answer = await facts(app, ['build-1']);
    expect(answer.facts[0]).toMatchObject({ state: 'checked', summary: { digest: images[0]!.digest } });
    await app.services.tagFactsCache.flush();
    const summaries = JSON.parse(await readFile(join(dir, 'summaries.json'), 'utf8')) as { summaries: Record<string, unknown> };
    expect(Object.keys(summaries.summaries)).toContain(images[0]!.digest);
    const tagsFile = JSON.parse(await readFile(join(dir, 'repositories', repositoryFile), 'utf8')) as { tags: Record<string, string> };
    expect(tagsFile.tags['build-1']).toBe(images[0]!.digest);
  });
});

describe('sorting and the "fetch all facts" job', () => {
  it('name is natural, version highest first, created newest first once the job has read every date', async () => {
    const page = (sort: 'name' | 'version' | 'created') =>
      app.ok('browse.tags', { connectionId: conn.id, repository: REPO, sort, limit: 1000 });
    const all = [...TAGS, 'latest', 'multi', 'stable'];
    expect((await page('name')).tags).toEqual([...all].sort(compareNatural));
    const before = await page('created');
    expect(before.missingFacts).toBeGreaterThan(20);

    const started = await app.ok('jobs.tagFacts', { connectionId: conn.id, repository: REPO });
    const end = await app.finished(started.jobId);
    expect(end).toMatchObject({ type: 'done', result: { kind: 'tagFacts', repository: REPO, failed: 0 } });
    const looked = (end as { result: { looked: number } }).result.looked;
    expect(looked).toBe(before.missingFacts);
    const last = progressOf(app.eventsOf(started.jobId)).at(-1)!;
    expect(last.progress.items).toEqual({ done: looked, total: looked, unit: 'tags' });

    const after = await page('created');
    expect(after.missingFacts).toBe(0);
    const createdOf = new Map(images.map((i) => [i.tag, Date.parse(i.created)]));
    const dated = after.tags.filter((t) => createdOf.has(t) && !['build-3', 'build-4'].includes(t));
    for (let i = 1; i < dated.length; i++) expect(createdOf.get(dated[i - 1]!)!).toBeGreaterThanOrEqual(createdOf.get(dated[i]!)!);
    // Pages by offset stay whole.
    const first = await app.ok('browse.tags', { connectionId: conn.id, repository: REPO, sort: 'created', limit: 10 });
    const second = await app.ok('browse.tags', {
      connectionId: conn.id,
      repository: REPO,
      sort: 'created',
      limit: 10,
      offset: first.nextOffset!,
    });
    expect([...first.tags, ...second.tags]).toEqual(after.tags.slice(0, 20));
  });
});

describe('retag', () => {
  it('puts the image under a new tag (skopeo reads the same digest); moving an existing tag needs move', async () => {
    const result = await app.ok('tags.retag', { connectionId: conn.id, repository: REPO, reference: 'build-7', tag: 'release' });
    expect(result).toEqual({ repository: REPO, tag: 'release', digest: images[6]!.digest });
    expect(await skopeoDigest(`${on.registry.host}/${REPO}:release`)).toBe(images[6]!.digest);
    const refused = await app.fail('tags.retag', { connectionId: conn.id, repository: REPO, reference: 'build-8', tag: 'release' });
    expect(refused).toMatchObject({ code: 'exists', details: { digest: images[6]!.digest } });
    expect(refused.message).toContain('The tag "release" already exists and points at another image');
    expect(await skopeoDigest(`${on.registry.host}/${REPO}:release`)).toBe(images[6]!.digest);
    const moved = await app.ok('tags.retag', { connectionId: conn.id, repository: REPO, reference: 'build-8', tag: 'release', move: true });
    expect(moved).toEqual({ repository: REPO, tag: 'release', digest: images[7]!.digest, movedFrom: images[6]!.digest });
    expect((await facts(app, ['release'], true)).facts[0]!.summary?.digest).toBe(images[7]!.digest);
    const badTag = await app.fail('tags.retag', { connectionId: conn.id, repository: REPO, reference: 'build-8', tag: '-bad' });
    expect(badTag.code).toBe('invalid-input');
  });
});

describe('delete', () => {
  it('the plan names the digest and every tag known at it; distribution refuses a tag, and the plan remembers', async () => {
    await facts(app, ['build-30', 'latest', 'stable']);
    const plan = await app.ok('tags.deletePlan', { connectionId: conn.id, repository: REPO, reference: 'latest' });
    expect(plan).toMatchObject({
      digest: images[29]!.digest,
      tagsAtDigest: ['build-30', 'latest', 'stable'],
      tagDeletion: 'unknown',
      deletion: 'unknown',
    });
    const error = await app.fail('tags.delete', {
      connectionId: conn.id,
      repository: REPO,
      reference: 'latest',
      digest: plan.digest,
      how: 'tag',
    });
    expect(error).toMatchObject({ code: 'registry', details: { deleteRefused: 'tag', digest: plan.digest } });
    expect((await app.ok('tags.deletePlan', { connectionId: conn.id, repository: REPO, reference: 'latest' })).tagDeletion).toBe('refused');
    expect(await skopeoListTags(on.registry.host, REPO)).toContain('latest');
  });

  it('refuses when the tag moved since the confirmation, deleting nothing', async () => {
    const error = await app.fail('tags.delete', {
      connectionId: conn.id,
      repository: REPO,
      reference: 'latest',
      digest: images[0]!.digest,
      how: 'digest',
    });
    expect(error.code).toBe('exists');
    expect(error.message).toContain(
      `latest now points at ${images[29]!.digest}, not at ${images[0]!.digest} as confirmed: nothing was deleted`,
    );
    expect(await skopeoDigest(`${on.registry.host}/${REPO}:build-1`)).toBe(images[0]!.digest);
  });

  it('through a placeholder: only the tag goes', async () => {
    const result = await app.ok('tags.delete', {
      connectionId: conn.id,
      repository: REPO,
      reference: 'stable',
      digest: images[29]!.digest,
      how: 'placeholder',
    });
    expect(result).toMatchObject({ how: 'placeholder', removedTags: ['stable'] });
    const tags = await skopeoListTags(on.registry.host, REPO);
    expect(tags).not.toContain('stable');
    expect(tags).toEqual(expect.arrayContaining(['latest', 'build-30']));
  });

  it('by digest: the image and every tag at it go, and the cache forgets them', async () => {
    const result = await app.ok('tags.delete', {
      connectionId: conn.id,
      repository: REPO,
      reference: 'latest',
      digest: images[29]!.digest,
      how: 'digest',
    });
    expect(result.removedTags).toEqual(['build-30', 'latest']);
    const tags = await skopeoListTags(on.registry.host, REPO);
    expect(tags).not.toContain('latest');
    expect(tags).not.toContain('build-30');
    expect(tags).toContain('build-29');
    expect((await facts(app, ['latest'], true)).facts[0]!.state).toBe('unknown');
    expect((await app.ok('tags.deletePlan', { connectionId: conn.id, repository: REPO, reference: 'build-29' })).deletion).toBe('enabled');
  });

  it('on a registry with deletion off: refused, nothing deleted, and the plan says so next time', async () => {
    const offConn = await connect(app, off.registry, 'anonymous', 'no-delete');
    await skopeoCopy(`${on.registry.host}/${REPO}:build-1`, `${off.registry.host}/keep/app:v1`);
    const plan = await app.ok('tags.deletePlan', { connectionId: offConn.id, repository: 'keep/app', reference: 'v1' });
    const error = await app.fail('tags.delete', {
      connectionId: offConn.id,
      repository: 'keep/app',
      reference: 'v1',
      digest: plan.digest,
      how: 'digest',
    });
    expect(error).toMatchObject({ code: 'registry', details: { deleteRefused: 'disabled', status: 405 } });
    expect((await app.ok('tags.deletePlan', { connectionId: offConn.id, repository: 'keep/app', reference: 'v1' })).deletion).toBe(
      'disabled',
    );
    expect(await skopeoListTags(off.registry.host, 'keep/app')).toEqual(['v1']);
  });
});
