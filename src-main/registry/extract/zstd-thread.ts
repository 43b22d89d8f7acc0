/**
 * zstd-napi's decoder on a thread of its own, for a reader that pulls
 * (NapiDecompressor.reusingChunks(), which readLayerEntries uses).
 *
 * zstd-napi's calls are synchronous: on the main thread a zstd layer's
 * decoding adds up with the tar parsing and the feeding of the writer thread,
 * where gzip layers are inflated on libuv's pool meanwhile. Here it overlaps
 * them, as `zstd -dc | tar -x` does with two processes. (Where node:zlib has
 * zstd, Electron's Node, zstd.ts uses that instead: it runs on libuv's pool.)
 *
 * Memory stays bounded both ways whatever the compression ratio (64 KiB of
 * zstd can hold gigabytes): the thread decodes only into the OUTPUT_BUFFERS
 * buffers it was given, each handed back once the reader has moved past it,
 * so they are reused (decoding into memory hot in cache is what makes
 * zstd-napi as fast as `zstd -dc`); and the stream takes a new input chunk
 * while fewer than MAX_INPUTS wait on the thread. Buffers cross by transfer.
 * Inputs are copied (the source may share or reuse its own) into buffers
 * that come back when used up: new ones for every chunk were garbage of the
 * thread's isolate, freed only when V8 counted enough external memory, and
 * took the peak RSS of a zstd extraction from ~140 to ~175 MB.
 *
 * Threads are kept for the next stream (a new one costs ~30-50 ms to start
 * and load the binding): at most IDLE_THREADS wait, unreferenced, so they
 * never keep the process alive. A stream that failed on bad data or was
 * abandoned half way leaves a sound thread: `start` gives it a new decoder
 * and a new stream number, and whatever is still on its way from the old
 * stream is told apart by its number and dropped. Only a thread that died
 * is not kept.
 */
import { Worker } from 'node:worker_threads';
import { reapplyYoungGenerationLimit } from '../memory/young-generation';
import { ZSTD_THREAD_SCRIPT, type FromZstdThread, type ToZstdThread } from './zstd-thread-script';

/**
 * Output buffers per stream (the reader holds one, the thread fills the
 * others) and their size. Bench image, zstd extraction from the layout:
 * 6 x 64 KiB took 3.13-3.26 s and peaked at 161-164 MB; 4 x 256 KiB,
 * 2.95-2.97 s and 146-149 MB (fewer messages, fewer tar-reader rounds).
 */
const OUTPUT_BUFFERS = 4;
const OUTPUT_BYTES = 256 * 1024;
/** Input buffers handed to the thread and not used up yet. */
const MAX_INPUTS = 4;
/**
 * Input is gathered into buffers of this size before it goes to the thread:
 * every message costs both threads (~15 us on this machine), and the chunks
 * of a file's read stream or a socket are 64 KiB at most.
 */
const INPUT_BYTES = 256 * 1024;
const IDLE_THREADS = 2;

const idle: Worker[] = [];
let nextStream = 0;

function takeThread(bindingPath: string): Worker {
  const kept = idle.pop();
  if (kept) return kept;
  const worker = new Worker(ZSTD_THREAD_SCRIPT, {
    eval: true,
    // Not the parent's flags (a TypeScript loader in tests, --cpu-prof in a profile): the script is plain JS.
    execArgv: [],
    workerData: { binding: bindingPath },
    // It holds a few chunks and libzstd's state (outside V8's heap): a small heap is plenty.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  // The new isolate set V8's young-generation growth back to its default for the whole process.
  worker.once('online', reapplyYoungGenerationLimit);
  return worker;
}

function keepThread(worker: Worker): void {
  worker.unref();
  if (idle.length < IDLE_THREADS) idle.push(worker);
  else void worker.terminate();
}

/** One stream's decoding on a thread: feed it input, pull its output. */
export class ZstdThreadDecoder {
  private readonly worker: Worker;
  private readonly stream = nextStream++;
  private readonly outputs: { buffer: ArrayBuffer; length: number }[] = [];
  /** The buffer the reader holds: given back to the thread at the next pull. */
  private held: ArrayBuffer | undefined;
  private inputs = 0;
  /** The input buffer being filled, and how much of it is. */
  private filling: { buffer: ArrayBuffer; length: number } | undefined;
  /** Input buffers the thread gave back, to copy the next chunks into. */
  private readonly spareInputs: ArrayBuffer[] = [];
  private waitingInput: (() => void) | undefined;
  /** The thread said `done`: what is in `outputs` is all there will be. */
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private onDone: ((inFrame: boolean) => void) | undefined;
  private closed = false;
  private readonly listen = (message: FromZstdThread): void => this.onMessage(message);
  private threadDied = false;
  private readonly onError = (err: Error): void => this.died(err);
  private readonly onExit = (code: number): void => this.died(new Error(`the zstd thread stopped (exit code ${code})`));

  constructor(
    bindingPath: string,
    chunkSize: number,
    /** The thread failed (bad data, or it died): the owner stops the stream, which then calls fail(). */
    private readonly onThreadError: (err: Error) => void,
  ) {
    this.worker = takeThread(bindingPath);
    this.worker.ref();
    this.worker.on('message', this.listen);
    this.worker.on('error', this.onError);
    this.worker.on('exit', this.onExit);
    const buffers = Array.from({ length: OUTPUT_BUFFERS }, () => new ArrayBuffer(Math.max(chunkSize, OUTPUT_BYTES)));
    this.send({ kind: 'start', stream: this.stream, buffers }, buffers);
  }

  /** Copies `chunk` for the thread; `taken` is called once the stream may take another. */
  input(chunk: Buffer, taken: () => void): void {
    for (let at = 0; at < chunk.length;) {
      const filling = (this.filling ??= { buffer: this.spareInputs.pop() ?? new ArrayBuffer(INPUT_BYTES), length: 0 });
      const count = Math.min(chunk.length - at, filling.buffer.byteLength - filling.length);
      new Uint8Array(filling.buffer, filling.length, count).set(chunk.subarray(at, at + count));
      filling.length += count;
      at += count;
      if (filling.length === filling.buffer.byteLength) this.handOver();
    }
    if (this.inputs < MAX_INPUTS) taken();
    else this.waitingInput = taken;
  }

  /** No more input; `onDone` hears whether the data stopped inside a frame, once the thread has decoded it all. */
  end(onDone: (inFrame: boolean) => void): void {
    this.onDone = onDone;
    this.handOver();
    this.send({ kind: 'end', stream: this.stream });
  }

  private handOver(): void {
    const filling = this.filling;
    if (!filling) return;
    this.filling = undefined;
    this.send({ kind: 'input', stream: this.stream, buffer: filling.buffer, length: filling.length }, [filling.buffer]);
    this.inputs++;
  }

  /** The next output chunk, valid until the next call; done once the thread has said so and all is read. */
  async next(): Promise<IteratorResult<Buffer, undefined>> {
    if (this.held) {
      const buffer = this.held;
      this.held = undefined;
      if (!this.failure && !this.closed) this.send({ kind: 'give', stream: this.stream, buffer }, [buffer]);
    }
    for (;;) {
      if (this.failure) throw this.failure;
      const output = this.outputs.shift();
      if (output) {
        this.held = output.buffer;
        return { done: false, value: Buffer.from(output.buffer, 0, output.length) };
      }
      if (this.done) {
        this.release();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Stops; the thread is kept for the next stream unless it died. */
  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.off('message', this.listen);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    if (this.threadDied) void this.worker.terminate();
    else keepThread(this.worker);
  }

  /** The stream failed (bad data, its source, a cancel): the next pull throws `err`. */
  fail(err: Error): void {
    this.failure ??= err;
    this.release();
    this.wakeReader();
  }

  private died(err: Error): void {
    this.threadDied = true;
    this.onThreadError(err);
  }

  private send(message: ToZstdThread, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private wakeReader(): void {
    const resolve = this.wake;
    this.wake = undefined;
    resolve?.();
  }

  private onMessage(message: FromZstdThread): void {
    if (message.stream !== this.stream) return;
    switch (message.kind) {
      case 'output':
        this.outputs.push({ buffer: message.buffer, length: message.length });
        this.wakeReader();
        return;
      case 'consumed': {
        this.inputs--;
        this.spareInputs.push(message.buffer);
        const taken = this.waitingInput;
        this.waitingInput = undefined;
        taken?.();
        return;
      }
      case 'done':
        this.done = true;
        this.onDone?.(message.inFrame);
        this.wakeReader();
        return;
      case 'error':
        this.onThreadError(new Error(message.message));
        return;
    }
  }
}
