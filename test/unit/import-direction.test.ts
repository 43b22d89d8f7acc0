/**
 * The layout's import rules, checked on the source: renderer -> shared <- main;
 * only src-main/electron imports 'electron' (a service that imported it could
 * not run or be tested here); the registry library imports nothing of the app;
 * src-shared needs neither Node nor the DOM.
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imports, ROOT, sources } from './source-imports';

/** Files under `dir` importing something `bad` matches, as `file: specifier`. */
function offenders(dir: string, bad: (specifier: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((file) => imports(file).filter((s) => bad(s, file)).map((s) => `${file}: ${s}`));
}

const resolvesInto = (file: string, specifier: string, target: string) =>
  specifier.startsWith('.') && relative(ROOT, join(ROOT, file, '..', specifier)).startsWith(target);

describe('import direction', () => {
  it('finds the files it checks', () => {
    expect(sources('src-main').length).toBeGreaterThan(50);
    expect(sources('src-renderer').length).toBeGreaterThan(10);
    expect(imports('src-main/registry/index.ts')).toContain('./client');
  });

  it("only src-main/electron imports 'electron'", () => {
    const all = [...offenders('src-main', (s) => s === 'electron'), ...offenders('src-shared', (s) => s === 'electron'), ...offenders('src-renderer', (s) => s === 'electron')];
    expect(all.filter((o) => !o.startsWith('src-main/electron/'))).toEqual([]);
  });

  it('the renderer never imports main', () => {
    expect(offenders('src-renderer', (s, f) => resolvesInto(f, s, 'src-main'))).toEqual([]);
  });

  it('src-shared imports neither main, the renderer, nor Node', () => {
    expect(offenders('src-shared', (s, f) => resolvesInto(f, s, 'src-main') || resolvesInto(f, s, 'src-renderer') || s.startsWith('node:'))).toEqual([]);
  });

  it('the registry library imports nothing of the app', () => {
    expect(offenders('src-main/registry', (s, f) =>
      resolvesInto(f, s, 'src-main/app') || resolvesInto(f, s, 'src-main/web') || resolvesInto(f, s, 'src-main/electron') || resolvesInto(f, s, 'src-shared'))).toEqual([]);
  });

  it('services import neither the hosts nor the renderer', () => {
    expect(offenders('src-main/app', (s, f) =>
      resolvesInto(f, s, 'src-main/web') || resolvesInto(f, s, 'src-main/electron') || resolvesInto(f, s, 'src-renderer'))).toEqual([]);
  });
});
