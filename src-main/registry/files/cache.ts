/**
 * FileIndexCache: layer indexes kept on disk, one file per layer digest
 * (`sha256-<hex>.idx`). A layer's content never changes, so an entry never goes
 * stale: an image whose layers were read before, or that shares layers with
 * one read before, opens without a download.
 *
 * - Files appear whole or not at all (written under a temporary name, then
 *   renamed), so two processes can share one folder: the last rename wins, and
 *   both wrote the same thing.
 * - Nothing read back is believed before its checksum, format version and
 *   digest are checked (index-format.ts); a bad file is a miss, and the index
 *   rebuilt from the layer replaces it.
 * - The folder stays under `maxBytes`: after each write, the least recently
 *   used files go first (a hit refreshes a file's mtime).
 * - On a big-endian machine (the format is little-endian) nothing is kept.
 * - Only complete indexes of fully verified layers are written: a cancelled
 *   or failed read (wrong digest, not a tar, a limit) writes nothing.
 */
import { mkdir, open, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeBytesAtomically } from '../layout/atomic';
import { TEMP_PREFIX } from '../layout/paths';
import { parseDigest } from '../reference';
import { CorruptIndexError, decodeIndex, encodeIndex, FORMAT_USABLE } from './index-format';
import type { LayerIndex } from './layer-index';

export interface FileIndexCacheOptions {
  /** The most the folder's index files may take together. Default 512 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const INDEX_SUFFIX = '.idx';
const INDEX_NAME = /^(sha256|sha512)-[0-9a-f]+\.idx$/;
/** A temporary file this old belongs to a writer that died: remove it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export class FileIndexCache {
  readonly dir: string;
  readonly maxBytes: number;

  constructor(dir: string, opts: FileIndexCacheOptions = {}) {
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive whole number, got ${maxBytes}`);
    this.dir = resolve(dir);
    this.maxBytes = maxBytes;
  }

  /** The index of the layer with this digest, or undefined when there is no usable one. */
  async load(digest: string): Promise<LayerIndex | undefined> {
    const path = this.pathOf(digest);
    let bytes: Buffer;
    try {
      const handle = await open(path, 'r');
      try {
        const { size } = await handle.stat();
        // Not one of ours (ours never pass maxBytes): do not read it into memory.
        if (size > this.maxBytes) return undefined;
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      return undefined; // missing, or removed by another process meanwhile
    }
    let index: LayerIndex;
    try {
      index = decodeIndex(bytes, digest);
    } catch (err) {
      if (err instanceof CorruptIndexError) return undefined; // rebuilt, and replaced by store()
      throw err;
    }
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return index;
  }

  /** Writes the index of a fully read layer, then trims the folder to maxBytes. */
  async store(index: LayerIndex, signal?: AbortSignal): Promise<void> {
    if (!FORMAT_USABLE) return;
    const bytes = encodeIndex(index);
    if (bytes.length > this.maxBytes) return;
    await mkdir(this.dir, { recursive: true });
    await writeBytesAtomically(this.pathOf(index.digest), bytes, signal);
    await this.trim();
  }

  private pathOf(digest: string): string {
    // parseDigest admits only `algorithm:hex`: a digest cannot name a path outside the folder.
    return join(this.dir, `${parseDigest(digest).replace(':', '-')}${INDEX_SUFFIX}`);
  }

  /** Least recently used first out, until the folder fits; also removes temporary files of writers that died. */
  private async trim(): Promise<void> {
    const files: { path: string; size: number; used: number }[] = [];
    const now = Date.now();
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      const isIndex = INDEX_NAME.test(name);
      if (!isIndex && !name.startsWith(TEMP_PREFIX)) continue;
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      if (isIndex) files.push({ path, size: info.size, used: info.mtimeMs });
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
