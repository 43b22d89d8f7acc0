/**
 * No import circles in src-main, src-shared or src-renderer. In a circle one
 * module runs before the other has finished loading: what it imports is still
 * undefined at that moment, or works only when something else happened to be
 * imported first (an import-order trap). Type-only imports are left out: they
 * are erased when compiled and never load anything.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, resolveRelative, sources } from './source-imports';

type Graph = Map<string, string[]>;

/** Each source file and the source files it loads at run time (relative imports only: packages cannot import us back). */
function moduleGraph(dirs: string[]): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const file of dirs.flatMap(sources)) {
    const deps: string[] = [];
    for (const { specifier, typeOnly } of importsOf(file)) {
      if (typeOnly || !specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      if (target) deps.push(target);
      // Stylesheets and other assets have no imports; anything else unresolved would hide edges.
      else if (!/\.(css|svg|png|json)$/.test(specifier)) unresolved.push(`${file}: ${specifier}`);
    }
    graph.set(file, deps);
  }
  return { graph, unresolved };
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan's algorithm). */
function circles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One concrete circle through a component's first file, `a -> b -> a`, for the failure message (breadth-first: the shortest). */
function describeCircle(graph: Graph, component: string[]): string {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start].join(' -> ');
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

function importCircles(dirs: string[]): string[] {
  const { graph } = moduleGraph(dirs);
  return circles(graph).map((c) => describeCircle(graph, c));
}

describe('import cycles', () => {
  it('reads the imports it checks', () => {
    const { graph, unresolved } = moduleGraph(['src-main', 'src-shared', 'src-renderer']);
    expect(unresolved).toEqual([]);
    expect(graph.get('src-renderer/components/layout/App.tsx')).toContain('src-renderer/components/layout/ReferenceBar.tsx');
    expect(graph.get('src-main/registry/index.ts')).toContain('src-main/registry/client.ts');
  });

  it('finds a circle when there is one', () => {
    const graph: Graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(
      circles(graph)
        .map((c) => describeCircle(graph, c))
        .sort(),
    ).toEqual(['a.ts -> b.ts -> c.ts -> a.ts', 'e.ts -> e.ts']);
  });

  it('the renderer has none', () => {
    expect(importCircles(['src-renderer', 'src-shared'])).toEqual([]);
  });

  it('main and the shared contract have none', () => {
    expect(importCircles(['src-main', 'src-shared'])).toEqual([]);
  });
});
