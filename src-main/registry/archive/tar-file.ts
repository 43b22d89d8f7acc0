/**
 * One tar file that appears whole or not at all: entries are streamed into it
 * in order (tar-stream applies backpressure to each), under a temporary name
 * beside the final one (disk/atomic-file.ts), and renamed when the last entry
 * is written and flushed. A failed or cancelled archive leaves no file.
 *
 * Entries are written the same way every time (mode 0644, owner 0, mtime the
 * epoch), so saving one image twice gives the same bytes.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { byteCounter } from '../byte-counter';
import { writeStreamAtomically } from '../disk/atomic-file';

const EPOCH = new Date(0);

export class TarFile {
  private readonly pack = tar.pack();
  private readonly stop = new AbortController();
  private readonly writing: Promise<void>;
  private written = 0;
  /** Aborted by the caller's signal, or by a failed write (a full disk): entries in progress stop. */
  readonly signal: AbortSignal;

  constructor(
    readonly path: string,
    signal?: AbortSignal,
  ) {
    this.signal = signal ? AbortSignal.any([signal, this.stop.signal]) : this.stop.signal;
    const counter = byteCounter((total) => {
      this.written = total;
    });
    // tar-stream's pack is a streamx Readable, which Node's pipeline takes as it is.
    this.writing = writeStreamAtomically(path, this.pack as unknown as Readable, [counter], { mode: 0o644, ...(signal ? { signal } : {}) });
    this.writing.catch((err: unknown) => this.stop.abort(err));
  }

  addFolder(name: string): void {
    this.pack.entry({ name: name.endsWith('/') ? name : `${name}/`, type: 'directory', mode: 0o755, mtime: EPOCH, uid: 0, gid: 0 });
  }

  addBytes(name: string, bytes: Uint8Array): void {
    this.pack.entry({ name, type: 'file', mode: 0o644, mtime: EPOCH, uid: 0, gid: 0, size: bytes.length }, Buffer.from(bytes));
  }

  /** Streams `size` bytes from `source` into an entry; the source must deliver exactly that many (a verified blob does). */
  async addStream(name: string, size: number, source: Readable): Promise<void> {
    const sink = this.pack.entry({ name, type: 'file', mode: 0o644, mtime: EPOCH, uid: 0, gid: 0, size });
    try {
      await pipeline(source, sink as unknown as NodeJS.WritableStream, { signal: this.signal });
    } catch (err) {
      if (!source.destroyed) source.destroy();
      // A failed write (ENOSPC) is the cause; the entry's own error would only say it was cut off.
      throw this.stop.signal.aborted ? this.stop.signal.reason : err;
    }
  }

  /** Ends the archive and renames it into place; answers its size in bytes. */
  async commit(): Promise<number> {
    this.pack.finalize();
    await this.writing;
    return this.written;
  }

  /** Gives up: nothing is left, under the final name or a temporary one. */
  async discard(reason: unknown): Promise<void> {
    this.pack.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    await this.writing.catch(() => undefined);
  }
}
