/**
 * The layout's import rules, checked on the source: renderer -> shared <- main;
 * only src-main/electron imports 'electron' (a service that imported it could
 * not run or be tested here); the registry library imports nothing of the app,
 * and of src-shared only import-free modules listed here; src-shared needs
 * neither Node nor the DOM.
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imports, ROOT, sources } from './source-imports';

/** Files under `dir` importing something `bad` matches, as `file: specifier`. */
function offenders(dir: string, bad: (specifier: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((file) =>
    imports(file)
      .filter((s) => bad(s, file))
      .map((s) => `${file}: ${s}`),
  );
}

/** A relative specifier as a path from the repository root, without an extension. */
const resolved = (file: string, specifier: string) => relative(ROOT, join(ROOT, file, '..', specifier));

const resolvesInto = (file: string, specifier: string, target: string) =>
  specifier.startsWith('.') && resolved(file, specifier).startsWith(target);

/**
 * The one exception to "the library imports nothing of src-shared": modules of
 * plain data and functions with no imports of their own, so the library stays
 * usable on its own and the renderer and the library share one list.
 */
const LIBRARY_MAY_IMPORT = ['src-shared/docker-hub.ts'];

describe('import direction', () => {
  it('finds the files it checks', () => {
    expect(sources('src-main').length).toBeGreaterThan(50);
    expect(sources('src-renderer').length).toBeGreaterThan(10);
    expect(imports('src-main/registry/index.ts')).toContain('./client');
  });

  it("only src-main/electron imports 'electron'", () => {
    const all = [
      ...offenders('src-main', (s) => s === 'electron'),
      ...offenders('src-shared', (s) => s === 'electron'),
      ...offenders('src-renderer', (s) => s === 'electron'),
    ];
    expect(all.filter((o) => !o.startsWith('src-main/electron/'))).toEqual([]);
  });

  it('the renderer never imports main', () => {
    expect(offenders('src-renderer', (s, f) => resolvesInto(f, s, 'src-main'))).toEqual([]);
  });

  it('src-shared imports neither main, the renderer, nor Node', () => {
    expect(
      offenders('src-shared', (s, f) => resolvesInto(f, s, 'src-main') || resolvesInto(f, s, 'src-renderer') || s.startsWith('node:')),
    ).toEqual([]);
  });

  it('the registry library imports nothing of the app, and of src-shared only the import-free modules listed', () => {
    expect(
      offenders(
        'src-main/registry',
        (s, f) =>
          resolvesInto(f, s, 'src-main/app') ||
          resolvesInto(f, s, 'src-main/web') ||
          resolvesInto(f, s, 'src-main/electron') ||
          (resolvesInto(f, s, 'src-shared') && !LIBRARY_MAY_IMPORT.includes(`${resolved(f, s)}.ts`)),
      ),
    ).toEqual([]);
  });

  it('the src-shared modules the library may import import nothing, and the library does use them', () => {
    const used = new Set(
      sources('src-main/registry').flatMap((f) =>
        imports(f)
          .filter((s) => s.startsWith('.'))
          .map((s) => `${resolved(f, s)}.ts`),
      ),
    );
    for (const file of LIBRARY_MAY_IMPORT) {
      expect(imports(file), file).toEqual([]);
      expect(used.has(file), `${file} is listed but unused`).toBe(true);
    }
  });

  it('services import neither the hosts nor the renderer', () => {
    expect(
      offenders(
        'src-main/app',
        (s, f) => resolvesInto(f, s, 'src-main/web') || resolvesInto(f, s, 'src-main/electron') || resolvesInto(f, s, 'src-renderer'),
      ),
    ).toEqual([]);
  });
});
