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
 *
 * The calls themselves are made by a writer thread (writer-thread.ts), in the
 * order they are decided here: this class only decides, and keeps the map.
 * It hands the thread entry names as they are (checked: relative, no `..`),
 * which the thread resolves below the root.
 */
import { makeTemporaryFolder } from '../disk/temporary';
import type { FlatHeader, FlatItem } from './entry';
import { HiddenStore, type KeptFileIo } from './hidden-store';
import { transientChunks } from './layer-entries';
import { ancestorsOf, ROOT, unsafeNameReason } from './paths';
import { WriterThread } from './writer-thread';

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
  private readonly thread: WriterThread;

  constructor(
    private readonly root: string,
    private readonly signal?: AbortSignal,
  ) {
    const thread = new WriterThread(root);
    this.thread = thread;
    // Kept files are written with their own mode and mtime, so moving one into place is all a link needs.
    const io: KeptFileIo = {
      write: async (path, header, body) => {
        await thread.writeFile(path, header.mode, header.mtime, transientChunks(body), signal);
      },
      remove: async (path) => thread.unlink(path),
    };
    this.hidden = new HiddenStore(() => makeTemporaryFolder(root), io);
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
    await this.thread.ready();
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

  /** Stops the writes (their errors no longer matter), and removes what is kept outside the root. */
  async dispose(): Promise<void> {
    await this.thread.close();
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
        return this.skip(
          name,
          `${header.type === 'block-device' ? 'block' : 'character'} device node (${header.devmajor ?? 0}:${header.devminor ?? 0})`,
        );
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
        this.clear(name);
        this.thread.symlink(header.linkname ?? '', name, header.mtime);
        this.nodes.set(name, 'symlink');
        this.counts.symlinks++;
        return true;
      case 'file':
        this.clear(name);
        // The thread's writeFile copies each chunk into its batch before it reads the next.
        this.counts.bytes += await this.thread.writeFile(name, header.mode, header.mtime, transientChunks(body), this.signal);
        this.nodes.set(name, 'file');
        this.counts.files++;
        return true;
    }
  }

  /** Gives every directory its mode and mtime, deepest first, then the root; waits until everything is written. */
  async finish(): Promise<void> {
    if (!this.directories.has(ROOT)) this.directories.set(ROOT, { mode: IMPLIED_DIRECTORY_MODE });
    const ordered = [...this.directories.entries()].sort(([a], [b]) => depth(b) - depth(a));
    for (const [name, meta] of ordered) {
      if (this.signal?.aborted) throw this.signal.reason;
      this.thread.setAttributes(name === ROOT ? this.root : name, meta.mode, meta.mtime);
      await this.thread.ready();
    }
    await this.thread.drain();
  }

  /** Makes the missing parents of `name`, or says why it may not be written. */
  private async prepareParents(name: string): Promise<string | undefined> {
    for (const parent of ancestorsOf(name)) {
      const kind = this.nodes.get(parent);
      if (kind === 'directory') continue;
      if (kind === 'symlink') return `parent ${parent} is a symlink`;
      if (kind === 'file') return `parent ${parent} is not a directory`;
      this.thread.mkdir(parent, WORKING_DIRECTORY_MODE);
      this.nodes.set(parent, 'directory');
      this.directories.set(parent, { mode: IMPLIED_DIRECTORY_MODE });
      this.counts.directories++;
    }
    return undefined;
  }

  private async writeDirectory(header: FlatHeader): Promise<boolean> {
    const { name } = header;
    if (this.nodes.get(name) !== 'directory') {
      this.clear(name);
      this.thread.mkdir(name, WORKING_DIRECTORY_MODE);
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
    this.clear(name);
    this.thread.link(target, name);
    this.nodes.set(name, 'file');
    this.counts.hardlinks++;
    return true;
  }

  /** A link to a hidden file of this layer: the kept content moves into place under the link's name. */
  private async writeKept(header: FlatHeader): Promise<boolean> {
    const kept = this.hidden.take(header.linkname ?? '');
    if (kept === undefined) return this.skip(header.name, `hard link target ${header.linkname ?? ''} was not kept`);
    this.clear(header.name);
    this.thread.rename(kept.path, header.name);
    this.nodes.set(header.name, 'file');
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
  private clear(name: string): void {
    const kind = this.nodes.get(name);
    if (kind === undefined) return;
    if (kind === 'directory') {
      // rm does not follow symlinks inside; our directories are still writable here.
      this.thread.removeTree(name);
      const prefix = `${name}/`;
      for (const key of [...this.nodes.keys()]) if (key.startsWith(prefix)) this.nodes.delete(key);
      for (const key of [...this.directories.keys()]) if (key.startsWith(prefix)) this.directories.delete(key);
      this.directories.delete(name);
    } else {
      this.thread.unlink(name);
    }
    this.nodes.delete(name);
  }
}

function depth(name: string): number {
  if (name === ROOT) return -1;
  let count = 0;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 0x2f) count++;
  return count;
}
