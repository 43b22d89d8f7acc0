/** Token scopes, as the distribution token spec names them. */

export type Action = 'pull' | 'push' | 'delete' | '*';

export function repositoryScope(repository: string, actions: Action[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

/** Merges scope lists, keeping the order of first appearance (push scopes must come first). */
export function mergeScopes(...lists: string[][]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const s of list) if (!out.includes(s)) out.push(s);
  return out;
}

/** Identity of a scope set for the token cache: order matters to some token servers, so it is kept. */
export function scopeKey(scopes: string[]): string {
  return scopes.join(' ');
}
