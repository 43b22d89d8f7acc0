/**
 * diffImages(): what differs between two images: their layers (by digest),
 * the parts of their configs that change how a container runs, and their
 * flattened filesystems, path by path. Layers the two share are read once.
 */
import type { Image } from '../image';
import type { ConfigFile, ContainerConfig } from '../types';
import type { LayerIndex } from './layer-index';
import { indexLayers, reportCached } from './layer-indexes';
import { applyLayers, cachedView, keepView } from './list';
import { comparePaths } from './paths';
import type { ImageFileEntry, ImageFileType, ListFilesOptions } from './types';

export type ConfigField = 'env' | 'cmd' | 'entrypoint' | 'user' | 'workingDir' | 'labels' | 'exposedPorts';

/** A config value as compared: exposed ports as their sorted keys (`80/tcp`), an empty value as null. */
export type ConfigValue = string | string[] | Record<string, string> | null;

export interface ConfigChange {
  field: ConfigField;
  a: ConfigValue;
  b: ConfigValue;
}

export interface DiffFile {
  path: string;
  type: ImageFileType;
  size: number;
}

export interface FileState {
  type: ImageFileType;
  size: number;
}

/** A path both images have, with a different type, size, mode, link target or content. */
export interface ChangedFile {
  path: string;
  a: FileState;
  b: FileState;
}

export interface ImageDiff {
  /** Layer digests: in both (in a's order), only in a, only in b. */
  layers: { shared: string[]; onlyA: string[]; onlyB: string[] };
  config: ConfigChange[];
  /** Each list sorted by path; `added` is in b only, `removed` in a only. */
  files: { added: DiffFile[]; removed: DiffFile[]; changed: ChangedFile[] };
  /** Sum of the layers' (compressed) sizes, as the manifests give them. */
  sizeA: number;
  sizeB: number;
}

export async function diffImages(a: Image, b: Image, opts: ListFilesOptions = {}): Promise<ImageDiff> {
  const { signal } = opts;
  const [configA, configB] = await Promise.all([a.getConfig(signal ? { signal } : {}), b.getConfig(signal ? { signal } : {})]);
  const [cachedA, cachedB] = await Promise.all([cachedView(a, opts), cachedView(b, opts)]);
  // The layers of both images that need indexing, in one call: those they share are read once.
  const toIndex = [...(cachedA ? [] : a.layers), ...(cachedB ? [] : b.layers)];
  if (toIndex.length === 0) reportCached([...a.layers, ...b.layers], opts.onProgress);
  const indexes = toIndex.length > 0 ? await indexLayers(toIndex, opts) : new Map<string, LayerIndex>();
  const filesA = (cachedA?.view() ?? (await keepView(a, applyLayers(a, indexes), opts))).files;
  const filesB = (cachedB?.view() ?? (await keepView(b, applyLayers(b, indexes), opts))).files;
  return {
    layers: compareLayers(a, b),
    config: compareConfigs(configA, configB),
    files: compareEntries(filesA.entries, filesB.entries),
    sizeA: a.layers.reduce((sum, l) => sum + l.size, 0),
    sizeB: b.layers.reduce((sum, l) => sum + l.size, 0),
  };
}

function compareLayers(a: Image, b: Image): ImageDiff['layers'] {
  const inA = new Set(a.layers.map((l) => l.digest));
  const inB = new Set(b.layers.map((l) => l.digest));
  return {
    shared: [...inA].filter((d) => inB.has(d)),
    onlyA: [...inA].filter((d) => !inB.has(d)),
    onlyB: [...inB].filter((d) => !inA.has(d)),
  };
}

const CONFIG_FIELDS: [ConfigField, (c: ContainerConfig) => unknown][] = [
  ['env', (c) => c.Env],
  ['cmd', (c) => c.Cmd],
  ['entrypoint', (c) => c.Entrypoint],
  ['user', (c) => c.User],
  ['workingDir', (c) => c.WorkingDir],
  ['labels', (c) => c.Labels],
  ['exposedPorts', (c) => (c.ExposedPorts && typeof c.ExposedPorts === 'object' ? Object.keys(c.ExposedPorts).sort() : undefined)],
];

function compareConfigs(a: ConfigFile, b: ConfigFile): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const [field, pick] of CONFIG_FIELDS) {
    const valueA = configValue(pick(a.config ?? {}));
    const valueB = configValue(pick(b.config ?? {}));
    if (canonical(valueA) !== canonical(valueB)) changes.push({ field, a: valueA, b: valueB });
  }
  return changes;
}

/** A config's value as compared; anything a config should not hold there (a number, nested objects) as its JSON text. */
function configValue(value: unknown): ConfigValue {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return null;
    return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return JSON.stringify(value);
}

/** JSON with object keys sorted: labels in another order are the same labels. */
function canonical(value: ConfigValue): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return JSON.stringify(
      Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]),
    );
  }
  return JSON.stringify(value);
}

/** Both lists are sorted by path: one merge pass. */
function compareEntries(a: readonly ImageFileEntry[], b: readonly ImageFileEntry[]): ImageDiff['files'] {
  const added: DiffFile[] = [];
  const removed: DiffFile[] = [];
  const changed: ChangedFile[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : comparePaths(x.path, y.path);
    if (order < 0 && x) {
      removed.push({ path: x.path, type: x.type, size: x.size });
      i++;
    } else if (order > 0 && y) {
      added.push({ path: y.path, type: y.type, size: y.size });
      j++;
    } else if (x && y) {
      if (!sameFile(x, y)) changed.push({ path: x.path, a: { type: x.type, size: x.size }, b: { type: y.type, size: y.size } });
      i++;
      j++;
    }
  }
  return { added, removed, changed };
}

/** Owners and times are left out: a rebuild changes every mtime, and the content is what matters. */
function sameFile(x: ImageFileEntry, y: ImageFileEntry): boolean {
  return (
    x.type === y.type &&
    x.size === y.size &&
    x.mode === y.mode &&
    (x.linkname ?? '') === (y.linkname ?? '') &&
    (x.sha256 ?? '') === (y.sha256 ?? '')
  );
}
