/**
 * Which entries of lower layers survive, decided while walking the layers
 * newest first (as go-containerregistry's mutate.Extract does), so each
 * layer is read once and nothing has to be held back.
 *
 * Every fact is stored with the index of the layer that established it, and
 * only hides entries of layers strictly below it: the OCI spec says whiteouts
 * apply to lower layers only, and an entry may appear in the same layer as a
 * whiteout for it, in any order. Walking newest first, the first layer to set
 * a fact is the highest one, which is the only one that matters.
 */
import { ancestorsOf, ROOT } from './paths';

export class Visibility {
  /** path -> highest layer that put something at the path or deleted it. */
  private readonly hideSelf = new Map<string, number>();
  /** path -> highest layer that hid everything below the path (whiteout, opaque marker, non-directory). */
  private readonly hideBelow = new Map<string, number>();
  /**
   * path -> highest layer with an entry below the path. That layer had a
   * directory there even if its tar names none, so a lower non-directory at
   * the path (a symlink, say) is shadowed, as overlayfs would shadow it.
   */
  private readonly impliedDirectory = new Map<string, number>();

  /** Whether an entry of `layer` at `name` is part of the flattened filesystem. */
  isVisible(name: string, layer: number, isDirectory: boolean): boolean {
    if ((this.hideSelf.get(name) ?? -1) > layer) return false;
    if (!isDirectory && (this.impliedDirectory.get(name) ?? -1) > layer) return false;
    if (name === ROOT) return true;
    if ((this.hideBelow.get(ROOT) ?? -1) > layer) return false;
    for (const ancestor of ancestorsOf(name)) {
      if ((this.hideBelow.get(ancestor) ?? -1) > layer) return false;
    }
    return true;
  }

  /** An entry at `name` in `layer`: it shadows lower entries at the same path, and a non-directory hides what lies below. */
  addEntry(name: string, layer: number, isDirectory: boolean): void {
    setOnce(this.hideSelf, name, layer);
    if (!isDirectory) setOnce(this.hideBelow, name, layer);
    for (const ancestor of ancestorsOf(name)) setOnce(this.impliedDirectory, ancestor, layer);
  }

  /** `.wh.<name>`: the path and everything below it are gone from lower layers. */
  addWhiteout(target: string, layer: number): void {
    setOnce(this.hideSelf, target, layer);
    setOnce(this.hideBelow, target, layer);
  }

  /** `<dir>/.wh..wh..opq`: lower layers' entries below `dir` are gone; `dir` itself stays. */
  addOpaque(dir: string, layer: number): void {
    setOnce(this.hideBelow, dir, layer);
  }
}

/** Newest first: the first layer to say something about a path is the highest one. */
function setOnce(map: Map<string, number>, key: string, layer: number): void {
  if (!map.has(key)) map.set(key, layer);
}

/**
 * What one layer removed from the view of the layers below it: used to tell
 * whether a hard link waiting for its target (see hardlinks.ts) can still find
 * it further down.
 */
export class LayerCuts {
  private readonly self = new Set<string>();
  private readonly below = new Set<string>();

  deleted(target: string): void {
    this.self.add(target);
    this.below.add(target);
  }

  opaque(dir: string): void {
    this.below.add(dir);
  }

  nonDirectory(name: string): void {
    this.below.add(name);
  }

  /** Why `name` can no longer be found in lower layers, or undefined if it still can. */
  cutReason(name: string): string | undefined {
    if (this.self.has(name)) return `its target ${name} was deleted by a whiteout`;
    if (this.below.has(ROOT) && name !== ROOT) return `its target ${name} is below an opaque root directory`;
    for (const ancestor of ancestorsOf(name)) {
      if (this.below.has(ancestor)) return `its target ${name} is below ${ancestor}, which was deleted, replaced, or made opaque`;
    }
    return undefined;
  }
}
