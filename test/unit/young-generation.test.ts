/**
 * limitYoungGeneration() (src-main/registry/memory/young-generation.ts), in a
 * child process of its own since it changes V8 for the whole process: with the
 * opt-in, the new space stays at its start size (2 x 1 MB semi-spaces) while
 * short-lived objects churn, also after the extract writer's Worker started
 * (a new isolate sets V8's growth back to its default; the writer applies the
 * limit again). Without it, V8 grows the new space as usual: the control that
 * shows the measurement can fail.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runJsonChild } from '../integration/json-child';

const CHILD = fileURLToPath(new URL('./young-generation-child.ts', import.meta.url));

interface Report {
  beforeMB: number;
  afterWorkerMB: number;
}

describe('limitYoungGeneration', () => {
  it('keeps the new space small, also after a Worker started', async () => {
    const report = await runJsonChild<Report>(CHILD, { optIn: true });
    expect(report.beforeMB).toBeLessThanOrEqual(4);
    expect(report.afterWorkerMB).toBeLessThanOrEqual(4);
  }, 60_000);

  it('without the opt-in, V8 grows the new space', async () => {
    const report = await runJsonChild<Report>(CHILD, { optIn: false });
    expect(report.afterWorkerMB).toBeGreaterThanOrEqual(16);
  }, 60_000);
});
