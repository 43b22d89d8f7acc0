/**
 * Pagination faults: Link loops and cycles, a next page on another host, page
 * sizes above what ECR and distribution 2.8 accept, junk in tag lists; and a
 * catalog that is missing or forbidden.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  CatalogNotSupportedError,
  createClient,
  RegistryError,
  type Client,
  type ClientOptions,
} from '../../src-main/registry/index';
import { FaultServer, openRegistry, sendError, sendJson, type RouteContext } from './fault-server';

let server: FaultServer;
const others: FaultServer[] = [];
const clients: Client[] = [];
const TAGS = '/v2/app/tags/list';

function root(options: ClientOptions = {}): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 1, ...options });
  clients.push(c);
  return c;
}
const app = (options: ClientOptions = {}) => root(options).withSegment('app');

beforeEach(async () => {
  server = await FaultServer.start();
  openRegistry(server);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all([server, ...others.splice(0)].map((s) => s.close()));
});

/** Serves `all` the way distribution does: sorted, `n` and `last`, a Link with the same `n` while more remain. */
function distributionPages(all: string[], key: 'tags' | 'repositories', extra: Record<string, unknown> = {}) {
  return (_req: IncomingMessage, res: ServerResponse, { request }: RouteContext) => {
    const n = Number(request.query.get('n') ?? all.length);
    if (n > 1000) {
      sendError(res, 400, 'PAGINATION_NUMBER_INVALID', 'invalid number of results requested');
      return;
    }
    const last = request.query.get('last');
    const rest = last ? all.filter((x) => x > last) : all;
    const page = rest.slice(0, n);
    const headers: Record<string, string> = {};
    if (rest.length > n) {
      headers.link = `<${request.path}?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`;
    }
    sendJson(res, 200, { ...extra, [key]: page }, headers);
  };
}

describe('tag list pagination', () => {
  it('a Link to itself is a RegistryError, not a hang', async () => {
    server.route('GET', TAGS, (_req, res, { request }) =>
      sendJson(res, 200, { name: 'app', tags: ['a', 'b'] }, { link: `<${request.url}>; rel="next"` }),
    );
    const err = await app()
      .listTags()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/loops/);
    expect(server.requests(TAGS)).toHaveLength(1);
  });

  it('a cycle of pages is a RegistryError', async () => {
    // first -> 2 -> 3 -> 2 -> ...
    server.route('GET', TAGS, (_req, res, { request }) => {
      const page = request.query.get('page') ?? '1';
      const next = { 1: '2', 2: '3', 3: '2' }[page]!;
      sendJson(res, 200, { tags: [`t${page}`] }, { link: `<${TAGS}?page=${next}>; rel="next"` });
    });
    const err = await app()
      .listTags()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/loops/);
    expect(server.requests(TAGS)).toHaveLength(3);
  });

  it('a cycle back to the first page under another URL ends, each tag once', async () => {
    // The first request carries n=1000; the cycle comes back as page=1, a URL not seen yet, whose tags are.
    server.route('GET', TAGS, (_req, res, { request }) => {
      const page = request.query.get('page') ?? '1';
      const next = { 1: '2', 2: '3', 3: '1' }[page]!;
      sendJson(res, 200, { tags: [`t${page}`] }, { link: `<${TAGS}?page=${next}>; rel="next"` });
    });
    expect(await app().listTags()).toEqual(['t1', 't2', 't3']);
    expect(server.requests(TAGS)).toHaveLength(4);
  });

  it('fresh URLs that keep answering the same tags stop after one repeat', async () => {
    server.route('GET', TAGS, (_req, res, { hit }) =>
      sendJson(res, 200, { tags: ['a', 'b'] }, { link: `<${TAGS}?cursor=${hit}>; rel="next"` }),
    );
    expect(await app().listTags()).toEqual(['a', 'b']);
    expect(server.requests(TAGS)).toHaveLength(2);
  });

  it('an endless run of empty pages, each with a new cursor, stops with a RegistryError', async () => {
    let page = 0;
    server.route('GET', TAGS, (_req, res, { request }) => {
      page++;
      sendJson(res, 200, { name: 'app', tags: [] }, { link: `<${request.path}?n=1000&cursor=${page}>; rel="next"` });
    });
    const err = await app()
      .listTags()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/empty pages in a row/);
    expect(server.requests(TAGS)).toHaveLength(10);
  });

  it('a next page on another host is refused, and that host is never asked', async () => {
    const other = await FaultServer.start();
    others.push(other);
    other.route('GET', TAGS, (_req, res) => sendJson(res, 200, { tags: ['stolen'] }));
    server.route('GET', TAGS, (_req, res) => sendJson(res, 200, { tags: ['a'] }, { link: `<${other.origin}${TAGS}?last=a>; rel="next"` }));
    const err = await app()
      .listTags()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/another host/);
    expect(other.log).toHaveLength(0);
  });

  it("follows the Link as given, with the registry's own cursor", async () => {
    server.route('GET', TAGS, (_req, res, { request }) => {
      if (request.query.get('next_page') === 'opaque==') sendJson(res, 200, { tags: ['c'] });
      else sendJson(res, 200, { tags: ['a', 'b'] }, { link: `<${server.origin}${TAGS}?next_page=opaque%3D%3D>; rel="next"` });
    });
    expect(await app().listTags()).toEqual(['a', 'b', 'c']);
  });

  it('n is never above 1000, even with limit 5000, across pages', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => `v${String(i).padStart(5, '0')}`);
    server.route('GET', TAGS, distributionPages(all, 'tags', { name: 'app' }));
    const tags = await app().listTags({ limit: 5000 });
    expect(tags).toEqual(all);
    const requests = server.requests(TAGS);
    expect(requests).toHaveLength(3);
    for (const r of requests) expect(Number(r.query.get('n'))).toBeLessThanOrEqual(1000);
    expect(requests[0]!.query.get('n')).toBe('1000');
  });

  it('a limit below a page asks for no more than it needs and stops there', async () => {
    const all = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    server.route('GET', TAGS, distributionPages(all, 'tags'));
    expect(await app().listTags({ limit: 7 })).toEqual(all.slice(0, 7));
    expect(server.requests(TAGS).map((r) => r.query.get('n'))).toEqual(['7']);
  });

  it('a limit across pages stops at the limit', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => `v${String(i).padStart(5, '0')}`);
    server.route('GET', TAGS, distributionPages(all, 'tags'));
    expect(await app().listTags({ limit: 1500 })).toEqual(all.slice(0, 1500));
    expect(server.requests(TAGS)).toHaveLength(2);
  });

  it('junk in a tag list is dropped: null, numbers, objects, digests, empty and invalid strings', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    server.route('GET', TAGS, (_req, res) =>
      sendJson(res, 200, { name: 'app', tags: ['v1', null, 42, { tag: 'x' }, digest, '', '.bad', 'has space', 'latest', ['v9'], true] }),
    );
    expect(await app().listTags()).toEqual(['latest', 'v1']); // a list that came whole is sorted
  });

  it('a list that came whole in one answer is sorted before limit and last apply', async () => {
    server.route('GET', TAGS, (_req, res) => sendJson(res, 200, { tags: ['v2', 'v10', 'a', 'v1'] }));
    expect(await app().listTags()).toEqual(['a', 'v1', 'v10', 'v2']);
    expect(await app().listTags({ limit: 2 })).toEqual(['a', 'v1']);
    expect(await app().listTags({ last: 'v1' })).toEqual(['v10', 'v2']);
  });

  it('tags: null (an empty repository on distribution) is an empty list', async () => {
    server.route('GET', TAGS, (_req, res) => sendJson(res, 200, { name: 'app', tags: null }));
    expect(await app().listTags()).toEqual([]);
  });

  it('an answer that is not JSON is a clear RegistryError', async () => {
    server.route('GET', TAGS, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    const err = await app()
      .listTags()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/other than JSON/);
  });

  it('passes last through and drops what a registry ignoring it sends', async () => {
    server.route('GET', TAGS, (_req, res) => sendJson(res, 200, { tags: ['a', 'b', 'c', 'd'] }));
    expect(await app().listTags({ last: 'b' })).toEqual(['c', 'd']);
    expect(server.requests(TAGS)[0]!.query.get('last')).toBe('b');
  });
});

describe('catalog pagination', () => {
  it('n is never above 1000 for the catalog either', async () => {
    const all = Array.from({ length: 1200 }, (_, i) => `repo${String(i).padStart(4, '0')}`);
    server.route('GET', '/v2/_catalog', distributionPages(all, 'repositories'));
    expect(await root().listRepositories({ limit: 5000 })).toEqual(all);
    for (const r of server.requests('/v2/_catalog')) expect(Number(r.query.get('n'))).toBeLessThanOrEqual(1000);
    expect(server.requests('/v2/_catalog')).toHaveLength(2);
  });

  it('a catalog Link loop is a RegistryError, not a CatalogNotSupportedError', async () => {
    server.route('GET', '/v2/_catalog', (_req, res, { request }) =>
      sendJson(res, 200, { repositories: ['a'] }, { link: `<${request.url}>; rel="next"` }),
    );
    const err = await root()
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).not.toBeInstanceOf(CatalogNotSupportedError);
    expect((err as Error).message).toMatch(/loops/);
  });

  it('scoped listing starts at last=<scope>/ and names repositories relative to the scope', async () => {
    const all = ['aaa', 'org/a', 'org/b/c', 'org-x/y', 'org2/z', 'zzz'].sort();
    server.route('GET', '/v2/_catalog', distributionPages(all, 'repositories'));
    expect(await root().withSegment('org').listRepositories()).toEqual(['a', 'b/c']);
    expect(server.requests('/v2/_catalog')[0]!.query.get('last')).toBe('org/');
  });
});

describe('catalog not offered', () => {
  it.each([401, 403, 404])('anonymous: %i means CatalogNotSupportedError', async (status) => {
    server.route('GET', '/v2/_catalog', (_req, res) => sendError(res, status, status === 404 ? 'NOT_FOUND' : 'UNAUTHORIZED', 'no catalog'));
    const err = await root()
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogNotSupportedError);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(status);
    expect((err as Error).message).toMatch(/does not offer a repository catalog/);
  });

  it('with a token (Docker Hub style): 401 on the catalog means not supported', async () => {
    const challenge = `Bearer realm="${server.origin}/token",service="svc"`;
    server.route('GET', '/token', (_req, res) => sendJson(res, 200, { token: 'catalog-token', expires_in: 300 }));
    server.route('GET', '/v2/', (req, res) => {
      if (req.headers.authorization === 'Bearer catalog-token') sendJson(res, 200, {});
      else sendError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': challenge });
    });
    server.route('GET', '/v2/_catalog', (_req, res) =>
      sendError(res, 401, 'UNAUTHORIZED', 'x', {
        'www-authenticate': `${challenge},scope="registry:catalog:*",error="insufficient_scope"`,
      }),
    );
    const err = await root()
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogNotSupportedError);
    expect(server.requests('/token')[0]!.query.getAll('scope')).toEqual(['registry:catalog:*']);
  });

  const basicChallenge = { 'www-authenticate': 'Basic realm="x"' };
  const GOOD = `Basic ${Buffer.from('alice:right').toString('base64')}`;
  function basicRegistry(catalogStatus: number) {
    server.route('GET', '/v2/', (req, res) => {
      if (req.headers.authorization === GOOD) sendJson(res, 200, {});
      else sendError(res, 401, 'UNAUTHORIZED', 'authentication required', basicChallenge);
    });
    server.route('GET', '/v2/_catalog', (req, res) => {
      if (req.headers.authorization !== GOOD) sendError(res, 401, 'UNAUTHORIZED', 'authentication required', basicChallenge);
      else sendError(res, catalogStatus, 'DENIED', 'catalog disabled');
    });
  }

  it('basic credentials that /v2/ rejects: AccessDeniedError, not "not supported"', async () => {
    basicRegistry(403);
    const err = await root({ auth: { username: 'alice', password: 'wrong-pw-1c9e' } })
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(err).not.toBeInstanceOf(CatalogNotSupportedError);
    expect((err as Error).message).toMatch(/rejected the credentials/);
    expect((err as Error).message).not.toContain('wrong-pw-1c9e');
  });

  it.each([401, 403, 404])('basic credentials /v2/ accepts, catalog %i: CatalogNotSupportedError', async (status) => {
    basicRegistry(status);
    const err = await root({ auth: { username: 'alice', password: 'right' } })
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogNotSupportedError);
  });

  it('a 500 on the catalog stays a plain RegistryError', async () => {
    server.route('GET', '/v2/_catalog', (_req, res) => sendError(res, 500, 'INTERNAL', 'boom'));
    const err = await root({ maxRetries: 0 })
      .listRepositories()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).not.toBeInstanceOf(CatalogNotSupportedError);
    expect((err as RegistryError).status).toBe(500);
  });
});
