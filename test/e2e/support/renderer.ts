/**
 * The renderer the e2e tests load: built from the current sources with the
 * project's vite config, once per content (a hash of src-renderer,
 * src-shared, vite.config.ts and the lock file), into dist/e2e-renderer/.
 * Test files that build at the same time each build to a temporary folder
 * and the first rename wins.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '../../..');
/** Part of the cache key: change it when the build's options below change. */
const BUILD_FLAVOUR = 'production-2';
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
  const hash = createHash('sha256').update(BUILD_FLAVOUR);
  for (const input of INPUTS) {
    for await (const file of files(join(root, input))) {
      hash
        .update(relative(root, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
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
  // What ships: vitest runs with NODE_ENV=test, and vite would then build React's development
  // flavour (and JSX for it). Production for the time of the build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(root, 'vite.config.ts'),
      root: join(root, 'src-renderer'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir: tmp, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  try {
    await rename(tmp, dir);
  } catch {
    // Another test file finished first: use its build.
    await rm(tmp, { recursive: true, force: true });
  }
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`renderer build did not produce ${dir}/index.html`);
  await pruneOldBuilds(base, dir);
  return dir;
}

/** Builds of older sources, untouched for an hour, go (a build in progress elsewhere is younger). */
async function pruneOldBuilds(base: string, keep: string): Promise<void> {
  const hourAgo = Date.now() - 3600_000;
  for (const name of await readdir(base)) {
    const path = join(base, name);
    if (path === keep) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < hourAgo) await rm(path, { recursive: true, force: true });
  }
}
