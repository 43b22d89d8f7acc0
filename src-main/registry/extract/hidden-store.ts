/**
 * Keeps the content of hidden files of the current layer (see flatten.ts:
 * files an upper layer shadows or deletes, which a later hard link of the
 * same layer may still need) in a private temporary directory, until the
 * layer ends. Only the consumer knows where such a directory may go, and how
 * it writes: beside the target through the writer thread for
 * extractToDirectory (so a rename moves a kept file into place, in order with
 * the other writes), under the system temp dir with plain fs calls for the
 * tar stream (which reads it back).
 */
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlatHeader, HiddenFile } from './entry';
import { writeBody } from './file-io';

export interface KeptFile {
  path: string;
  header: FlatHeader;
}

/** How kept files are written and removed. */
export interface KeptFileIo {
  write(path: string, header: FlatHeader, body: AsyncIterable<Buffer>): Promise<void>;
  remove(path: string): Promise<void>;
}

/** Plain fs/promises calls: a kept file is complete when write() resolves. */
export function directKeptFileIo(signal?: AbortSignal): KeptFileIo {
  return {
    async write(path, _header, body) {
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await writeBody(handle, body, signal);
      } finally {
        await handle.close();
      }
    },
    remove: (path) => rm(path, { force: true }),
  };
}

export class HiddenStore {
  private dir: string | undefined;
  private count = 0;
  private readonly files = new Map<string, KeptFile>();

  /** `makeDir` makes a new private directory; it is called on first use only. */
  constructor(
    private readonly makeDir: () => Promise<string>,
    private readonly io: KeptFileIo,
  ) {}

  async keep(item: HiddenFile): Promise<void> {
    this.dir ??= await this.makeDir();
    const path = join(this.dir, String(this.count++));
    await this.io.write(path, item.header, item.body);
    this.files.set(item.header.name, { path, header: item.header });
  }

  /** The kept file for an image path; the caller now owns it (moves or reads, then removes it). */
  take(name: string): KeptFile | undefined {
    const kept = this.files.get(name);
    this.files.delete(name);
    return kept;
  }

  /** At a layer's end: nothing kept so far can be asked for any more. */
  async endLayer(): Promise<void> {
    for (const { path } of this.files.values()) await this.io.remove(path);
    this.files.clear();
  }

  /** Removes the directory; call it when no write to it can still be running. */
  async dispose(): Promise<void> {
    this.files.clear();
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
