/**
 * Where the harness puts its temp dirs. distribution's filesystem driver
 * fsyncs every file it writes, so on a disk each manifest PUT costs a few
 * milliseconds of waiting; on tmpfs (/dev/shm) the fixture setup runs about
 * three times faster. LADING_TEST_TMPDIR overrides the choice.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function usable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export function harnessTmpRoot(): string {
  const override = process.env.LADING_TEST_TMPDIR;
  if (override) return override;
  return usable('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** A new, empty temp dir named `<prefix>XXXXXX` under harnessTmpRoot(). */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(harnessTmpRoot(), prefix));
}
