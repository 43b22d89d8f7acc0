/**
 * Bundles a child script and the library it imports (from the working tree,
 * as it is now) into one ESM file under .bench-cache/bundles/, with npm
 * packages left as imports. The child then runs on plain Node: no tsx loader
 * in the process whose time and memory are measured. (tsx alone brings Node's
 * peak RSS from ~41 MB to ~89 MB here, which would drown the library's own.)
 * esbuild comes with tsx.
 */
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cacheDir, repoRoot } from './paths.js';

export async function bundleChild(name: string): Promise<string> {
  const entry = join(repoRoot, 'bench', 'children', `${name}.ts`);
  const outDir = join(cacheDir, 'bundles');
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(name)}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}
