/**
 * Layer tarballs from a list of entries, reproducibly: the entries are written
 * to a temp dir and packed by GNU tar with fixed order, owner and mtime, then
 * gzipped in-process. The same spec always gives the same digests, so fixture
 * digests are stable across runs on one machine.
 *
 * Using the system tar (rather than a hand-written tar writer) keeps the
 * archives what real build tools produce. The cost: a hardlink can only point
 * at a file in the same layer, because tar archives what is on disk.
 */
import { gzipSync } from 'node:zlib';
import { chmod, link, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { sha256Digest } from './digest.js';
import { makeTempDir } from './tmp.js';
import { requireTool, runRaw } from './tools.js';

export type LayerEntry =
  | { path: string; type: 'file'; content: string | Uint8Array; mode?: number }
  | { path: string; type: 'dir'; mode?: number }
  | { path: string; type: 'symlink'; target: string }
  /** `target` is a path in the same layer, created by an earlier entry. */
  | { path: string; type: 'hardlink'; target: string }
  /** Deletes `path` from lower layers: written as `<dir>/.wh.<name>`. */
  | { path: string; type: 'whiteout' }
  /** Hides everything lower layers have in directory `path`: `<path>/.wh..wh..opq`. */
  | { path: string; type: 'opaque' };

export interface LayerSpec {
  entries: LayerEntry[];
  /** The history entry's `created_by`. */
  createdBy: string;
  comment?: string;
}

export interface BuiltLayer {
  /** gzip bytes, as stored in the registry. */
  blob: Buffer;
  /** sha256 of the gzip bytes. */
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar (config `rootfs.diff_ids`). */
  diffId: string;
  /** The uncompressed tar, for tests that compare extraction results. */
  tar: Buffer;
}

const DEFAULT_FILE_MODE = 0o644;
const DEFAULT_DIR_MODE = 0o755;

/** Rejects paths that would escape the staging dir; fixtures never need them. */
function safeRelative(path: string): string {
  const normalized = posix.normalize(path.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (normalized === '' || normalized === '.' || normalized.startsWith('../')) {
    throw new Error(`layer entry path ${JSON.stringify(path)} is not inside the layer`);
  }
  return normalized;
}

async function ensureParents(root: string, rel: string): Promise<void> {
  const parts = dirname(rel)
    .split('/')
    .filter((p) => p !== '.' && p !== '');
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    await mkdir(current, { recursive: true });
    // mkdir's mode is masked by the umask; chmod is not.
    await chmod(current, DEFAULT_DIR_MODE);
  }
}

async function writeEntry(root: string, entry: LayerEntry): Promise<void> {
  const rel = safeRelative(entry.path);
  const abs = join(root, rel);
  await ensureParents(root, rel);
  switch (entry.type) {
    case 'file':
      await writeFile(abs, entry.content);
      await chmod(abs, entry.mode ?? DEFAULT_FILE_MODE);
      break;
    case 'dir':
      await mkdir(abs, { recursive: true });
      await chmod(abs, entry.mode ?? DEFAULT_DIR_MODE);
      break;
    case 'symlink':
      await symlink(entry.target, abs);
      break;
    case 'hardlink':
      await link(join(root, safeRelative(entry.target)), abs);
      break;
    case 'whiteout': {
      const marker = join(dirname(abs), `.wh.${basename(abs)}`);
      await writeFile(marker, '');
      await chmod(marker, DEFAULT_FILE_MODE);
      break;
    }
    case 'opaque': {
      await mkdir(abs, { recursive: true });
      await chmod(abs, DEFAULT_DIR_MODE);
      const marker = join(abs, '.wh..wh..opq');
      await writeFile(marker, '');
      await chmod(marker, DEFAULT_FILE_MODE);
      break;
    }
  }
}

/** Byte order, not locale order: what `tar --sort=name` uses inside directories. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Builds one gzipped layer from its entries. */
export async function buildLayer(spec: LayerSpec): Promise<BuiltLayer> {
  const tarBin = requireTool('tar', 'tar');
  const staging = await makeTempDir('lading-layer-');
  try {
    for (const entry of spec.entries) await writeEntry(staging, entry);
    // Name the top-level entries rather than '.', so members have no './' prefix
    // (as docker and buildkit write them); --sort=name orders everything below.
    const top = (await readdir(staging)).sort(byteCompare);
    // GNU tar refuses to create an empty archive; an empty layer is what it
    // would write: end-of-archive zero blocks padded to one 10 KiB record.
    const tar =
      top.length === 0
        ? Buffer.alloc(10240)
        : (
            await runRaw(tarBin, [
              '--create',
              '--file=-',
              '--format=gnu',
              '--sort=name',
              '--owner=0',
              '--group=0',
              '--numeric-owner',
              '--mtime=@0',
              '-C',
              staging,
              '--',
              ...top,
            ])
          ).stdout;
    const blob = gzipSync(tar, { level: 6 });
    return { blob, digest: sha256Digest(blob), size: blob.length, diffId: sha256Digest(tar), tar };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
