/**
 * Builds the main-process side into dist/main with esbuild (installed with
 * vite): the Electron entry (main.cjs), its sandboxed preload (preload.cjs:
 * one CommonJS file whose only require is 'electron') and the web bridge
 * (web.cjs). keytar and zstd-napi (native modules) stay external and are
 * loaded from node_modules at run time; so does electron.
 *
 *   tsx scripts/build-main.ts            (npm run build:main)
 */
import { build, type BuildOptions } from 'esbuild';
import { join } from 'node:path';
import { OPERATION_NAMES } from '../src-shared/contract';

export interface BuildMainOptions {
  /** Default: <repo>/dist/main. */
  outDir?: string;
  /** Which bundles; default all three. */
  only?: ('main' | 'preload' | 'web')[];
}

const root = join(import.meta.dirname, '..');

export async function buildMain(options: BuildMainOptions = {}): Promise<string> {
  const outDir = options.outDir ?? join(root, 'dist/main');
  const only = new Set(options.only ?? ['main', 'preload', 'web']);
  const common: BuildOptions = {
    bundle: true,
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'none',
    sourcemap: false,
    absWorkingDir: root,
  };
  const node: BuildOptions = {
    ...common,
    platform: 'node',
    target: 'node20',
    // keytar and zstd-napi are native; ws's optional native helpers are not installed.
    external: ['electron', 'keytar', 'zstd-napi', 'bufferutil', 'utf-8-validate'],
    // Sources are ESM; in the CommonJS bundle the module's folder is __dirname.
    define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  };
  const builds: Promise<unknown>[] = [];
  if (only.has('main')) {
    builds.push(build({ ...node, entryPoints: [join(root, 'src-main/electron/main.ts')], outfile: join(outDir, 'main.cjs') }));
  }
  if (only.has('web')) {
    builds.push(build({ ...node, entryPoints: [join(root, 'src-main/web/main.ts')], outfile: join(outDir, 'web.cjs') }));
  }
  if (only.has('preload')) {
    builds.push(
      build({
        ...common,
        // A sandboxed preload runs in a renderer: browser globals plus a
        // require() that knows only 'electron' and a few others.
        platform: 'browser',
        target: 'chrome120',
        external: ['electron'],
        entryPoints: [join(root, 'src-main/electron/preload.ts')],
        outfile: join(outDir, 'preload.cjs'),
        // The operation names, from the contract, without its schemas (zod).
        define: { __LADING_OPERATION_NAMES__: JSON.stringify(OPERATION_NAMES) },
      }),
    );
  }
  await Promise.all(builds);
  return outDir;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  buildMain().then(
    (dir) => console.log(`built main, preload and web bridge into ${dir}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
