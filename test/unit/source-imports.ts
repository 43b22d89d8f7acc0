/**
 * What the import tests read: the project's TypeScript sources and the module
 * specifiers each one imports, read as text (no compiler run: the checks stay
 * fast and need nothing built).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The .ts/.tsx/.mts files under `dir` (relative to the repository), as repository-relative paths. */
export function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|mts)$/.test(entry.name)) out.push(path);
  }
  return out;
}

export interface ImportEdge {
  specifier: string;
  /**
   * `import type` / `export type ... from`: erased when compiled (the project sets
   * verbatimModuleSyntax, so exactly these are), hence never loaded at run time.
   * `import { type X }` still loads the module and is not type-only.
   */
  typeOnly: boolean;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)(\s+type\b)?[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module a file imports or re-exports: static, side-effect only, dynamic and require(). */
export function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({ specifier: (m[2] ?? m[3] ?? m[4] ?? m[5])!, typeOnly: m[1] !== undefined }));
}

/** The module specifiers alone. */
export function imports(file: string): string[] {
  return importsOf(file).map((i) => i.specifier);
}

const CANDIDATES = ['', '.ts', '.tsx', '.mts', '/index.ts', '/index.tsx'];

/**
 * The source file a relative specifier names (`./x` -> `./x.ts`, `./dir` ->
 * `./dir/index.ts`, `./x.js` -> `./x.ts` as TypeScript's resolution does), or
 * undefined when it names none (an asset such as a stylesheet, or a typo).
 */
export function resolveRelative(file: string, specifier: string): string | undefined {
  const base = join(dirname(file), specifier);
  const bases = /\.[cm]?js$/.test(base) ? [base, base.replace(/\.([cm]?)js$/, '.$1ts'), base.replace(/\.js$/, '.tsx')] : [base];
  for (const b of bases) {
    for (const suffix of CANDIDATES) {
      const path = b + suffix;
      if (/\.(ts|tsx|mts)$/.test(path) && existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile()) return path;
    }
  }
  return undefined;
}
