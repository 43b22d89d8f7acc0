/**
 * Finding the temporaries in a folder, telling the stale ones (a crash's
 * leftovers) from those of a job still running, and removing the stale ones,
 * by the rule written beside the name scheme (temporary.ts): only a plain file
 * or folder of this user with one of our names; with an owner, only when that
 * process has gone; without one, only when untouched for a day.
 */
import { lstatSync, opendirSync, type Dir } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../error-code';
import { ownerStatus } from './owner';
import { removeTree } from './remove-tree';
import { isTemporaryFor, parseTemporaryName, type TemporaryName } from './temporary';

/** A temporary whose name says nothing of its owner counts as stale once untouched for this long. */
export const OWNERLESS_STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Entries measured between two turns of the event loop. */
const YIELD_EVERY = 2000;

/** Temporaries listed from one folder at most: far above what jobs leave; the rest wait for the next sweep. */
const MAX_FOUND = 10_000;

export interface FoundTemporary extends TemporaryName {
  path: string;
  kind: 'file' | 'folder';
  modifiedAt: Date;
  /** Identity when found: a removal checks that the path still names the same file. */
  readonly dev: number;
  readonly ino: number;
}

export interface FindTemporariesOptions {
  /** Only the temporaries of these final names (a temporary of one of their temporaries too). Default: every one. */
  names?: readonly string[];
  /** Only those whose name carries this owner token (owner.ts). */
  ownerToken?: string;
  signal?: AbortSignal | undefined;
}

/** Our temporaries directly in `dir` (not below it); none when `dir` does not exist. */
export async function findTemporaries(dir: string, opts: FindTemporariesOptions = {}): Promise<FoundTemporary[]> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const found: FoundTemporary[] = [];
  // A folder of a million files is read as a stream, never whole.
  for await (const entry of handle) {
    opts.signal?.throwIfAborted();
    const parsed = parseTemporaryName(entry.name);
    if (!parsed) continue;
    if (opts.ownerToken !== undefined && parsed.ownerToken !== opts.ownerToken) continue;
    if (opts.names && !isTemporaryFor(parsed, opts.names)) continue;
    const temporary = await inspect(join(dir, entry.name), parsed);
    if (temporary) found.push(temporary);
    if (found.length >= MAX_FOUND) break;
  }
  return found;
}

/** The entry as a temporary of ours: a plain file or folder of this user; undefined for anything else. */
async function inspect(path: string, parsed: TemporaryName): Promise<FoundTemporary | undefined> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    // Gone meanwhile (its job finished, or another sweep took it).
    return undefined;
  }
  if (!info.isFile() && !info.isDirectory()) return undefined;
  if (process.getuid && info.uid !== process.getuid()) return undefined;
  return { ...parsed, path, kind: info.isDirectory() ? 'folder' : 'file', modifiedAt: info.mtime, dev: info.dev, ino: info.ino };
}

/** Why a temporary is stale (`owner-gone`, `untouched`), or undefined while it may still be in use. */
export async function staleReason(temporary: FoundTemporary, now = Date.now()): Promise<'owner-gone' | 'untouched' | undefined> {
  if (temporary.owner) return (await ownerStatus(temporary.owner)) === 'dead' ? 'owner-gone' : undefined;
  return now - temporary.modifiedAt.getTime() > OWNERLESS_STALE_AFTER_MS ? 'untouched' : undefined;
}

/**
 * Removes a temporary found earlier, after checking that its path still names
 * the same file or folder of ours (a symlink or another file put there since is
 * left alone). Answers false when it was not there any more.
 */
export async function removeTemporary(temporary: FoundTemporary): Promise<boolean> {
  const now = await inspect(temporary.path, temporary);
  if (!now || now.dev !== temporary.dev || now.ino !== temporary.ino || now.kind !== temporary.kind) return false;
  await removeTree(temporary.path);
  return true;
}

export interface SweepResult {
  removed: FoundTemporary[];
  /** Stale ones that could not be removed, with why. */
  failed: { path: string; error: unknown }[];
}

/** Removes the stale temporaries directly in `dir` (see the rule above); those of running jobs stay. */
export async function removeStaleTemporaries(dir: string, opts: Omit<FindTemporariesOptions, 'ownerToken'> = {}): Promise<SweepResult> {
  const result: SweepResult = { removed: [], failed: [] };
  for (const temporary of await findTemporaries(dir, opts)) {
    opts.signal?.throwIfAborted();
    if (!(await staleReason(temporary))) continue;
    try {
      if (await removeTemporary(temporary)) result.removed.push(temporary);
    } catch (error) {
      result.failed.push({ path: temporary.path, error });
    }
  }
  return result;
}

export interface DiskUsage {
  /** The sum of the file sizes found. */
  bytes: number;
  /** False when the walk stopped at its budget of entries: `bytes` is then a lower bound. */
  complete: boolean;
}

/**
 * The bytes below a file or folder (sizes as listed, symlinks not followed),
 * reading at most `budget.entries` entries; the budget is shared by the calls
 * given the same one, so measuring many temporaries stays bounded.
 */
export async function diskUsage(path: string, budget: { entries: number }): Promise<DiskUsage> {
  let bytes = 0;
  budget.entries -= 1;
  const top = await lstat(path).catch(() => undefined);
  if (!top?.isDirectory()) return { bytes: top?.isFile() ? top.size : 0, complete: true };
  const folders = [path];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let dir: Dir;
    try {
      dir = opendirSync(folder);
    } catch {
      continue; // An unreadable folder counts as empty.
    }
    try {
      for (let entry = dir.readSync(), n = 1; entry !== null; entry = dir.readSync(), n++) {
        if (budget.entries <= 0) return { bytes, complete: false };
        budget.entries -= 1;
        const child = join(folder, entry.name);
        if (entry.isDirectory()) folders.push(child);
        else if (entry.isFile()) bytes += lstatSync(child, { throwIfNoEntry: false })?.size ?? 0;
        // Synchronous calls are several times faster than a promise per file; the event loop gets
        // its turn every few thousand of them, so measuring a big tree holds up nothing for long.
        if (n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      dir.closeSync();
    }
  }
  return { bytes, complete: true };
}
