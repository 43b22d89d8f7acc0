#!/usr/bin/env node
// `npm start`: builds the renderer and the main process, then opens the
// desktop app in Electron. Where the Electron runtime is not installed (its
// download failed during `npm install`, or ELECTRON_SKIP_BINARY_DOWNLOAD was
// set), it says so and points to `npm run web`, which runs the same app in a
// browser.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary, root } from './electron-runtime.mjs';

const NO_ELECTRON = `
Lading's desktop app cannot start here: the Electron runtime is not installed.
(\`npm install\` downloads it after the packages; that download was skipped
(ELECTRON_SKIP_BINARY_DOWNLOAD) or could not reach Electron's download host.
On a connected machine, \`npm run install-electron\` fetches it.)

Run the same app in a browser instead:

  npm run web

It prints a http://127.0.0.1 URL to open.
`;

function noElectron(detail) {
  console.error(NO_ELECTRON.trimEnd() + (detail ? `\n\n(${detail})` : '') + '\n');
  process.exit(1);
}

const binary = electronBinary();
if (!binary) noElectron();

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
child.on('error', (err) => noElectron(`starting ${binary} failed: ${err.message}`));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 0);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
