/**
 * Pagination against the real registry: the 2,600-tag repository (all, limit,
 * last, both) and the catalog of 300+ nested repositories, at the root and
 * scoped with withSegment(). The client's logger records every request URL,
 * so the tests can see what was asked: never `n` above 1000, a scoped listing
 * starting at `last=<scope>/`, and stopping once past the scope.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '../../src-main/registry/index';
import { listCatalog } from '../harness/registry-http.js';
import { ClientPool, recordingLogger, type RecordingLogger } from './registry-support.js';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { manyTags, repositories } = lading.fixtures;

const pool = new ClientPool();
afterAll(() => pool.closeAll());

function logged(): { client: Client; logger: RecordingLogger } {
  const logger = recordingLogger();
  return { client: pool.open(anonymous.host, { logger }), logger };
}

const pageUrls = (logger: RecordingLogger, path: string): URL[] =>
  logger.urls.map((u) => new URL(u)).filter((u) => u.pathname.endsWith(path));

function expectPagesOfAtMost1000(urls: URL[]): void {
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) {
    const n = url.searchParams.get('n');
    expect(n, url.toString()).not.toBeNull();
    expect(Number(n), url.toString()).toBeGreaterThan(0);
    expect(Number(n), url.toString()).toBeLessThanOrEqual(1000);
  }
}

/** The fixture catalog entries under `scope/`, relative to it, in the registry's order. */
function inScope(scope: string): string[] {
  return repositories.catalog.filter((n) => n.startsWith(`${scope}/`)).map((n) => n.slice(scope.length + 1));
}

describe('listTags on a repository with 2,600+ tags', () => {
  const sorted = manyTags.tags;
  const after = (last: string) => sorted.filter((t) => t > last);

  it('all of them, sorted, never asking for more than 1000 a page', async () => {
    const { client, logger } = logged();
    const tags = await client.withSegment(manyTags.repository).listTags();
    expect(tags.length).toBeGreaterThanOrEqual(2500);
    expect(tags).toEqual(sorted);
    expectPagesOfAtMost1000(pageUrls(logger, '/tags/list'));
  });

  it.each([1, 7, 999, 1000, 1001, 2500, 2617, 5000])('limit %i: the first N in sorted order', async (limit) => {
    const { client, logger } = logged();
    const tags = await client.withSegment(manyTags.repository).listTags({ limit });
    expect(tags).toEqual(sorted.slice(0, limit));
    expectPagesOfAtMost1000(pageUrls(logger, '/tags/list'));
  });

  it.each(['t1234', 't2599', 'latest', 'v1.2.3', 'T9999', '0', 'zzzz'])('last %s: the tags after it', async (last) => {
    const { client, logger } = logged();
    const tags = await client.withSegment(manyTags.repository).listTags({ last });
    expect(tags).toEqual(after(last));
    expectPagesOfAtMost1000(pageUrls(logger, '/tags/list'));
  });

  it('limit and last together', async () => {
    const { client, logger } = logged();
    const repo = client.withSegment(manyTags.repository);
    expect(await repo.listTags({ last: 't0999', limit: 3 })).toEqual(['t1000', 't1001', 't1002']);
    expect(await repo.listTags({ last: 't1500', limit: 1200 })).toEqual(after('t1500').slice(0, 1200));
    expect(await repo.listTags({ last: 't2598', limit: 2 })).toEqual(after('t2598').slice(0, 2));
    expectPagesOfAtMost1000(pageUrls(logger, '/tags/list'));
  });
});

/**
 * Runs `read` between two direct reads of the catalog, again while those
 * differ: other test files create repositories while this runs, and a
 * comparison is only fair against a catalog that did not change around it.
 */
async function againstStableCatalog<T>(read: () => Promise<T>): Promise<{ result: T; catalog: string[] }> {
  for (let attempt = 1; ; attempt++) {
    const before = await listCatalog(anonymous.url, { pageSize: 100 });
    const result = await read();
    const catalog = await listCatalog(anonymous.url, { pageSize: 100 });
    if (JSON.stringify(before) === JSON.stringify(catalog) || attempt >= 5) return { result, catalog };
  }
}

describe('listRepositories: the catalog at the root', () => {
  it("everything, equal to the catalog read directly (pages of 100), in the registry's order", async () => {
    const { client, logger } = logged();
    const { result: ours, catalog } = await againstStableCatalog(() => {
      logger.clear();
      return client.listRepositories();
    });
    expect(ours).toEqual(catalog);
    expect(ours.length).toBeGreaterThanOrEqual(300);
    for (const name of repositories.catalog) expect(ours).toContain(name);
    const pages = pageUrls(logger, '/v2/_catalog');
    expectPagesOfAtMost1000(pages);
    expect(pages[0]!.searchParams.has('last')).toBe(false);
  });

  it('with limit and last at the root', async () => {
    const { client } = logged();
    const {
      result: [first, next],
      catalog,
    } = await againstStableCatalog(async () => {
      const head = await client.listRepositories({ limit: 25 });
      return [head, await client.listRepositories({ last: head.at(-1)!, limit: 25 })] as const;
    });
    expect(first).toHaveLength(25);
    expect(first).toEqual(catalog.slice(0, 25));
    expect(next).toEqual(catalog.slice(25, 50));
  });
});

describe('listRepositories scoped with withSegment()', () => {
  it('ns1: names relative to the scope, none of its byte-order neighbours, one request starting at last=ns1/', async () => {
    const { client, logger } = logged();
    const names = await client.withSegment('ns1').listRepositories();
    const expected = inScope('ns1');
    expect(expected.length).toBe(38);
    expect(names).toEqual(expected);
    expect(names).toContain('x');
    expect(names).toContain('sub/x');
    expect(names).toContain('sub5/repo5');
    for (const name of names) expect(name.startsWith('ns1')).toBe(false);
    const pages = pageUrls(logger, '/v2/_catalog');
    expect(pages[0]!.searchParams.get('last')).toBe('ns1/');
    // It never read from the start of the catalog: one page, from ns1/ on.
    expect(pages).toHaveLength(1);
    expectPagesOfAtMost1000(pages);
  });

  it('the scope is a path: ns1-other, ns1.dot, ns10, ns1_u and ns1x are their own scopes', async () => {
    const { client } = logged();
    expect(await client.withSegment('ns1-other').listRepositories()).toEqual(['x']);
    expect(await client.withSegment('ns1.dot').listRepositories()).toEqual(['x']);
    expect(await client.withSegment('ns10').listRepositories()).toEqual(['x']);
    expect(await client.withSegment('ns1_u').listRepositories()).toEqual(['x']);
    expect(await client.withSegment('ns1x').listRepositories()).toEqual(['y']);
    expect(await client.withSegment('ns1', 'sub').listRepositories()).toEqual(['x']);
    expect(await client.withSegment('ns1/sub2').listRepositories()).toEqual(['repo0', 'repo1', 'repo2', 'repo3', 'repo4', 'repo5']);
    expect(await client.withSegment('deep', 'a', 'b').listRepositories()).toEqual(inScope('deep/a/b'));
    expect(inScope('deep/a/b')).toEqual(['c/d/e/f/g/repo', 'c/repo']);
    expect(await client.withSegment('no-such-namespace').listRepositories()).toEqual([]);
  });

  it('stops once past the scope: a full page that runs out of the scope ends the listing', async () => {
    // limit 10 asks for pages of 10; the 3 repositories under deep/ are followed
    // by lading/... in the same page, so there is a next page the client must not read.
    const { client, logger } = logged();
    const names = await client.withSegment('deep').listRepositories({ limit: 10 });
    expect(names).toEqual(inScope('deep'));
    expect(names).toHaveLength(3);
    const pages = pageUrls(logger, '/v2/_catalog');
    expect(pages.map((u) => [u.searchParams.get('n'), u.searchParams.get('last')])).toEqual([['10', 'deep/']]);

    // The same for ns1: 38 inside, pages of 40 end in ns1-other/... and ns1.dot/...
    logger.clear();
    expect(await client.withSegment('ns1').listRepositories({ limit: 40 })).toEqual(inScope('ns1'));
    expect(pageUrls(logger, '/v2/_catalog')).toHaveLength(1);
  });

  it('pages through a scope: small limits read only pages inside it', async () => {
    const { client, logger } = logged();
    const names = await client.withSegment('ns4').listRepositories({ limit: 30 });
    expect(names).toEqual(inScope('ns4').slice(0, 30));
    const pages = pageUrls(logger, '/v2/_catalog');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.searchParams.get('last')).toBe('ns4/');
    expect(pages[0]!.searchParams.get('n')).toBe('30');
  });

  it('limit and last inside a scope', async () => {
    const { client, logger } = logged();
    const ns1 = client.withSegment('ns1');
    const expected = inScope('ns1');
    expect(await ns1.listRepositories({ limit: 5 })).toEqual(expected.slice(0, 5));
    const from = expected.indexOf('sub2/repo3');
    expect(from).toBeGreaterThan(0);
    logger.clear();
    expect(await ns1.listRepositories({ last: 'sub2/repo3' })).toEqual(expected.slice(from + 1));
    expect(pageUrls(logger, '/v2/_catalog')[0]!.searchParams.get('last')).toBe('ns1/sub2/repo3');
    expect(await ns1.listRepositories({ last: 'sub2/repo3', limit: 4 })).toEqual(expected.slice(from + 1, from + 5));
    expect(await ns1.listRepositories({ last: 'x' })).toEqual([]);
    expect(await ns1.listRepositories({ last: 'sub/x', limit: 2 })).toEqual(
      expected.slice(expected.indexOf('sub/x') + 1, expected.indexOf('sub/x') + 3),
    );
  });
});
