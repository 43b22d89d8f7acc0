/**
 * One benchmark run: a cleanup stack that always runs (normal end, error,
 * Ctrl-C, SIGTERM), so no registry or temp dir outlives the benchmark.
 */
import { rm } from 'node:fs/promises';
import { CleanupStack } from '../../test/harness/cleanup.js';
import { makeBenchTemp } from './paths.js';

export class BenchSession {
  private readonly stack = new CleanupStack();

  /** Registers an undo action; they run newest first. */
  defer(name: string, fn: () => Promise<void> | void): void {
    this.stack.add(name, fn);
  }

  /** A temp dir removed when the session ends. */
  async tempDir(prefix: string): Promise<string> {
    const dir = await makeBenchTemp(prefix);
    this.defer(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  cleanup(): Promise<void> {
    return this.stack.run();
  }
}

/**
 * Runs `body` with a session, cleans up whatever happens, and sets the exit
 * code. A signal cleans up too, then exits.
 */
export async function runBench(name: string, body: (session: BenchSession) => Promise<void>): Promise<void> {
  const session = new BenchSession();
  let cleaning: Promise<void> | undefined;
  const cleanupOnce = (): Promise<void> => (cleaning ??= session.cleanup());
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${name}: ${signal}, cleaning up`);
    void cleanupOnce()
      .catch((err: unknown) => console.error(err))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await body(session);
  } catch (err) {
    console.error(`${name} failed:`, err);
    process.exitCode = 1;
  } finally {
    try {
      await cleanupOnce();
    } catch (err) {
      console.error(`${name}: cleanup failed:`, err);
      process.exitCode = 1;
    }
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
