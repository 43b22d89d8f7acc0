/** Small UI preferences kept in localStorage (never a secret). Failing storage is not an error. */

function read<T>(key: string, fallback: T): T {
  try {
    const text = localStorage.getItem(`lading.${key}`);
    return text === null ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(`lading.${key}`, JSON.stringify(value));
  } catch {
    // Storage may be full or disabled.
  }
}

const MAX_RECENT = 20;

/** Repositories opened by name on a connection (catalog-less registries show these in the tree). */
export function recentRepositories(connectionId: string): string[] {
  const list = read<unknown>(`recent.${connectionId}`, []);
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
}

export function rememberRepository(connectionId: string, repository: string): string[] {
  const next = [repository, ...recentRepositories(connectionId).filter((r) => r !== repository)].slice(0, MAX_RECENT);
  write(`recent.${connectionId}`, next);
  return next;
}

export function forgetRepository(connectionId: string, repository: string): string[] {
  const next = recentRepositories(connectionId).filter((r) => r !== repository);
  write(`recent.${connectionId}`, next);
  return next;
}

/** The folder last used for a save, extract or layout. */
export function lastFolder(): string {
  const v = read<unknown>('lastFolder', '');
  return typeof v === 'string' ? v : '';
}

export function rememberFolder(path: string): void {
  write('lastFolder', path);
}

/** Import keys the person chose not to import. */
export function dismissedImports(): string[] {
  const v = read<unknown>('dismissedImports', []);
  return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
}

export function dismissImports(keys: string[]): void {
  write('dismissedImports', [...new Set([...dismissedImports(), ...keys])]);
}

/** The connection last mirrored to. */
export function lastMirrorTarget(): string {
  const v = read<unknown>('lastMirrorTarget', '');
  return typeof v === 'string' ? v : '';
}

export function rememberMirrorTarget(connectionId: string): void {
  write('lastMirrorTarget', connectionId);
}
