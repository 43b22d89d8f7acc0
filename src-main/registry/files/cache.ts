/**
 * FileIndexCache: what reading an image's layers taught us, kept on disk.
 *
 * - One index per layer (`sha256-<hex>.idx`, index-format.ts), by the layer's
 *   digest: a layer's content never changes, so an index never goes stale, and
 *   an image that shares layers with one read before reads only the others.
 * - One flattened view per list of layers (`view-<hex>.idx`, view-format.ts):
 *   an image opened before opens from that one file, without applying its
 *   layers again. It is derived from the indexes, and as immutable as they are.
 *
 * Files appear whole or not at all (written under a temporary name, then
 * renamed), so two processes can share one folder: the last rename wins, and
 * both wrote the same thing. Nothing read back is believed before its
 * checksum, format version and subject are checked (columns.ts); a bad file
 * is a miss, and what is rebuilt replaces it. The folder stays under
 * `maxBytes`: after each write, the least recently used files go first (a hit
 * refreshes a file's mtime). The views read last are also kept in memory (up
 * to 64 MiB of their files), so looking up one file after another in an image
 * (previews) reads nothing again. Only what was made from fully verified layers is
 * written: a cancelled or failed read (wrong digest, not a tar, a limit)
 * writes nothing. On a big-endian machine (the format is little-endian)
 * nothing is kept.
 */
import { mkdir, open, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isTemporaryName } from '../disk/temporary';
import { writeFileAtomically } from '../disk/atomic-file';
import { parseDigest } from '../reference';
import { CorruptFileError, FORMAT_USABLE } from './columns';
import { decodeIndex, encodeIndex } from './index-format';
import type { LayerIndex } from './layer-index';
import type { ImageView } from './overlay';
import { encodeView, ViewReader } from './view-format';

export interface FileIndexCacheOptions {
  /** The most the folder's files may take together. Default 512 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** Views kept decoded-ready in memory: the bytes of their files, together. */
const MEMORY_BYTES = 64 * 1024 * 1024;
const CACHE_FILE = /^(sha256|sha512|view)-[0-9a-f]+\.idx$/;
/** A temporary file this old belongs to a writer that died: remove it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export class FileIndexCache {
  readonly dir: string;
  readonly maxBytes: number;
  /** Views read lately, least recently used first (a Map keeps insertion order). */
  private readonly views = new Map<string, ViewReader>();

  constructor(dir: string, opts: FileIndexCacheOptions = {}) {
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive whole number, got ${maxBytes}`);
    this.dir = resolve(dir);
    this.maxBytes = maxBytes;
  }

  /** The index of the layer with this digest, or undefined when there is no usable one. */
  load(digest: string): Promise<LayerIndex | undefined> {
    return this.read(this.layerPath(digest), (bytes) => decodeIndex(bytes, digest));
  }

  /** Keeps the index of a fully read layer. */
  store(index: LayerIndex, signal?: AbortSignal): Promise<void> {
    return this.write(this.layerPath(index.digest), () => encodeIndex(index), signal);
  }

  /** The flattened view stored under `key` (view-format.ts's viewKey()), checked and ready to read, or undefined. */
  async loadView(key: string): Promise<ViewReader | undefined> {
    let view = this.views.get(key);
    if (view) {
      this.views.delete(key);
    } else {
      view = await this.read(this.viewPath(key), (bytes) => new ViewReader(bytes, key));
      if (!view) return undefined;
    }
    this.views.set(key, view);
    let kept = 0;
    for (const v of this.views.values()) kept += v.byteLength;
    for (const [oldest, v] of this.views) {
      if (kept <= MEMORY_BYTES || oldest === key) break;
      this.views.delete(oldest);
      kept -= v.byteLength;
    }
    return view;
  }

  storeView(key: string, view: ImageView, signal?: AbortSignal): Promise<void> {
    return this.write(this.viewPath(key), () => encodeView(key, view), signal);
  }

  private layerPath(digest: string): string {
    // parseDigest admits only `algorithm:hex`: a digest cannot name a path outside the folder.
    return join(this.dir, `${parseDigest(digest).replace(':', '-')}.idx`);
  }

  private viewPath(key: string): string {
    return join(this.dir, `view-${parseDigest(key).slice('sha256:'.length)}.idx`);
  }

  private async read<T>(path: string, decode: (bytes: Buffer) => T): Promise<T | undefined> {
    if (!FORMAT_USABLE) return undefined;
    let bytes: Buffer;
    try {
      const handle = await open(path, 'r');
      try {
        const { size } = await handle.stat();
        // Not one of ours (ours never pass maxBytes): do not read it into memory.
        if (size > this.maxBytes) return undefined;
        // A buffer of its own (aligned, unpooled, not zeroed: every byte is read into it), in as few reads as the
        // system gives: its columns are then used where they lie (columns.ts).
        bytes = Buffer.allocUnsafeSlow(size);
        let filled = 0;
        while (filled < size) {
          const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
          if (bytesRead === 0) return undefined; // cut short meanwhile: not a file this folder keeps
          filled += bytesRead;
        }
      } finally {
        await handle.close();
      }
    } catch {
      return undefined; // missing, or removed by another process meanwhile
    }
    let value: T;
    try {
      value = decode(bytes);
    } catch (err) {
      if (err instanceof CorruptFileError) return undefined; // rebuilt, then replaced
      throw err;
    }
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return value;
  }

  private async write(path: string, encode: () => Buffer[], signal?: AbortSignal): Promise<void> {
    if (!FORMAT_USABLE) return;
    const parts = encode();
    if (parts.reduce((sum, p) => sum + p.length, 0) > this.maxBytes) return;
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomically(path, parts, { signal, sync: false });
    await this.trim();
  }

  /** Least recently used first out, until the folder fits; also removes temporary files of writers that died. */
  private async trim(): Promise<void> {
    const files: { path: string; size: number; used: number }[] = [];
    const now = Date.now();
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      const ours = CACHE_FILE.test(name);
      if (!ours && !isTemporaryName(name)) continue;
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      if (ours) files.push({ path, size: info.size, used: info.mtimeMs });
      else if (now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true }).catch(() => undefined);
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    files.sort((a, b) => a.used - b.used);
    for (const file of files) {
      if (total <= this.maxBytes) break;
      await rm(file.path, { force: true }).catch(() => undefined);
      total -= file.size;
    }
  }
}
