/**
 * The renderer the e2e tests load: built from the current sources with the
 * project's vite config, once per content (a hash of src-renderer,
 * src-shared, vite.config.ts and the lock file), into dist/e2e-renderer/.
 * Test files that build at the same time each build to a temporary folder
 * and the first rename wins.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const INPUTS = ['src-renderer', 'src-shared', 'vite.config.ts', 'package-lock.json', 'tsconfig.renderer.json'];

async function* files(path: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOTDIR') {
      yield path;
      return;
    }
    if ((err as { code?: string }).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) yield* files(join(path, e.name));
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for await (const file of files(join(root, input))) {
      hash.update(relative(root, file)).update('\0').update(await readFile(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The folder holding index.html and assets/ for the current sources. */
export async function ensureRendererBuilt(): Promise<string> {
  const base = join(root, 'dist', 'e2e-renderer');
  const dir = join(base, await sourceHash());
  if (existsSync(join(dir, 'index.html'))) return dir;
  await mkdir(base, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  const { build } = await import('vite');
  await build({
    configFile: join(root, 'vite.config.ts'),
    root: join(root, 'src-renderer'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  });
  try {
    await rename(tmp, dir);
  } catch {
    // Another test file finished first: use its build.
    await rm(tmp, { recursive: true, force: true });
  }
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`renderer build did not produce ${dir}/index.html`);
  return dir;
}
