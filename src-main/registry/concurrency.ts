/**
 * The one way to run work a few at a time, for the library and the app: `fn`
 * over `items`, at most `limit` at once, results in the items' order. The
 * first failure aborts the signal every running `fn` was given (so siblings
 * stop their network and disk work), starts nothing more, and rejects with
 * that failure; a cancel of `outer` rejects with its reason.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  outer?: AbortSignal,
): Promise<R[]> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer!.reason);
  if (outer?.aborted) throw outer.reason;
  outer?.addEventListener('abort', onAbort, { once: true });
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        // Nothing new starts once the caller cancelled or a sibling failed.
        controller.signal.throwIfAborted();
        results[index] = await fn(items[index]!, index, controller.signal);
      } catch (error) {
        if (!failure) {
          failure = { error };
          // Siblings stop their network and disk work at once.
          controller.abort(error);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  if (failure) throw outer?.aborted ? outer.reason : failure.error;
  return results;
}
