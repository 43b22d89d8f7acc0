/**
 * How the two hosts start from the command line: `npm run web`'s entry
 * (src-main/web/main.ts) prints a loopback URL with the token and serves
 * until stopped; `npm start` says plainly that Electron cannot run here and
 * points to `npm run web` (the Electron binary is never downloaded on these
 * machines; ELECTRON_OVERRIDE_DIST_PATH makes that so on any machine).
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../harness/tmp';
import { rawGet } from './helpers';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

let work: string;
beforeAll(async () => {
  work = await makeTempDir('lading-web-cli-');
  await mkdir(join(work, 'renderer'));
  await writeFile(join(work, 'renderer', 'index.html'), '<!doctype html><title>Lading</title>\n');
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('npm run web', () => {
  it('prints the URL to open, serves it on 127.0.0.1, and stops on SIGTERM', async () => {
    const web = run(TSX, ['src-main/web/main.ts', '--renderer-dir', join(work, 'renderer'), '--data-dir', join(work, 'data')]);
    try {
      await expect.poll(() => web.out(), { timeout: 30_000 }).toMatch(/#token=/);
      const url = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})/.exec(web.out());
      expect(url, web.out() + web.err()).not.toBeNull();
      expect(web.out()).toContain(`Data folder: ${join(work, 'data')}`);
      const port = Number(url![1]);
      const page = await rawGet(port, '/', { Host: `127.0.0.1:${port}` });
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    } finally {
      web.child.kill('SIGTERM');
    }
    expect(await web.exited).toBe(0);
  });

  it('says how to build the renderer when it is missing, and refuses a bad port', async () => {
    const missing = run(TSX, ['src-main/web/main.ts', '--renderer-dir', join(work, 'nothing'), '--data-dir', join(work, 'data')]);
    expect(await missing.exited).toBe(2);
    expect(missing.err()).toMatch(/renderer is not built.*npm run build:renderer/);
    const badPort = run(TSX, ['src-main/web/main.ts', '--port', '70000', '--renderer-dir', join(work, 'renderer')]);
    expect(await badPort.exited).toBe(2);
    expect(badPort.err()).toContain('--port must be a port number');
  });
});

describe('npm start', () => {
  it('says plainly that the Electron runtime is missing and points to npm run web', async () => {
    const start = run(process.execPath, ['scripts/start.mjs'], {
      ...process.env,
      ELECTRON_OVERRIDE_DIST_PATH: join(work, 'no-electron-here'),
    });
    expect(await start.exited).toBe(1);
    expect(start.err()).toContain('the Electron runtime is not installed');
    expect(start.err()).toContain('npm run web');
  });
});
