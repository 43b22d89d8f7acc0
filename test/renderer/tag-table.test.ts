/**
 * The tag table's pure parts: the facts loader (what it asks for, in what
 * order, how many at once; rows that left the view are not asked for), the
 * Retag and Delete checks, and the words of the cells.
 */
import { describe, expect, it } from 'vitest';
import type { TagFact, TagFactsResult } from '../../src-shared/contract';
import { confirmationWords, confirmed, deleteChoices, retagProblem } from '../../src-renderer/components/tags/tag-dialogs';
import { formatAgo, formatPlatforms } from '../../src-renderer/lib/format';
import { CACHE_BATCH, REGISTRY_BATCH, TagFactsLoader } from '../../src-renderer/lib/tag-facts-loader';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

interface Call {
  tags: string[];
  cachedOnly: boolean;
  answer: (facts?: TagFact[]) => void;
}

/** A loader whose calls wait until the test answers them. */
function loaderWithCalls() {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const loader = new TagFactsLoader({
    facts: ({ tags, cachedOnly }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<TagFactsResult>((resolve) => {
        calls.push({
          tags,
          cachedOnly: cachedOnly === true,
          answer: (facts) => {
            inFlight--;
            resolve({
              repository: 'r',
              facts:
                facts ??
                tags.map((tag): TagFact => (cachedOnly ? { tag, state: 'unknown' } : { tag, state: 'checked', summary: summaryFor(tag) })),
            });
          },
        });
      });
    },
  });
  return { loader, calls, maxInFlight: () => maxInFlight };
}

function summaryFor(tag: string) {
  return { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false, size: tag.length, platforms: [] };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const tags = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `t${from + i}`);

describe('TagFactsLoader', () => {
  it('asks the cache for the rows in view first, then the registry a few at a time, one call at a time', async () => {
    const { loader, calls, maxInFlight } = loaderWithCalls();
    loader.show(tags(0, 20));
    await tick();
    expect(calls.map((c) => [c.cachedOnly, c.tags.length])).toEqual([[true, 20]]);
    calls[0]!.answer();
    await tick();
    expect(calls[1]).toMatchObject({ cachedOnly: false, tags: tags(0, REGISTRY_BATCH) });
    calls[1]!.answer();
    await tick();
    calls[2]!.answer();
    await tick();
    calls[3]!.answer();
    await tick();
    expect(calls).toHaveLength(4);
    expect(maxInFlight()).toBe(1);
    expect(loader.fact('t19')).toMatchObject({ state: 'checked', summary: { size: 3 } });
    expect(CACHE_BATCH).toBeGreaterThanOrEqual(100);
  });

  it('rows that scrolled out of view before their turn are not asked for', async () => {
    const { loader, calls } = loaderWithCalls();
    loader.show(tags(0, 20));
    await tick();
    calls[0]!.answer();
    await tick();
    // The first registry call is on its way; the view moves far down.
    loader.show(tags(5000, 5010));
    calls[1]!.answer();
    await tick();
    expect(calls[2]).toMatchObject({ cachedOnly: true, tags: tags(5000, 5010) });
    calls[2]!.answer();
    await tick();
    calls[3]!.answer();
    await tick();
    calls[4]?.answer();
    await tick();
    const asked = new Set(calls.filter((c) => !c.cachedOnly).flatMap((c) => c.tags));
    expect([...asked].filter((t) => !tags(5000, 5010).includes(t))).toEqual(tags(0, REGISTRY_BATCH));
    expect(loader.fact('t15')).toEqual({ tag: 't15', state: 'unknown' });
  });

  it('a failed call marks its tags, and recheck() asks them again', async () => {
    const calls: string[][] = [];
    let fail = true;
    const loader = new TagFactsLoader({
      facts: async ({ tags: asked, cachedOnly }) => {
        if (!cachedOnly) calls.push(asked);
        if (!cachedOnly && fail) throw new Error('gone');
        return { repository: 'r', facts: asked.map((tag): TagFact => ({ tag, state: cachedOnly ? 'unknown' : 'checked' })) };
      },
    });
    loader.show(['a', 'b']);
    for (let i = 0; i < 5; i++) await tick();
    expect(calls).toEqual([['a', 'b']]);
    expect(loader.error).toBeInstanceOf(Error);
    fail = false;
    loader.recheck();
    for (let i = 0; i < 5; i++) await tick();
    expect(calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(loader.fact('a')?.state).toBe('checked');
    expect(loader.error).toBeUndefined();
  });
});

describe('the Retag and Delete checks', () => {
  it('a new tag must be a valid tag other than the one the image has', () => {
    expect(retagProblem('', 'v1')).toBe('Name the new tag');
    expect(retagProblem('-bad', 'v1')).toMatch(/^Tag is invalid/);
    expect(retagProblem('v1', 'v1')).toContain('already');
    expect(retagProblem('release', 'v1')).toBeUndefined();
    expect(retagProblem('release', DIGEST)).toBeUndefined();
  });

  it('a tag can go alone or with its image; a digest only with its tags; the words to type say which', () => {
    expect(deleteChoices('v1')).toEqual(['placeholder', 'digest']);
    expect(deleteChoices(DIGEST)).toEqual(['digest']);
    expect(confirmationWords({ reference: 'v1', digest: DIGEST }, 'placeholder')).toEqual(['v1']);
    expect(confirmationWords({ reference: 'v1', digest: DIGEST }, 'digest')).toEqual(['abababababab', DIGEST, 'v1']);
    expect(confirmationWords({ reference: DIGEST, digest: DIGEST }, 'digest')).toEqual(['abababababab', DIGEST]);
    expect(confirmed(' v1 ', ['v1'])).toBe(true);
    expect(confirmed('v', ['v1'])).toBe(false);
    expect(confirmed('', [])).toBe(false);
  });
});

describe('the words of the cells', () => {
  it('created is relative; platforms leave out linux/', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(formatAgo('2026-01-10T11:59:50Z', now)).toBe('just now');
    expect(formatAgo('2026-01-10T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-01-10T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2026-01-09T12:00:00Z', now)).toBe('1 day ago');
    expect(formatAgo('2025-11-01T12:00:00Z', now)).toBe('2 months ago');
    expect(formatAgo('2023-01-01T00:00:00Z', now)).toBe('3 years ago');
    expect(formatAgo(undefined, now)).toBe('—');
    // Go's zero time: no date was set (cosign, go-containerregistry), not "2025 years ago".
    expect(formatAgo('0001-01-01T00:00:00Z', now)).toBe('—');
    expect(formatPlatforms([{ platform: 'linux/amd64' }, { platform: 'linux/arm64/v8' }, { platform: 'windows/amd64' }])).toBe(
      'amd64 · arm64/v8 · windows/amd64',
    );
  });
});
