/**
 * The one naming scheme for temporaries: `.<final name>.lading-tmp-<random>`,
 * made beside the final name (the same directory, so the rename that
 * publishes it is atomic). A temporary is hidden (the leading dot), says what
 * it will become, and carries TEMP_MARKER, so the temporaries a crash leaves
 * behind can be found and removed later. Files end in hex, folders in
 * mkdtemp's six letters and digits.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const TEMP_MARKER = '.lading-tmp-';

const TEMPORARY_NAME = /^\..+\.lading-tmp-[A-Za-z0-9]+$/;

/** A fresh temporary file name for `finalPath`, in its directory. */
export function temporaryPath(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
}

/** Creates a private (0700) temporary folder for `finalPath`, in its parent, and answers its path. */
export function makeTemporaryFolder(finalPath: string): Promise<string> {
  return mkdtemp(join(dirname(finalPath), `.${basename(finalPath)}${TEMP_MARKER}`));
}

/** Is `name` (a file or folder name, not a path) one of our temporaries? */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}
