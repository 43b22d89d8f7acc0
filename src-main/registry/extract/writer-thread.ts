/**
 * File system writes on a thread of their own, in order.
 *
 * Extracting an image is tens of thousands of small files, each a handful of
 * system calls. Through fs/promises every call is a round trip to libuv's
 * thread pool: measured on the bench image, those hand-offs (futex wake-ups,
 * promise callbacks) cost more CPU than the calls themselves, and the main
 * thread spent a quarter of its time idle waiting for them. Here the calls
 * are made synchronously, one after another, by one worker thread (as GNU tar
 * makes them), fed in batches: the main thread only queues operations and
 * copies file contents into the batch's buffer, and the event loop of the
 * process using the library never blocks on the disk.
 *
 * Operations run in the order they were queued, so whatever depends on an
 * earlier one (a file in a new directory, a hard link to a new file, a
 * rename of a kept file) needs no waiting. A failure stops the thread's work;
 * it is thrown by the next ready(), check() or drain().
 */
import { Worker } from 'node:worker_threads';
import { reapplyYoungGenerationLimit } from '../memory/young-generation';
import { Op, WRITER_SCRIPT, type WriterBatch, type WriterFailure, type WriterReply } from './writer-thread-script';

/** File content per batch (the buffer handed to the thread). */
const BATCH_BYTES = 512 * 1024;
/** A batch also goes once this many opcode-and-argument slots are queued (thousands of empty files). */
const BATCH_SLOTS = 8192;
/** Batches handed over and not done yet: the memory held for the thread stays near this many BATCH_BYTES. */
const MAX_IN_FLIGHT = 4;
/**
 * A batch that is not full is handed over anyway when the thread has at most
 * this many to do, so it never waits on a main thread that has nothing more
 * to give it just now (e.g. while the next compressed chunk is inflated).
 */
const HUNGRY = 1;

export class WriterThread {
  /**
   * `root`: the directory that paths not starting with `/` are relative to.
   * The caller passes names it has already checked (no `..`, not absolute).
   */
  constructor(private readonly root?: string) {}

  private worker: Worker | undefined;
  private ops: (string | number)[] = [];
  private buffer = new Uint8Array(new ArrayBuffer(BATCH_BYTES));
  private used = 0;
  /** `ops.length` right after the last write op, while it is the last op: the next bytes extend it. */
  private lastWriteEnd = -1;
  private nextId = 0;
  private inFlight = 0;
  private readonly spare: ArrayBuffer[] = [];
  private failure: Error | undefined;
  private waiting: (() => void)[] = [];
  private handOverScheduled = false;
  private closed = false;

  mkdir(path: string, mode: number): void {
    this.push(Op.mkdir, path, mode);
  }

  /**
   * A new file at `path` with `body` (copied at once: the caller may reuse its
   * buffers), then its mode and mtime. Returns the content length. Waits when
   * the thread is too far behind.
   */
  async writeFile(
    path: string,
    mode: number,
    mtime: Date,
    body: AsyncIterable<Buffer> | Iterable<Buffer> | undefined,
    signal?: AbortSignal,
  ): Promise<number> {
    this.push(Op.open, path, mode);
    let length = 0;
    for await (const chunk of body ?? []) {
      let at = 0;
      while (at < chunk.length) {
        if (this.used === BATCH_BYTES || this.ops.length >= BATCH_SLOTS) {
          await this.ready();
          this.handOver();
          if (signal?.aborted) throw signal.reason;
        }
        const count = Math.min(chunk.length - at, BATCH_BYTES - this.used);
        this.buffer.set(at === 0 && count === chunk.length ? chunk : chunk.subarray(at, at + count), this.used);
        this.appendWrite(count);
        at += count;
      }
      length += chunk.length;
    }
    this.push(Op.close, mode, seconds(mtime));
    return length;
  }

  symlink(target: string, path: string, mtime: Date): void {
    this.push(Op.symlink, target, path, seconds(mtime));
  }

  link(existing: string, path: string): void {
    this.push(Op.link, existing, path);
  }

  rename(from: string, to: string): void {
    this.push(Op.rename, from, to);
  }

  /** chmod, and utimes when `mtime` is given. */
  setAttributes(path: string, mode: number, mtime: Date | undefined): void {
    this.push(Op.attributes, path, mode, mtime ? seconds(mtime) : -1);
  }

  unlink(path: string): void {
    this.push(Op.unlink, path);
  }

  removeTree(path: string): void {
    this.push(Op.removeTree, path);
  }

  /** Throws the thread's failure, if it had one. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Waits while the thread is too far behind, then hands over a full batch; throws the thread's failure, if any. */
  async ready(): Promise<void> {
    this.check();
    while (this.inFlight >= MAX_IN_FLIGHT) {
      await this.nextReply();
      this.check();
    }
    if (this.ops.length >= BATCH_SLOTS) this.handOver();
  }

  /** Hands over what is queued and waits until all of it is done; throws the first failure. */
  async drain(): Promise<void> {
    await this.ready();
    this.handOver();
    while (this.inFlight > 0) await this.nextReply();
    this.check();
  }

  /** Stops the thread, whatever it was doing (a call already running completes); nothing queued runs after this. */
  async close(): Promise<void> {
    this.closed = true;
    this.ops = [];
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.inFlight = 0;
    this.wake();
  }

  private push(...slots: (string | number)[]): void {
    if (this.closed) throw new Error('The writer thread was closed');
    if (this.ops.length === 0 && !this.handOverScheduled) {
      // Once the current burst of work is queued (the event loop turns), hand it over if the thread is idle.
      this.handOverScheduled = true;
      setImmediate(() => {
        this.handOverScheduled = false;
        if (this.inFlight <= HUNGRY) this.handOver();
      });
    }
    for (const slot of slots) this.ops.push(slot);
    this.lastWriteEnd = -1;
  }

  private appendWrite(count: number): void {
    if (this.lastWriteEnd === this.ops.length) {
      // The open file's previous bytes end where these start: one write op for both.
      this.ops[this.ops.length - 1] = (this.ops[this.ops.length - 1] as number) + count;
    } else {
      this.push(Op.write, this.used, count);
      this.lastWriteEnd = this.ops.length;
    }
    this.used += count;
  }

  /** Sends the batch; callers make sure fewer than MAX_IN_FLIGHT are out, so at most MAX_IN_FLIGHT + 1 buffers ever exist. */
  private handOver(): void {
    if (this.ops.length === 0 || this.closed || this.failure) return;
    const worker = this.start();
    const buffer = this.buffer.buffer;
    const batch: WriterBatch = { id: this.nextId++, ops: this.ops, buffer };
    worker.postMessage(batch, [buffer]);
    if (this.inFlight++ === 0) worker.ref();
    this.ops = [];
    this.used = 0;
    this.lastWriteEnd = -1;
    this.buffer = new Uint8Array(this.spare.pop() ?? new ArrayBuffer(BATCH_BYTES));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WRITER_SCRIPT, {
      eval: true,
      // Not the parent's flags (a TypeScript loader in tests, --cpu-prof in a profile): the script is plain JS.
      execArgv: [],
      workerData: { root: this.root },
      // It holds a few batches and an fd: a small heap is plenty.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    // The new isolate set V8's young-generation growth back to its default for the whole process.
    worker.once('online', reapplyYoungGenerationLimit);
    worker.on('message', (reply: WriterReply) => this.onReply(reply));
    worker.on('error', (err) => this.stopped(err));
    worker.on('exit', (code) => {
      if (!this.closed) this.stopped(new Error(`The file writer thread stopped unexpectedly (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private onReply(reply: WriterReply): void {
    this.inFlight--;
    this.spare.push(reply.buffer);
    if (reply.failure) this.failure ??= errorFrom(reply.failure);
    if (this.inFlight <= HUNGRY) this.handOver();
    // An idle thread does not keep the process alive (a writer its owner forgot to close).
    if (this.inFlight === 0) this.worker?.unref();
    this.wake();
  }

  private stopped(err: Error): void {
    this.failure ??= err;
    this.inFlight = 0;
    this.wake();
  }

  private nextReply(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** utimes() takes seconds; a tar mtime may have a fraction (PAX). */
function seconds(date: Date): number {
  return date.getTime() / 1000;
}

/** The thread's report as the error Node's own call would have thrown (code, syscall, path), for the callers' wording. */
function errorFrom(failure: WriterFailure): Error {
  const err: NodeJS.ErrnoException & { dest?: string } = new Error(failure.message);
  if (failure.code !== undefined) err.code = failure.code;
  if (failure.errno !== undefined) err.errno = failure.errno;
  if (failure.syscall !== undefined) err.syscall = failure.syscall;
  if (failure.path !== undefined) err.path = failure.path;
  if (failure.dest !== undefined) err.dest = failure.dest;
  return err;
}
