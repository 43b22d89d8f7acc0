/** mapLimit: the one way the library and the app run work a few at a time. */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src-main/registry/concurrency';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `signal` aborts, with its reason. */
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('mapLimit', () => {
  it("runs at most `limit` at once and keeps the items' order in the results", async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([30, 10, 20, 5, 15], 2, async (ms, index) => {
      running++;
      most = Math.max(most, running);
      await tick(ms);
      running--;
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(most).toBe(2);
  });

  it('on the first failure aborts the running siblings, starts nothing more, and rejects with that failure', async () => {
    const failure = new Error('layer 2 failed');
    const started: number[] = [];
    const siblingReasons: unknown[] = [];
    const outcome = mapLimit([1, 2, 3, 4, 5], 2, async (item, _index, signal) => {
      started.push(item);
      if (item === 2) {
        await tick();
        throw failure;
      }
      siblingReasons.push(await aborted(signal));
      throw signal.reason;
    });
    await expect(outcome).rejects.toBe(failure);
    expect(started).toEqual([1, 2]);
    expect(siblingReasons).toEqual([failure]);
  });

  it("rejects with the caller's reason when the caller cancels, before or during the work", async () => {
    const before = new AbortController();
    before.abort(new Error('cancelled early'));
    let calls = 0;
    await expect(mapLimit([1], 1, async () => ++calls, before.signal)).rejects.toThrow('cancelled early');
    expect(calls).toBe(0);

    const during = new AbortController();
    const outcome = mapLimit(
      [1, 2, 3],
      1,
      async (_item, _index, signal) => {
        setTimeout(() => during.abort(new Error('cancelled')), 1);
        throw await aborted(signal);
      },
      during.signal,
    );
    await expect(outcome).rejects.toThrow('cancelled');
  });

  it('answers an empty list with an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
