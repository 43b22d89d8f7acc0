/**
 * A small young generation for a process that streams layers: opt-in,
 * process-wide.
 *
 * Streaming hundreds of MB (inflate, tar parsing, hashing, writes) makes V8
 * grow its new space to the default maximum (2 x 16 MB semi-spaces) whatever
 * the job keeps, and the dead 64 KiB output chunks of zlib wait for a GC
 * meanwhile: together most of the peak RSS above Node's own (bench/README.md,
 * "Where the peak RSS of the file index and of extraction goes"). Keeping the
 * semi-spaces at their initial 1 MB makes scavenges more frequent and each as
 * cheap (what survives is small), and frees the dead chunks sooner: on the
 * bench image, the cold file index went from ~180 to 125-142 MB peak RSS and
 * extraction from ~150 to 118-128 MB, at the same CPU time for gzip layers.
 * zstd layers pay for it: their decoder runs on the main thread, where the
 * more frequent scavenges land (bench:zstd, about 20 % more CPU).
 *
 * Why this flag, set this way (Node 20, measured):
 * - `--max-semi-space-size` only works on the command line: set at runtime
 *   with v8.setFlagsFromString() it changes nothing (the heap is configured
 *   when the isolate is made). An Electron app cannot give its own main
 *   process engine flags either (`app.commandLine.appendSwitch('js-flags')`
 *   reaches renderers only), and the library runs in that main process.
 * - `--semi-space-growth-factor=1` is read each time V8 would grow the new
 *   space, so it works at runtime: the new space then stays at its start size.
 * - Every new isolate (each worker_threads Worker) sets the factor back to
 *   V8's default for the whole process. So the library applies it again after
 *   starting a Worker of its own and when a streaming job begins
 *   (reapplyYoungGenerationLimit), once the process has opted in.
 *
 * Measured on Node 20 only: that it takes effect in Electron's main process
 * the same way is expected (the same V8 API) but not checked here, where
 * Electron's runtime cannot be downloaded.
 */
import * as v8 from 'node:v8';

const FLAG = '--semi-space-growth-factor=1';

/**
 * The opt-in is kept on the process (a global symbol), not in this module: it
 * is a property of the process, and two copies of the library in one process
 * (the app's bundle and a preloaded one, as the benches load it) must agree.
 */
const OPTED_IN = Symbol.for('lading.limitYoungGeneration');

type Marked = typeof globalThis & { [OPTED_IN]?: boolean };

/**
 * Keeps V8's young generation at its start size in this process from now on.
 * Call it first thing (the app's entries import memory/app-process.ts
 * before anything else: the new space does not shrink back once grown); the
 * library keeps it in force. Affects every isolate's growth in the process.
 */
export function limitYoungGeneration(): void {
  (globalThis as Marked)[OPTED_IN] = true;
  v8.setFlagsFromString(FLAG);
}

/** Whether limitYoungGeneration() was called in this process. */
export function youngGenerationLimited(): boolean {
  return (globalThis as Marked)[OPTED_IN] === true;
}

/** Applies the limit again (a Worker started since reset it); nothing unless the process opted in. */
export function reapplyYoungGenerationLimit(): void {
  if (youngGenerationLimited()) v8.setFlagsFromString(FLAG);
}
