// Where the Electron runtime is, as the electron package itself finds it:
// `require('electron')` answers the executable's path from
// node_modules/electron/path.txt (and dist/, or ELECTRON_OVERRIDE_DIST_PATH),
// and throws when the binary was never downloaded. Shared by `npm start`
// (scripts/start.mjs) and the install step (scripts/install-electron.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The electron package's folder, or undefined when the package is not installed (e.g. `npm ci --omit=dev`). */
export function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** The Electron executable, or undefined when the binary is not there. */
export function electronBinary() {
  const dir = electronPackageDir();
  if (!dir) return undefined;
  try {
    // A fresh read: the install step asks again after the download.
    delete require.cache[require.resolve('electron')];
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    // The electron package throws when its binary is missing ("Electron failed to install correctly").
    return undefined;
  }
}
