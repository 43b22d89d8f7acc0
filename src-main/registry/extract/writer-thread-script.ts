/**
 * The code the writer thread runs (see writer-thread.ts), as text: a Worker
 * started from a string (`eval: true`) needs no file beside the bundle, so it
 * runs the same way from the sources (tests, tsx), from the app's esbuild
 * bundle and from the benchmarks' bundles. It is plain CommonJS and imports
 * only node:fs; the unit tests run it through a real Worker.
 *
 * It receives batches `{id, ops, buffer}` and carries out `ops` in order with
 * synchronous calls (no thread-pool round trip per call: the point of the
 * thread). `ops` is one flat array: an opcode, then that opcode's arguments
 * (see Op). A path not starting with `/` is relative to `workerData.root`
 * (so the main thread builds no absolute path per entry). File contents are
 * ranges of `buffer`. Each batch is answered
 * with `{id, buffer, failure}`, the buffer handed back for reuse. After the
 * first failure nothing more is done: later batches are answered with the
 * same failure, so the owner sees it however late it looks.
 */

/** Opcodes, and how many arguments follow each one in `ops`. */
export const Op = {
  /** path, mode: a new directory. */
  mkdir: 0,
  /** path, mode: a new file, opened O_EXCL | O_NOFOLLOW with its permission bits; it becomes the open file. */
  open: 1,
  /** offset, length: bytes of the batch's buffer appended to the open file. */
  write: 2,
  /** mode, mtime (seconds): finishes and closes the open file (chmod only for bits open() could not set). */
  close: 3,
  /** target, path, mtime: a symlink and its own mtime. */
  symlink: 4,
  /** existing, path: a hard link. */
  link: 5,
  /** from, to */
  rename: 6,
  /** path, mode, mtime (seconds, or -1 to leave it): a directory's final mode and time. */
  attributes: 7,
  /** path: removes a file or symlink. */
  unlink: 8,
  /** path: removes a directory and everything below it (never following symlinks). */
  removeTree: 9,
} as const;

/** What the thread reports about the call that failed: enough to rebuild Node's error. */
export interface WriterFailure {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  dest?: string;
}

export interface WriterBatch {
  id: number;
  ops: (string | number)[];
  buffer: ArrayBuffer;
}

export interface WriterReply {
  id: number;
  buffer: ArrayBuffer;
  failure: WriterFailure | null;
}

export const WRITER_SCRIPT = `
'use strict';
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const root = workerData && workerData.root;
const at = (path) => (root === undefined || path.charCodeAt(0) === 0x2f ? path : root + '/' + path);
const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
// What open() and mkdir() cannot give a new file: set-id and sticky bits, and bits the umask takes away.
const NEEDS_CHMOD = 0o7000 | process.umask();
let fd = -1;
let failure = null;

function run(ops, bytes) {
  let i = 0;
  while (i < ops.length) {
    switch (ops[i]) {
      case ${Op.mkdir}:
        fs.mkdirSync(at(ops[i + 1]), ops[i + 2]);
        i += 3;
        break;
      case ${Op.open}:
        fd = fs.openSync(at(ops[i + 1]), CREATE, ops[i + 2] & 0o777);
        i += 3;
        break;
      case ${Op.write}: {
        const offset = ops[i + 1];
        const length = ops[i + 2];
        // A regular file may take less than asked (a full disk says so on the next call).
        for (let done = 0; done < length; ) done += fs.writeSync(fd, bytes, offset + done, length - done);
        i += 3;
        break;
      }
      case ${Op.close}: {
        const mode = ops[i + 1];
        // After the content: writing clears set-id bits.
        if ((mode & NEEDS_CHMOD) !== 0) fs.fchmodSync(fd, mode);
        fs.futimesSync(fd, ops[i + 2], ops[i + 2]);
        const closing = fd;
        fd = -1;
        fs.closeSync(closing);
        i += 3;
        break;
      }
      case ${Op.symlink}:
        // The target is the symlink's content, written as it is: never resolved here.
        fs.symlinkSync(ops[i + 1], at(ops[i + 2]));
        fs.lutimesSync(at(ops[i + 2]), ops[i + 3], ops[i + 3]);
        i += 4;
        break;
      case ${Op.link}:
        fs.linkSync(at(ops[i + 1]), at(ops[i + 2]));
        i += 3;
        break;
      case ${Op.rename}:
        fs.renameSync(at(ops[i + 1]), at(ops[i + 2]));
        i += 3;
        break;
      case ${Op.attributes}:
        fs.chmodSync(at(ops[i + 1]), ops[i + 2]);
        if (ops[i + 3] !== -1) fs.utimesSync(at(ops[i + 1]), ops[i + 3], ops[i + 3]);
        i += 4;
        break;
      case ${Op.unlink}:
        fs.unlinkSync(at(ops[i + 1]));
        i += 2;
        break;
      case ${Op.removeTree}:
        fs.rmSync(at(ops[i + 1]), { recursive: true, force: true });
        i += 2;
        break;
      default:
        throw new Error('writer thread: unknown operation ' + String(ops[i]));
    }
  }
}

function describe(err) {
  const out = { message: err instanceof Error ? err.message : String(err) };
  for (const key of ['code', 'errno', 'syscall', 'path', 'dest']) if (err && err[key] !== undefined) out[key] = err[key];
  return out;
}

parentPort.on('message', (batch) => {
  if (failure === null) {
    try {
      run(batch.ops, new Uint8Array(batch.buffer));
    } catch (err) {
      failure = describe(err);
      if (fd !== -1) {
        try { fs.closeSync(fd); } catch {}
        fd = -1;
      }
    }
  }
  parentPort.postMessage({ id: batch.id, buffer: batch.buffer, failure }, [batch.buffer]);
});
`;
