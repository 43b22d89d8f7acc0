/**
 * The code a zstd thread runs (see zstd-thread.ts), as text, for the same
 * reason as the writer thread's (writer-thread-script.ts): a Worker started
 * from a string needs no file beside the bundle. Plain CommonJS; it loads
 * zstd-napi's binding from the path it is given.
 *
 * One stream at a time (`start` begins the next one with a new decoder). It
 * decodes the input chunks in order into the output buffers it holds, sends
 * each filled one to the owner (who gives it back once read), hands each
 * input buffer back once it is used up (for the owner to fill again), and after `end` and the last input says `done` and
 * whether the data stopped inside a frame. After an error it answers nothing
 * more for that stream. Messages of an earlier stream are ignored.
 */

export type ToZstdThread =
  | { kind: 'start'; stream: number; buffers: ArrayBuffer[] }
  | { kind: 'input'; stream: number; buffer: ArrayBuffer; length: number }
  | { kind: 'give'; stream: number; buffer: ArrayBuffer }
  | { kind: 'end'; stream: number };

export type FromZstdThread =
  | { kind: 'output'; stream: number; buffer: ArrayBuffer; length: number }
  | { kind: 'consumed'; stream: number; buffer: ArrayBuffer }
  | { kind: 'done'; stream: number; inFrame: boolean }
  | { kind: 'error'; stream: number; message: string };

export const ZSTD_THREAD_SCRIPT = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { DCtx } = require(workerData.binding);
let stream = -1;
let context = null;
let inputs = [];
let spare = [];
let ended = false;
let finished = false;
let failed = false;
let inFrame = false;

function pump() {
  while (spare.length > 0 && inputs.length > 0) {
    const input = inputs[0].bytes;
    const output = new Uint8Array(spare[spare.length - 1]);
    // hint: 0 once a frame is complete and flushed, else how much input libzstd would like next.
    const [hint, produced, consumed] = context.decompressStream(output, input);
    // libzstd always moves while it has input and room; never spin if it did not.
    if (produced === 0 && consumed === 0 && input.length > 0) throw new Error('the zstd decoder made no progress');
    const rest = input.subarray(consumed);
    inputs[0].bytes = rest;
    if (produced > 0) {
      const buffer = spare.pop();
      parentPort.postMessage({ kind: 'output', stream, buffer, length: produced }, [buffer]);
    }
    // Done with this chunk when it is all read and the output was not filled (nothing held back to flush).
    if (rest.length === 0 && (produced < output.length || hint === 0)) {
      inFrame = hint !== 0;
      const { buffer } = inputs.shift();
      parentPort.postMessage({ kind: 'consumed', stream, buffer }, [buffer]);
    }
  }
  if (ended && inputs.length === 0 && !finished) {
    finished = true;
    parentPort.postMessage({ kind: 'done', stream, inFrame });
  }
}

parentPort.on('message', (message) => {
  if (message.kind === 'start') {
    stream = message.stream;
    context = new DCtx();
    inputs = [];
    spare = message.buffers;
    ended = finished = failed = inFrame = false;
    return;
  }
  if (message.stream !== stream || failed) return;
  if (message.kind === 'input') inputs.push({ buffer: message.buffer, bytes: new Uint8Array(message.buffer, 0, message.length) });
  else if (message.kind === 'give') spare.push(message.buffer);
  else if (message.kind === 'end') ended = true;
  try {
    pump();
  } catch (err) {
    failed = true;
    parentPort.postMessage({ kind: 'error', stream, message: err instanceof Error ? err.message : String(err) });
  }
});
`;
