/**
 * `npm install` never fails for want of Electron's download, and a machine
 * that can download still gets the runtime (issue 12, §2).
 *
 * Each test runs the real npm (`npm ci`) in a fresh copy of the project's
 * install machinery: our package.json's scripts and allowScripts, our
 * scripts/, and the electron package at the version our lockfile pins, with
 * its whole dependency tree (@electron/get, extract-zip, ...) as the lockfile
 * resolves it. The rest of our dependencies are left out to keep this a few
 * seconds instead of ~50 (keytar would be compiled); `.ci/run`'s plain `npm ci`
 * of the whole project covers them. Packages come from npm's cache
 * (`--prefer-offline`), else from the npm registry; Electron's download host
 * is never contacted: ELECTRON_MIRROR points at a closed loopback port, or at
 * a loopback stand-in serving a fake runtime (the real one cannot be
 * downloaded here), with electron_config_cache in a temp dir so no real cache
 * is read or written.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, chmod, constants, mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../harness/tmp';
import { freePort, requireTool } from '../harness/tools';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPTS = ['install-electron.mjs', 'electron-runtime.mjs', 'start.mjs'];

interface Lock {
  packages: Record<
    string,
    { version?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } & Record<string, unknown>
  >;
}

let work: string;
let electronVersion: string;

/** The lockfile entries electron needs: its own, and its dependencies' as npm would resolve them (nearest node_modules up). */
function electronSubtree(lock: Lock): Lock['packages'] {
  const packages = lock.packages;
  const keep: Lock['packages'] = {};
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const key = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (packages[key]) return key;
      if (!base) return undefined;
      const up = base.lastIndexOf('/node_modules/');
      base = up < 0 ? '' : base.slice(0, up);
    }
  };
  const walk = (key: string) => {
    if (keep[key]) return;
    keep[key] = packages[key]!;
    const entry = packages[key]!;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolve(key, name);
      if (found) walk(found);
    }
  };
  walk('node_modules/electron');
  return keep;
}

/** A fresh copy of the install machinery in `dir`. */
async function makeProject(dir: string, extraScripts: Record<string, string> = {}): Promise<void> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8'));
  const devDependencies = { electron: pkg.devDependencies.electron };
  const scripts = {
    postinstall: pkg.scripts.postinstall,
    'install-electron': pkg.scripts['install-electron'],
    start: pkg.scripts.start,
    ...extraScripts,
  };
  const project = {
    name: pkg.name,
    version: pkg.version,
    private: true,
    type: pkg.type,
    scripts,
    devDependencies,
    allowScripts: { electron: pkg.allowScripts.electron },
  };
  const root = { ...lock.packages[''], devDependencies, dependencies: undefined };
  await mkdir(join(dir, 'scripts'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify(project, null, 2));
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ ...lock, packages: { '': root, ...electronSubtree(lock) } }, null, 2));
  for (const s of SCRIPTS) await copyFile(join(ROOT, 'scripts', s), join(dir, 'scripts', s));
}

interface Ran {
  code: number | null;
  output: string;
}

/** Runs npm in `cwd` with Electron's knobs set as given and nothing of an outer npm run (its npm_* variables) leaking in. */
function npm(cwd: string, args: string[], env: Record<string, string>): Promise<Ran> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^ELECTRON_|^electron_/i.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  requireTool('npm', 'npm');
  work = await makeTempDir('lading-install-');
  electronVersion = JSON.parse(await readFile(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm ci where Electron cannot be downloaded', () => {
  it('succeeds with a one-line warning saying why, and `npm start` then explains and offers `npm run web`', async () => {
    const dir = join(work, 'offline');
    await makeProject(dir);
    const closed = await freePort(); // free a moment ago, and nothing listens on it
    const env = { ELECTRON_MIRROR: `http://127.0.0.1:${closed}/`, electron_config_cache: join(work, 'offline-cache') };

    const install = await npm(dir, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], env);
    expect(install.code, install.output).toBe(0);
    const warnings = install.output.split('\n').filter((l) => l.includes("Electron's runtime is not installed"));
    expect(warnings).toEqual([
      `warning: Electron's runtime is not installed (the download failed: connect ECONNREFUSED 127.0.0.1:${closed}). ` +
        '`npm run web` runs Lading in a browser; `npm run install-electron` retries the download for `npm start`.',
    ]);
    expect(install.output).not.toMatch(/^\s+at /m); // no stack trace
    // The package is there (its types are needed), its binary is not.
    expect(await exists(join(dir, 'node_modules', 'electron', 'electron.d.ts'))).toBe(true);
    expect(await exists(join(dir, 'node_modules', 'electron', 'path.txt'))).toBe(false);

    const start = await npm(dir, ['start'], env);
    expect(start.code).toBe(1);
    expect(start.output).toContain('the Electron runtime is not installed');
    expect(start.output).toContain('npm run web');

    // Asked for on purpose, a failed download is a failure.
    const retry = await npm(dir, ['run', 'install-electron'], env);
    expect(retry.code).toBe(1);
    expect(retry.output).toContain('the download failed: connect ECONNREFUSED');
  });

  it('says so when ELECTRON_SKIP_BINARY_DOWNLOAD is set', async () => {
    const dir = join(work, 'skip');
    await makeProject(dir);
    const install = await npm(dir, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(install.code, install.output).toBe(0);
    expect(install.output).toContain("warning: Electron's runtime is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set)");
  });
});

describe('npm ci where Electron can be downloaded', () => {
  let server: Server | undefined;
  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('installs the runtime as electron itself does (path.txt, dist/), with ELECTRON_MIRROR honoured, and `npm start` runs it', async () => {
    const python = requireTool('python3', 'python3');
    const dir = join(work, 'online');
    await makeProject(dir, { build: 'node -e ""' });

    // A stand-in runtime: an "electron" executable that records how it was started.
    const stage = join(work, 'stage');
    await mkdir(stage);
    await writeFile(join(stage, 'electron'), `#!/bin/sh\necho "$@" > "${join(work, 'started.txt')}"\n`);
    await chmod(join(stage, 'electron'), 0o755);
    await writeFile(join(stage, 'version'), `v${electronVersion}`);
    const zipName = `electron-v${electronVersion}-linux-${process.arch}.zip`;
    const zip = join(work, zipName);
    await spawnOk(python, ['-m', 'zipfile', '-c', zip, 'electron', 'version'], stage);
    const zipBytes = await readFile(zip);
    const sums = `${createHash('sha256').update(zipBytes).digest('hex')} *${zipName}\n`;

    const requests: string[] = [];
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === `/v${electronVersion}/${zipName}`) res.end(zipBytes);
      else if (req.url === `/v${electronVersion}/SHASUMS256.txt`) res.end(sums);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const env = {
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      // The stand-in's checksum is not in electron's checksums.json: take SHASUMS256.txt from the mirror.
      electron_use_remote_checksums: '1',
      electron_config_cache: join(work, 'online-cache'),
    };

    const install = await npm(dir, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], env);
    expect(install.code, install.output).toBe(0);
    expect(install.output).not.toContain('warning');
    expect(install.output).toContain(`Electron ${electronVersion} is installed`);
    expect(requests).toContain(`/v${electronVersion}/${zipName}`);
    const electronDir = join(dir, 'node_modules', 'electron');
    expect(await readFile(join(electronDir, 'path.txt'), 'utf8')).toBe('electron');
    await access(join(electronDir, 'dist', 'electron'), constants.X_OK);

    const start = await npm(dir, ['start', '--', '--flag'], env);
    expect(start.code, start.output).toBe(0);
    expect((await readFile(join(work, 'started.txt'), 'utf8')).trim()).toBe(`${dir} --flag`);
  });
});

function spawnOk(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err}`))));
  });
}
