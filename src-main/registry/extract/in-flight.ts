/**
 * Small file writes that run side by side. Each file costs several file
 * system calls (open, write, chmod, utimes, close), and each one is a round
 * trip to libuv's thread pool; done one after another, a layer of many small
 * files spends most of its time waiting. Up to `limit` of them run at once;
 * whatever later touches one of their paths waits for it first.
 */
export class InFlight {
  private readonly running = new Map<string, Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Starts `op` for `path` once a slot is free. Its failure is thrown by the next check() or drain(). */
  async start(path: string, op: () => Promise<void>): Promise<void> {
    this.check();
    while (this.running.size >= this.limit) await Promise.race(this.running.values());
    await this.waitFor(path);
    const running = op()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        if (this.running.get(path) === running) this.running.delete(path);
      });
    this.running.set(path, running);
  }

  /** Waits for the write of `path`, if one is running. */
  async waitFor(path: string): Promise<void> {
    await this.running.get(path);
  }

  /** Waits for every write below `dir` (or at it). */
  async waitBelow(dir: string): Promise<void> {
    const prefix = `${dir}/`;
    await Promise.all([...this.running].filter(([path]) => path === dir || path.startsWith(prefix)).map(([, p]) => p));
  }

  /** Throws the first failure of a write started earlier. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for everything running, then throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
    this.check();
  }

  /** Waits for everything running and ignores failures: before cleaning up after an error. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
