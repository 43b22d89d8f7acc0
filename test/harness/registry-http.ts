/**
 * Raw Distribution API calls the harness makes itself: bulk fixture writes
 * (manifest PUTs, cross-repository mounts) and reading back tag and catalog
 * lists the plain way, following `Link: <...>; rel="next"`, to give tests an
 * answer that does not come from the client under test.
 *
 * undici's `request` rather than `fetch`: thousands of fixture PUTs cost a
 * third of the CPU, and the setup's time budget is mostly these requests.
 */
import { request } from 'undici';
import { sha256Digest } from './digest.js';
import type { Credentials } from './skopeo.js';

export type HeaderMap = Record<string, string>;

export function basicAuth(creds: Credentials): HeaderMap {
  return { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` };
}

export function bearerAuth(token: string): HeaderMap {
  return { authorization: `Bearer ${token}` };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

async function call(method: 'GET' | 'HEAD' | 'PUT' | 'POST', url: string, headers: HeaderMap, body?: Uint8Array): Promise<RawResponse> {
  const res = await request(url, { method, headers, ...(body ? { body } : {}) });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body: bytes };
}

function header(res: RawResponse, name: string): string | null {
  const value = res.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function failure(res: RawResponse, what: string): Error {
  return new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8')}`);
}

/** The `rel="next"` target of a Link header, resolved against the request URL. */
export function nextLink(link: string | null, requestUrl: string): string | undefined {
  if (link === null) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (match?.[1] !== undefined) return new URL(match[1], requestUrl).toString();
  }
  return undefined;
}

/** GETs `firstUrl` and every next page, concatenating `pick(body)`. */
async function readPaged(firstUrl: string, headers: HeaderMap, pick: (body: unknown) => string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    if (seen.has(url)) throw new Error(`pagination loops at ${url}`);
    seen.add(url);
    const res: RawResponse = await call('GET', url, headers);
    if (res.status !== 200) throw failure(res, `GET ${url}`);
    out.push(...pick(JSON.parse(res.body.toString('utf8'))));
    url = nextLink(header(res, 'link'), url);
  }
  return out;
}

export interface PageOptions {
  /** `n` per page; distribution 2.8 refuses more than 1000. */
  pageSize?: number;
  headers?: HeaderMap;
}

/** Every tag of `repo`, in the registry's order. */
export function listAllTags(baseUrl: string, repo: string, opts: PageOptions = {}): Promise<string[]> {
  return readPaged(`${baseUrl}/v2/${repo}/tags/list?n=${opts.pageSize ?? 1000}`, opts.headers ?? {}, (body) =>
    ((body as { tags: (string | null)[] | null }).tags ?? []).filter((t): t is string => typeof t === 'string'),
  );
}

/** Every repository in the catalog, in the registry's order. */
export function listCatalog(baseUrl: string, opts: PageOptions = {}): Promise<string[]> {
  return readPaged(
    `${baseUrl}/v2/_catalog?n=${opts.pageSize ?? 1000}`,
    opts.headers ?? {},
    (body) => (body as { repositories: string[] | null }).repositories ?? [],
  );
}

/** PUTs manifest bytes under `reference` (tag or digest); returns the registry's digest. */
export async function putManifest(
  baseUrl: string,
  repo: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
  headers: HeaderMap = {},
): Promise<string> {
  const url = `${baseUrl}/v2/${repo}/manifests/${reference}`;
  const res = await call('PUT', url, { ...headers, 'content-type': mediaType }, bytes);
  if (res.status !== 201) throw failure(res, `PUT ${url}`);
  return header(res, 'docker-content-digest') ?? '';
}

/** Uploads `bytes` as a blob of `repo` (POST, then a monolithic PUT); returns its digest. */
export async function pushBlob(baseUrl: string, repo: string, bytes: Uint8Array, headers: HeaderMap = {}): Promise<string> {
  const digest = sha256Digest(bytes);
  const start = await call('POST', `${baseUrl}/v2/${repo}/blobs/uploads/`, headers);
  if (start.status !== 202) throw failure(start, `POST ${repo} blob upload`);
  const location = new URL(header(start, 'location') ?? '', baseUrl);
  location.searchParams.set('digest', digest);
  const put = await call('PUT', location.toString(), { ...headers, 'content-type': 'application/octet-stream' }, bytes);
  if (put.status !== 201) throw failure(put, `PUT ${repo} blob ${digest}`);
  return digest;
}

/**
 * Cross-repository mount of `digest` from `from` into `repo`. Returns the
 * status: 201 mounted; 202 means the registry opened an upload instead.
 */
export async function mountBlob(baseUrl: string, repo: string, digest: string, from: string, headers: HeaderMap = {}): Promise<number> {
  const url = `${baseUrl}/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  return (await call('POST', url, headers)).status;
}

export interface ManifestHead {
  status: number;
  digest: string | null;
  contentType: string | null;
}

export async function headManifest(
  baseUrl: string,
  repo: string,
  reference: string,
  accept: string,
  headers: HeaderMap = {},
): Promise<ManifestHead> {
  const res = await call('HEAD', `${baseUrl}/v2/${repo}/manifests/${reference}`, { ...headers, accept });
  return { status: res.status, digest: header(res, 'docker-content-digest'), contentType: header(res, 'content-type') };
}
