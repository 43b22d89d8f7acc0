/**
 * Phase timings for the setup, printed only with LADING_HARNESS_VERBOSE=1:
 * the setup has a time budget, and this is how to see where it goes.
 */
export async function timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    if (process.env.LADING_HARNESS_VERBOSE) console.log(`[harness] ${phase}: ${Date.now() - start} ms`);
  }
}
