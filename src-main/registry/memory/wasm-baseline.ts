/**
 * WebAssembly compiled by V8's baseline compiler (Liftoff) only: opt-in,
 * process-wide.
 *
 * The one WebAssembly such a process runs is undici's HTTP parser (llhttp).
 * V8 compiles it with Liftoff at the first request, then, once its functions
 * are hot, compiles them again with TurboFan on a background thread. That
 * second compile of llhttp's large state machine takes ~25-35 MB of native
 * memory for a moment: in a bench child, the peak RSS of an extraction from a
 * registry had a 30 MB malloc arena of a V8 platform thread, half a second
 * in, that no extraction from a layout had. Measured on Node 20 (3,000
 * manifest GETs, 8 connections, loopback): peak RSS 99-100 MB with the
 * defaults against 75-76 MB with Liftoff only; CPU 1.19-1.24 s against
 * 1.10-1.11 s (no TurboFan compile to pay); the same wall time. A GET's own
 * parsing is a few header lines and a body handed on by reference, which
 * baseline code does as fast as the network brings it.
 *
 * `--liftoff-only` is read when a module is compiled, so setting it at
 * runtime works as long as it comes before the first request (undici compiles
 * llhttp lazily, at its first connection). As limitYoungGeneration(), it was
 * measured on Node 20 and not in Electron's main process.
 */
import * as v8 from 'node:v8';

export function compileWasmBaselineOnly(): void {
  v8.setFlagsFromString('--liftoff-only');
}
