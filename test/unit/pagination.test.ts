import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src-main/registry/index';
import { MAX_PAGE_SIZE, comparePaths, pageSize, parseNextLink, walkPages } from '../../src-main/registry/pagination';

const REQ = 'https://registry.example/v2/app/tags/list?n=2';

describe('Link parsing', () => {
  it('resolves a relative link against the request URL', () => {
    expect(parseNextLink('</v2/app/tags/list?n=2&last=b>; rel="next"', REQ)?.toString()).toBe(
      'https://registry.example/v2/app/tags/list?n=2&last=b',
    );
    expect(parseNextLink('<list?page=2>; rel="next"', REQ)?.toString()).toBe('https://registry.example/v2/app/tags/list?page=2');
  });

  it('keeps an absolute link as given (Quay and Artifactory cursors)', () => {
    expect(parseNextLink('<https://registry.example/v2/app/tags/list?next_page=gAAAAA%3D%3D>; rel="next"', REQ)?.toString()).toBe(
      'https://registry.example/v2/app/tags/list?next_page=gAAAAA%3D%3D',
    );
  });

  it('keeps an absolute link to another host (the walker refuses it)', () => {
    expect(parseNextLink('<https://elsewhere.example/v2/app/tags/list>; rel="next"', REQ)?.host).toBe('elsewhere.example');
  });

  it('picks rel="next" among several links in one header', () => {
    const link =
      '</v2/app/tags/list?first>; rel="first", </v2/app/tags/list?prev>; rel="prev", </v2/app/tags/list?n=2&last=d>; rel="next", </x?last>; rel="last"';
    expect(parseNextLink(link, REQ)?.search).toBe('?n=2&last=d');
  });

  it('picks rel="next" among several Link headers', () => {
    expect(parseNextLink(['</a>; rel="prev"', '</b>; rel="next"'], REQ)?.pathname).toBe('/b');
  });

  it('reads unquoted rel, no spaces, other parameters and a rel list', () => {
    expect(parseNextLink('</a>;rel=next', REQ)?.pathname).toBe('/a');
    expect(parseNextLink('</a>; title="page 2"; rel="next"', REQ)?.pathname).toBe('/a');
    expect(parseNextLink('</a>; rel="last next"', REQ)?.pathname).toBe('/a');
    expect(parseNextLink('</a>; REL="Next"', REQ)?.pathname).toBe('/a');
  });

  it('does not take another relation for next', () => {
    expect(parseNextLink('</a>; rel="prev"', REQ)).toBeUndefined();
    expect(parseNextLink('</a>; rel="nextpage"', REQ)).toBeUndefined();
    // RFC 5005's registered relation: not "next".
    expect(parseNextLink('</a>; rel="next-archive"', REQ)).toBeUndefined();
    expect(parseNextLink('</a>; rel="next-archive", </b>; rel="next"', REQ)?.pathname).toBe('/b');
  });

  it('answers undefined when there is no link', () => {
    expect(parseNextLink(undefined, REQ)).toBeUndefined();
    expect(parseNextLink('', REQ)).toBeUndefined();
    expect(parseNextLink('garbage', REQ)).toBeUndefined();
  });
});

describe('page size', () => {
  it('never asks for more than 1000', () => {
    expect(MAX_PAGE_SIZE).toBe(1000);
    expect(pageSize(undefined, 0)).toBe(1000);
    expect(pageSize(5000, 0)).toBe(1000);
    expect(pageSize(5000, 4500)).toBe(500);
    expect(pageSize(10, 0)).toBe(10);
    expect(pageSize(10, 10)).toBe(1);
    expect(pageSize(0, 0)).toBe(1);
  });
});

describe('walking pages', () => {
  function pages(map: Record<string, { entries: string[]; link?: string }>) {
    const fetched: string[] = [];
    return {
      fetched,
      reader: {
        fetch: async (url: URL) => {
          fetched.push(url.toString());
          const page = map[url.pathname + url.search];
          if (!page) throw new Error(`no page ${url.toString()}`);
          return { entries: page.entries, link: page.link };
        },
      },
    };
  }

  it('follows next links to the end', async () => {
    const { reader, fetched } = pages({
      '/p?1': { entries: ['a', 'b'], link: '</p?2>; rel="next"' },
      '/p?2': { entries: ['c'], link: '<https://r.example/p?3>; rel="next"' },
      '/p?3': { entries: ['d'] },
    });
    const got: string[] = [];
    await walkPages(new URL('https://r.example/p?1'), reader, (e) => (got.push(...e), true));
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    expect(fetched).toHaveLength(3);
  });

  it('stops when take() says so', async () => {
    const { reader, fetched } = pages({
      '/p?1': { entries: ['a'], link: '</p?2>; rel="next"' },
      '/p?2': { entries: ['b'] },
    });
    await walkPages(new URL('https://r.example/p?1'), reader, () => false);
    expect(fetched).toHaveLength(1);
  });

  it('throws on a link to itself', async () => {
    const { reader, fetched } = pages({ '/p?1': { entries: ['a'], link: '</p?1>; rel="next"' } });
    await expect(walkPages(new URL('https://r.example/p?1'), reader, () => true)).rejects.toThrow(/loops/);
    expect(fetched).toHaveLength(1);
  });

  it('throws on a cycle', async () => {
    const { reader, fetched } = pages({
      '/p?1': { entries: ['a'], link: '</p?2>; rel="next"' },
      '/p?2': { entries: ['b'], link: '</p?1>; rel="next"' },
    });
    await expect(walkPages(new URL('https://r.example/p?1'), reader, () => true)).rejects.toBeInstanceOf(RegistryError);
    expect(fetched).toHaveLength(2);
  });

  it('refuses a next page on another origin (host, port or scheme)', async () => {
    for (const other of ['https://evil.example/p?2', 'https://r.example:444/p?2', 'http://r.example/p?2']) {
      const { reader, fetched } = pages({ '/p?1': { entries: ['a'], link: `<${other}>; rel="next"` } });
      await expect(walkPages(new URL('https://r.example/p?1'), reader, () => true)).rejects.toThrow(/another host/);
      expect(fetched).toEqual(['https://r.example/p?1']);
    }
  });

  it('stops at once when the signal is aborted', async () => {
    const { reader, fetched } = pages({ '/p?1': { entries: ['a'] } });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(walkPages(new URL('https://r.example/p?1'), reader, () => true, controller.signal)).rejects.toThrow('stop');
    expect(fetched).toHaveLength(0);
  });
});

describe('catalog order', () => {
  it('sorts "/" before every other character', () => {
    expect(comparePaths('a/b', 'a-b')).toBeLessThan(0);
    expect(comparePaths('a-b', 'a/b')).toBeGreaterThan(0);
    expect(comparePaths('a/b', 'a/b')).toBe(0);
    expect(['a-b', 'a/z', 'a', 'a.b'].sort(comparePaths)).toEqual(['a', 'a/z', 'a-b', 'a.b']);
  });
});
