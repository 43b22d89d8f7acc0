/**
 * One queue per layout directory: index.json is read, changed and replaced as
 * a whole, so two pushes into one layout must take turns, or the later rename
 * would drop the earlier push's entry. This guards one process only; another
 * program writing the same layout at the same moment can still race.
 */
import { resolve } from 'node:path';

const queues = new Map<string, Promise<unknown>>();

export function withDirectoryLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(dir);
  const previous = queues.get(key) ?? Promise.resolve();
  // A failed turn must not block the ones after it.
  const result = previous.catch(() => undefined).then(fn);
  const tail = result.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    // The map holds only directories with work queued, not every one ever opened.
    if (queues.get(key) === tail) queues.delete(key);
  });
  return result;
}
