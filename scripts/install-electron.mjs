#!/usr/bin/env node
// Fetches the Electron runtime after `npm install` / `npm ci` (our
// "postinstall"), so that a machine that cannot reach Electron's download
// host still gets a working install: the browser version (`npm run web`),
// the tests and the type-check need nothing more.
//
// package.json's allowScripts keeps npm from running the electron package's
// own install script (`node install.js`), whose failure would fail the whole
// install. This runs that same script, in the same environment, so every
// knob it and @electron/get read still works (ELECTRON_SKIP_BINARY_DOWNLOAD,
// ELECTRON_MIRROR, electron_config_cache, ELECTRON_GET_USE_PROXY and the
// proxy variables, npm_config_arch/platform...), and turns its failure into
// one line of warning. `npm start` then says what is missing.
//
//   node scripts/install-electron.mjs            never fails the install
//   node scripts/install-electron.mjs --strict   exits 1 when the runtime is missing (`npm run install-electron`)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, electronPackageDir } from './electron-runtime.mjs';

const strict = process.argv.includes('--strict');
const dir = electronPackageDir();
// `npm ci --omit=dev`: no electron package, nothing to fetch.
if (!dir) process.exit(0);

if (electronBinary()) process.exit(0);

const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const skipped = !!process.env.ELECTRON_SKIP_BINARY_DOWNLOAD;
if (!skipped) console.log(`Downloading the Electron ${version} runtime for \`npm start\` (about 100 MB)...`);

const outcome = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(dir, 'install.js')], { cwd: dir, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    // install.js prints a whole stack trace on failure; keep the start for the reason.
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  child.on('error', (err) => resolve({ code: 1, stderr: err.message }));
  child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, stderr }));
});

if (electronBinary()) {
  if (outcome.stderr.trim()) process.stderr.write(outcome.stderr);
  console.log(`Electron ${version} is installed: \`npm start\` opens the desktop app.`);
  process.exit(0);
}

const why = skipped
  ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
  : outcome.code === 0
    ? 'its install script finished without it'
    : `the download failed: ${firstLine(outcome.stderr) || (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`)}`;
console.warn(
  `warning: Electron's runtime is not installed (${why}). \`npm run web\` runs Lading in a browser; ` +
    '`npm run install-electron` retries the download for `npm start`.',
);
process.exit(strict ? 1 : 0);

/** The error's first line, without a URL's user:password, clipped. */
function firstLine(text) {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('at ')) ?? '';
  const clean = line.replace(/\/\/[^/@\s]*@/g, '//').replace(/^(Request)?Error: /, '');
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean;
}
