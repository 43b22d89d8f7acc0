/**
 * compileWasmBaselineOnly() (src-main/registry/memory/wasm-baseline.ts), in a
 * child process of its own since it changes V8 for the whole process: with
 * the opt-in, the first few hundred requests through undici leave the peak
 * RSS nearly where it was; without it, V8's TurboFan compile of undici's
 * WebAssembly parser adds ~25-35 MB (the control that shows the measurement
 * can fail).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runJsonChild } from '../integration/json-child';

const CHILD = fileURLToPath(new URL('./wasm-baseline-child.ts', import.meta.url));

describe('compileWasmBaselineOnly', () => {
  it("keeps undici's parser from a TurboFan compile: the peak RSS stays", async () => {
    // Without the opt-in the jump comes within a second (the test below): two are enough to see none.
    const { gainedMB } = await runJsonChild<{ gainedMB: number }>(CHILD, { optIn: true, waitMs: 2000 });
    expect(gainedMB).toBeLessThan(16);
  }, 60_000);

  it('without the opt-in, the peak RSS jumps once the parser is hot', async () => {
    // Up to 10 s for a loaded machine; it stops waiting as soon as the jump is there.
    const { gainedMB } = await runJsonChild<{ gainedMB: number }>(CHILD, { optIn: false, waitMs: 10_000 });
    expect(gainedMB).toBeGreaterThan(25);
  }, 60_000);
});
