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

/** A stored string; anything else there (an older format, an edit by hand) reads as empty. */
function readString(key: string): string {
  const v = read<unknown>(key, '');
  return typeof v === 'string' ? v : '';
}

/** A stored list of strings, without whatever else it holds. */
function readStrings(key: string): string[] {
  const v = read<unknown>(key, []);
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

const MAX_RECENT = 20;

/** Repositories opened by name on a connection (catalog-less registries show these in the tree). */
export function recentRepositories(connectionId: string): string[] {
  return readStrings(`recent.${connectionId}`);
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
  return readString('lastFolder');
}

export function rememberFolder(path: string): void {
  write('lastFolder', path);
}

/** Import keys the person chose not to import. */
export function dismissedImports(): string[] {
  return readStrings('dismissedImports');
}

export function dismissImports(keys: string[]): void {
  write('dismissedImports', [...new Set([...dismissedImports(), ...keys])]);
}

/** Jobs whose unfinished files (after a crash) the person chose to keep: not offered for removal again. */
export function dismissedLeftovers(): string[] {
  return readStrings('dismissedLeftovers');
}

export function dismissLeftovers(jobIds: string[]): void {
  // Job ids are unique to one job: the list only grows by what a crash left, and is trimmed to the newest.
  write('dismissedLeftovers', [...new Set([...dismissedLeftovers(), ...jobIds])].slice(-200));
}

/** The connection last mirrored to. */
export function lastMirrorTarget(): string {
  return readString('lastMirrorTarget');
}

export function rememberMirrorTarget(connectionId: string): void {
  write('lastMirrorTarget', connectionId);
}
