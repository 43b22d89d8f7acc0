/**
 * Who gets what from the test token server. Deliberately simple and stated:
 * a known user gets every action asked for on any repository and on
 * `registry:catalog:*`; an anonymous caller gets `pull` on repositories only
 * (or nothing at all when anonymous access is denied).
 */
import type { AccessEntry } from './jwt.js';

/**
 * Parses `type:name:actions`. Names may contain ':' (a host with a port), so
 * the type is the first field and the actions the last.
 */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/** Scopes as given: repeated `scope` query parameters, each possibly space-separated. */
export function splitScopes(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(' ')).filter((s) => s !== '');
}

export function grant(scopes: readonly string[], user: string | undefined): AccessEntry[] {
  const granted: AccessEntry[] = [];
  for (const scope of scopes) {
    const entry = parseScope(scope);
    if (entry === undefined) continue;
    // 'repository(plugin)' style types carry a class; treat them as repositories.
    const type = entry.type.replace(/\(.*\)$/, '');
    let actions: string[];
    if (type === 'repository') {
      actions = user !== undefined ? entry.actions : entry.actions.filter((a) => a === 'pull');
    } else if (type === 'registry' && entry.name === 'catalog') {
      actions = user !== undefined ? entry.actions.filter((a) => a === '*') : [];
    } else {
      actions = [];
    }
    if (actions.length > 0) granted.push({ type: entry.type, name: entry.name, actions });
  }
  return granted;
}
