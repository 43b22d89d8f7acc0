/**
 * Server-side pagination of tag lists and the catalog: `n` and `last`, then
 * `Link: <...>; rel="next"` followed as given (Quay and Artifactory put their
 * own cursors there), resolved against the request URL, same origin only, and
 * never the same URL twice.
 */
import { RegistryError } from './errors';
import { redactUrl } from './redact';

/** distribution 2.8 and ECR refuse larger pages (PAGINATION_NUMBER_INVALID). */
export const MAX_PAGE_SIZE = 1000;

/** Consecutive empty pages after which a listing is taken to be going nowhere. */
const MAX_EMPTY_PAGES = 10;

/** The `rel="next"` target of a Link header, resolved; undefined when there is none. */
export function parseNextLink(link: string | string[] | undefined, requestUrl: string): URL | undefined {
  if (!link) return undefined;
  const values = Array.isArray(link) ? link : [link];
  for (const value of values) {
    // One header may hold several links: <a>; rel="next", <b>; rel="prev"
    for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
      const params = match[2] ?? '';
      // rel is a space-separated list of relation types: "next" must be one of them, not a prefix ("next-archive").
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i.exec(params);
      if (rel && (rel[1] ?? rel[2] ?? '').toLowerCase().split(/\s+/).includes('next')) {
        try {
          return new URL(match[1]!, requestUrl);
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

export interface PageReader<T> {
  /** Fetches one page: its entries (already cleaned) and its Link header. */
  fetch(url: URL): Promise<{ entries: T[]; link: string | string[] | undefined }>;
}

/**
 * Walks pages from `first`, handing each page's entries to `take`, which
 * returns false to stop. Throws on a pagination loop or a foreign next URL.
 */
export async function walkPages<T>(
  first: URL,
  reader: PageReader<T>,
  take: (entries: T[]) => boolean,
  signal?: AbortSignal,
): Promise<void> {
  const visited = new Set<string>();
  let emptyRun = 0;
  let url: URL | undefined = first;
  while (url) {
    if (signal?.aborted) throw signal.reason;
    const key = url.toString();
    if (visited.has(key)) {
      throw new RegistryError(`The registry's pagination loops: it sent ${redactUrl(key)} as the next page twice`, {
        method: 'GET',
        url: key,
      });
    }
    visited.add(key);
    const page = await reader.fetch(url);
    // A registry may send an empty page with a next link now and then, but an
    // endless run of them (each with a new cursor) must not hang the caller.
    emptyRun = page.entries.length === 0 ? emptyRun + 1 : 0;
    if (emptyRun >= MAX_EMPTY_PAGES) {
      throw new RegistryError(
        `The registry sent ${MAX_EMPTY_PAGES} empty pages in a row, each pointing to another; stopped following them`,
        {
          method: 'GET',
          url: key,
        },
      );
    }
    if (!take(page.entries)) return;
    const next = parseNextLink(page.link, key);
    if (next && next.origin !== first.origin) {
      throw new RegistryError(`The registry sent a next page on another host (${next.origin}); refusing to follow it`, {
        method: 'GET',
        url: key,
      });
    }
    url = next;
  }
}

export function pageSize(limit: number | undefined, have: number): number {
  return limit === undefined ? MAX_PAGE_SIZE : Math.max(1, Math.min(MAX_PAGE_SIZE, limit - have));
}

/** distribution's catalog order: path components compared one by one ('/' sorts before every other character). */
export function comparePaths(a: string, b: string): number {
  const x = a.replaceAll('/', '\u0000');
  const y = b.replaceAll('/', '\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}
