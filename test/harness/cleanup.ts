/**
 * Undo actions collected while something is being set up, run newest first.
 * Every action runs even when an earlier one fails, so a half-finished setup
 * still stops every process it started and removes its temp dirs.
 */
export class CleanupStack {
  private readonly actions: { name: string; fn: () => Promise<void> | void }[] = [];

  add(name: string, fn: () => Promise<void> | void): void {
    this.actions.push({ name, fn });
  }

  async run(): Promise<void> {
    const errors: Error[] = [];
    while (this.actions.length > 0) {
      const action = this.actions.pop();
      if (action === undefined) break;
      try {
        await action.fn();
      } catch (err) {
        errors.push(new Error(`cleanup "${action.name}" failed: ${String(err)}`, { cause: err }));
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
  }
}
