import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryableCode, isRetryableStatus, parseRetryAfter, raceAbort, sleep } from '../../src-main/registry/transport/retry';

describe('Retry-After', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('3600', now)).toBe(3_600_000);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
  });

  it('a date in the past means now', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('grows from about 250 ms, with jitter between 0.5x and 1.5x', () => {
    expect(backoffMs(0, () => 0)).toBe(125);
    expect(backoffMs(0, () => 0.999999)).toBe(375);
    expect(backoffMs(1, () => 0.5)).toBe(500);
    expect(backoffMs(2, () => 0.5)).toBe(1000);
    expect(backoffMs(3, () => 0.5)).toBe(2000);
  });

  it('is capped at 8 s (12 s with the most jitter)', () => {
    expect(backoffMs(5, () => 0.5)).toBe(8000);
    expect(backoffMs(50, () => 0.5)).toBe(8000);
    expect(backoffMs(1000, () => 0.999999)).toBeLessThanOrEqual(12_000);
    expect(backoffMs(1000, () => 0)).toBe(4000);
  });

  it('stays within bounds with the real random source', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const base = Math.min(250 * 2 ** attempt, 8000);
      for (let i = 0; i < 50; i++) {
        const ms = backoffMs(attempt);
        expect(ms).toBeGreaterThanOrEqual(base * 0.5);
        expect(ms).toBeLessThanOrEqual(base * 1.5);
      }
    }
  });

  it('jitters: not every wait is the same', () => {
    const values = new Set(Array.from({ length: 50 }, () => backoffMs(3)));
    expect(values.size).toBeGreaterThan(1);
  });
});

describe('what is retried', () => {
  it.each([408, 429, 500, 502, 503, 504, 599])('status %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([200, 201, 301, 400, 401, 403, 404, 409, 413, 501, 505])('not status %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });

  it('dropped and timed-out connections, not refused ones or unknown hosts', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'ETIMEDOUT'])
      expect(isRetryableCode(code)).toBe(true);
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', undefined]) expect(isRetryableCode(code)).toBe(false);
  });
});

describe('sleep', () => {
  it('waits', async () => {
    const start = Date.now();
    await sleep(50);
    expect(Date.now() - start).toBeGreaterThanOrEqual(45);
  });

  it('rejects at once with the abort reason', async () => {
    const controller = new AbortController();
    const start = Date.now();
    const pending = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    await expect(pending).rejects.toThrow('cancelled');
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it('rejects when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(10_000, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('raceAbort', () => {
  it('passes the value through, or the promise itself without a signal', async () => {
    const p = Promise.resolve(7);
    expect(raceAbort(p, undefined)).toBe(p);
    expect(await raceAbort(p, new AbortController().signal)).toBe(7);
    await expect(raceAbort(Promise.reject(new Error('e')), new AbortController().signal)).rejects.toThrow('e');
  });

  it('rejects with the reason as soon as the signal aborts, leaving the promise alone', async () => {
    const controller = new AbortController();
    let settle!: (v: number) => void;
    const shared = new Promise<number>((r) => (settle = r));
    const raced = raceAbort(shared, controller.signal);
    controller.abort(new Error('mine'));
    await expect(raced).rejects.toThrow('mine');
    settle(1);
    expect(await shared).toBe(1);
  });

  it('rejects at once for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(raceAbort(new Promise(() => undefined), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
