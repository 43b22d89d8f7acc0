/**
 * The one naming scheme for temporaries:
 *
 *     .<final name>.lading-tmp-<owner>-<random>
 *
 * made beside the final name (the same directory, so the rename that
 * publishes it is atomic). A temporary is hidden (the leading dot), says what
 * it will become, and carries TEMP_MARKER and its owner, so the temporaries a
 * crash leaves behind can be found and removed later. Files end in 8 hex
 * digits, folders in mkdtemp's six letters and digits.
 *
 * `<owner>` is `<host>-<pid>-<start>`, the process that made it (owner.ts).
 * The rule for removing one (stale-temporaries.ts), which every sweep follows:
 * - only a plain file or folder, with one of the names below, owned by this
 *   user; never a symlink, never anything else;
 * - with an owner: only when that process is known to have gone (a crash, a
 *   kill); never while it runs, here or in another Lading process, and never
 *   when it cannot be told (another host or pid namespace);
 * - without an owner (the names of earlier versions, LEGACY below, which
 *   cannot say who made them): only when untouched for a day.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatOwner, parseOwner, thisOwner, type TemporaryOwner } from './owner';

export const TEMP_MARKER = '.lading-tmp-';

const OWNED = /^\.(.+)\.lading-tmp-([0-9a-f]{6}-[1-9][0-9]{0,9}-[0-9a-z]{1,13})-[A-Za-z0-9]{6,16}$/;
/** The scheme before owners were named (`.<final>.lading-tmp-<random>`). */
const OWNERLESS = /^\.(.+)\.lading-tmp-[A-Za-z0-9]+$/;

/**
 * Names of earlier versions, before the one scheme; none says who made it.
 * Each is specific enough to be nobody else's: a Lading marker, or a digest-named layer or blob.
 */
const LEGACY: readonly RegExp[] = [
  // extraction and new-layout folders
  /^\.(.+)\.lading-(?:extract|layout)-[A-Za-z0-9]{6}$/,
  // an extraction's store of hidden files, beside its folder
  /^\.(\..+\.lading-extract-[A-Za-z0-9]{6})\.hidden-[A-Za-z0-9]{6}$/,
  // layer files
  /^\.([0-9a-f]{64}\.(?:tar|tar\.gz|tar\.zst|blob))\.partial-[0-9a-f]{8}$/,
  // blobs of an OCI layout
  /^\.([0-9a-f]{64})\.tmp-[0-9a-f]{8}$/,
  // any file of an OCI layout, by its first writer: the name says nothing of the final one (an empty group)
  /^\.lading-tmp-()[0-9a-f]{16}$/,
];

export interface TemporaryName {
  /**
   * The name it was to be renamed to; for a temporary of a temporary (an extraction's hidden files), that
   * temporary's name; '' when the name does not say (one earlier scheme).
   */
  finalName: string;
  /** The owner token as written in the name; absent for the earlier schemes. */
  ownerToken?: string;
  owner?: TemporaryOwner;
}

/** A fresh temporary file name for `finalPath`, in its directory. */
export function temporaryPath(finalPath: string): string {
  return join(dirname(finalPath), `${prefixFor(finalPath)}${randomBytes(4).toString('hex')}`);
}

/** Creates a private (0700) temporary folder for `finalPath`, in its parent, and answers its path. */
export function makeTemporaryFolder(finalPath: string): Promise<string> {
  return mkdtemp(join(dirname(finalPath), prefixFor(finalPath)));
}

function prefixFor(finalPath: string): string {
  return `.${basename(finalPath)}${TEMP_MARKER}${formatOwner(thisOwner())}-`;
}

/** Is `name` (a file or folder name, not a path) one of our temporaries, by the current scheme? */
export function isTemporaryName(name: string): boolean {
  return !name.includes('/') && (OWNED.test(name) || OWNERLESS.test(name));
}

/** What a temporary's name says: what it was to become, and who made it. Undefined for any other name (earlier schemes included). */
export function parseTemporaryName(name: string): TemporaryName | undefined {
  if (name.includes('/') || name.includes('\\')) return undefined;
  const owned = OWNED.exec(name);
  if (owned) {
    const owner = parseOwner(owned[2]!);
    if (owner) return { finalName: owned[1]!, ownerToken: owned[2]!, owner };
  }
  for (const pattern of [OWNERLESS, ...LEGACY]) {
    const m = pattern.exec(name);
    if (m) return { finalName: m[1]! };
  }
  return undefined;
}

/** Is the temporary `name` (parsed) one made for a file or folder called one of `finals` (directly, or as a temporary of one of them)? */
export function isTemporaryFor(parsed: TemporaryName, finals: readonly string[], depth = 3): boolean {
  if (finals.includes(parsed.finalName)) return true;
  if (depth <= 0) return false;
  const outer = parseTemporaryName(parsed.finalName);
  return outer !== undefined && isTemporaryFor(outer, finals, depth - 1);
}
