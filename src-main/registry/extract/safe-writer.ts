/**
 * Writes flattened entries below one root directory, and nowhere else.
 *
 * The root is a fresh private directory (mode 0700, made by the caller), so
 * nobody else can change what is in it while we write; that lets an
 * in-memory map of what we created stand for the disk. Every parent of an
 * entry is checked against that map instead of being followed: a parent
 * that is a symlink (wherever it points) or a non-directory makes the entry
 * skipped. Files are created with O_EXCL | O_NOFOLLOW, so an entry never
 * writes through a symlink (or into a file) already at its own name.
 *
 * Directories are created 0700 and get their real mode and mtime in finish(),
 * deepest first, after everything inside them is written: a read-only
 * directory in an image would otherwise stop us (not being root) from filling
 * it, and every file written would bump its parent's mtime.
 */
import { constants } from 'node:fs';
import { chmod, link, lutimes, mkdir, open, rename, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTemporaryFolder } from '../disk/temporary';
import type { FlatHeader, FlatItem } from './entry';
import { writeBody } from './file-io';
import { HiddenStore } from './hidden-store';
import { InFlight } from './in-flight';
import { ancestorsOf, ROOT, unsafeNameReason } from './paths';

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface WriteCounts {
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  /** File content bytes written (hard links add none). */
  bytes: number;
}

type NodeKind = 'directory' | 'file' | 'symlink';

interface DirectoryMeta {
  mode: number;
  /** Unset for a directory no entry named: it keeps the time it was made. */
  mtime?: Date;
}

/** Modes for directories the image only implies (a file's parent with no entry of its own). */
const IMPLIED_DIRECTORY_MODE = 0o755;
/** What we need to fill a directory; its own mode comes at the end. */
const WORKING_DIRECTORY_MODE = 0o700;
/** Files up to this size are read into memory and written alongside the next ones (see in-flight.ts). */
const SMALL_FILE_BYTES = 256 * 1024;
const SMALL_FILES_AT_ONCE = 16;
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export class SafeWriter {
  readonly counts: WriteCounts = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0 };
  readonly skipped: SkippedEntry[] = [];
  private readonly nodes = new Map<string, NodeKind>();
  private readonly directories = new Map<string, DirectoryMeta>();
  /**
   * Hidden files of the current layer (see flatten.ts). Kept in a private
   * sibling of the root: on the same file system, so a rename moves one into
   * place, and not inside the root, where an image may use any name.
   */
  private readonly hidden: HiddenStore;
  private readonly inFlight = new InFlight(SMALL_FILES_AT_ONCE);

  constructor(
    private readonly root: string,
    private readonly signal?: AbortSignal,
  ) {
    this.hidden = new HiddenStore(() => makeTemporaryFolder(root), signal);
  }

  /** Entries written so far (not counting skipped ones). */
  get written(): number {
    const c = this.counts;
    return c.files + c.directories + c.symlinks + c.hardlinks;
  }

  skip(path: string, reason: string): false {
    this.skipped.push({ path, reason });
    return false;
  }

  /** Handles one item of the flattened stream. True when it wrote an entry of the result. */
  async write(item: FlatItem): Promise<boolean> {
    this.inFlight.check();
    switch (item.kind) {
      case 'entry':
        return this.writeEntry(item.header, item.body, false);
      case 'from-hidden':
        return this.writeEntry(item.header, undefined, true);
      case 'hidden':
        await this.hidden.keep(item);
        return false;
      case 'layer-end':
        await this.hidden.endLayer();
        return false;
    }
  }

  /** Waits for running writes (their errors no longer matter), and removes what is kept outside the root. */
  async dispose(): Promise<void> {
    await this.inFlight.settle();
    await this.hidden.dispose();
  }

  /** Writes one entry (reading its body), or records why it was skipped. True when written. */
  private async writeEntry(header: FlatHeader, body: AsyncIterable<Buffer> | undefined, fromKept: boolean): Promise<boolean> {
    const name = header.name;
    const unsafe = unsafeNameReason(name);
    if (unsafe !== undefined) return this.skip(name, unsafe);
    if (name === ROOT) {
      if (header.type !== 'directory') return this.skip(name, `a ${header.type} cannot replace the target directory`);
      this.directories.set(ROOT, { mode: header.mode, mtime: header.mtime });
      return true;
    }
    switch (header.type) {
      case 'character-device':
      case 'block-device':
        return this.skip(name, `${header.type === 'block-device' ? 'block' : 'character'} device node (${header.devmajor ?? 0}:${header.devminor ?? 0})`);
      case 'fifo':
        return this.skip(name, 'FIFO (named pipe)');
      default:
        break;
    }
    const parentProblem = await this.prepareParents(name);
    if (parentProblem !== undefined) return this.skip(name, parentProblem);

    switch (header.type) {
      case 'directory':
        return this.writeDirectory(header);
      case 'link':
        return fromKept ? this.writeKept(header) : this.writeHardlink(header);
      case 'symlink':
        await this.clear(name);
        await symlink(header.linkname ?? '', this.abs(name));
        await lutimes(this.abs(name), header.mtime, header.mtime);
        this.nodes.set(name, 'symlink');
        this.counts.symlinks++;
        return true;
      case 'file':
        await this.clear(name);
        if (header.size <= SMALL_FILE_BYTES) {
          const content = await readAll(body, header.size);
          await this.inFlight.start(name, async () => {
            await this.writeFile(this.abs(name), header, content);
          });
          this.counts.bytes += header.size;
        } else {
          this.counts.bytes += await this.writeFile(this.abs(name), header, body);
        }
        this.nodes.set(name, 'file');
        this.counts.files++;
        return true;
    }
  }

  /** Waits for the last writes, then gives every directory its mode and mtime, deepest first, then the root. */
  async finish(): Promise<void> {
    await this.inFlight.drain();
    if (!this.directories.has(ROOT)) this.directories.set(ROOT, { mode: IMPLIED_DIRECTORY_MODE });
    const ordered = [...this.directories.entries()].sort(([a], [b]) => depth(b) - depth(a));
    for (const [name, meta] of ordered) {
      if (this.signal?.aborted) throw this.signal.reason;
      const abs = name === ROOT ? this.root : this.abs(name);
      await chmod(abs, meta.mode);
      if (meta.mtime) await utimes(abs, meta.mtime, meta.mtime);
    }
  }

  private abs(name: string): string {
    return join(this.root, name);
  }

  /** Makes the missing parents of `name`, or says why it may not be written. */
  private async prepareParents(name: string): Promise<string | undefined> {
    for (const parent of ancestorsOf(name)) {
      const kind = this.nodes.get(parent);
      if (kind === 'directory') continue;
      if (kind === 'symlink') return `parent ${parent} is a symlink`;
      if (kind === 'file') return `parent ${parent} is not a directory`;
      await mkdir(this.abs(parent), { mode: WORKING_DIRECTORY_MODE });
      this.nodes.set(parent, 'directory');
      this.directories.set(parent, { mode: IMPLIED_DIRECTORY_MODE });
      this.counts.directories++;
    }
    return undefined;
  }

  private async writeDirectory(header: FlatHeader): Promise<boolean> {
    const { name } = header;
    if (this.nodes.get(name) !== 'directory') {
      await this.clear(name);
      await mkdir(this.abs(name), { mode: WORKING_DIRECTORY_MODE });
      this.nodes.set(name, 'directory');
      this.counts.directories++;
    }
    // An existing directory only takes the entry's metadata: its contents stay.
    this.directories.set(name, { mode: header.mode, mtime: header.mtime });
    return true;
  }

  private async writeHardlink(header: FlatHeader): Promise<boolean> {
    const { name } = header;
    const target = header.linkname ?? '';
    const problem = this.hardlinkTargetProblem(target);
    if (problem !== undefined) return this.skip(name, problem);
    if (target === name || target.startsWith(`${name}/`)) {
      return this.skip(name, `hard link to itself or to something inside it (${target})`);
    }
    await this.clear(name);
    await this.inFlight.waitFor(target);
    await link(this.abs(target), this.abs(name));
    this.nodes.set(name, 'file');
    this.counts.hardlinks++;
    return true;
  }

  /** A link to a hidden file of this layer: the kept content moves into place under the link's name. */
  private async writeKept(header: FlatHeader): Promise<boolean> {
    const kept = this.hidden.take(header.linkname ?? '');
    if (kept === undefined) return this.skip(header.name, `hard link target ${header.linkname ?? ''} was not kept`);
    const abs = this.abs(header.name);
    await this.clear(header.name);
    await rename(kept.path, abs);
    this.nodes.set(header.name, 'file');
    await chmod(abs, kept.header.mode);
    await utimes(abs, kept.header.mtime, kept.header.mtime);
    this.counts.files++;
    this.counts.bytes += kept.header.size;
    return true;
  }

  private hardlinkTargetProblem(target: string): string | undefined {
    const unsafe = unsafeNameReason(target);
    if (unsafe !== undefined) return `hard link target ${target} is outside the target directory (${unsafe})`;
    if (target === ROOT) return 'hard link to the root directory';
    for (const parent of ancestorsOf(target)) {
      const kind = this.nodes.get(parent);
      if (kind === 'symlink') return `hard link target ${target} passes through symlink ${parent}`;
      if (kind !== 'directory') return `hard link target ${target} does not exist`;
    }
    const kind = this.nodes.get(target);
    if (kind === undefined) return `hard link target ${target} does not exist`;
    if (kind !== 'file') return `hard link target ${target} is a ${kind}, not a regular file`;
    return undefined;
  }

  /** Removes whatever an earlier entry put at `name` (later entries win, as in tar). */
  private async clear(name: string): Promise<void> {
    const kind = this.nodes.get(name);
    if (kind === undefined) return;
    await this.inFlight.waitBelow(name);
    if (kind === 'directory') {
      // rm does not follow symlinks inside; our directories are still writable here.
      await rm(this.abs(name), { recursive: true, force: true });
      const prefix = `${name}/`;
      for (const key of [...this.nodes.keys()]) if (key.startsWith(prefix)) this.nodes.delete(key);
      for (const key of [...this.directories.keys()]) if (key.startsWith(prefix)) this.directories.delete(key);
      this.directories.delete(name);
    } else {
      await unlink(this.abs(name));
    }
    this.nodes.delete(name);
  }

  /** Writes a new file at `path` and returns its length. */
  private async writeFile(
    path: string,
    header: FlatHeader,
    body: AsyncIterable<Buffer> | Iterable<Buffer> | undefined,
  ): Promise<number> {
    // Owner-only while it fills; the entry's mode comes after the content (writing clears set-id bits).
    const handle = await open(path, CREATE_FILE, 0o600);
    try {
      const length = await writeBody(handle, body, this.signal);
      await handle.chmod(header.mode);
      await handle.utimes(header.mtime, header.mtime);
      return length;
    } finally {
      await handle.close();
    }
  }
}

/** A small body, whole: it is written later, after the tar reader has moved on. */
async function readAll(body: AsyncIterable<Buffer> | undefined, size: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body ?? []) {
    length += chunk.length;
    if (length > size) throw new Error(`tar entry is longer than its header says (${size} bytes)`);
    chunks.push(chunk);
  }
  return chunks;
}

function depth(name: string): number {
  if (name === ROOT) return -1;
  let count = 0;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 0x2f) count++;
  return count;
}
