/**
 * Hard links waiting for their targets. Walking layers newest first, a link
 * can come before its target: the target sits in a lower layer (a layer may
 * link to a file it did not add), or later in the same archive. Such a link
 * waits here, keyed by its target path, until the walk meets the first entry
 * at that path, which is the version the link saw when its layer was made.
 * A layer that deletes the target, or a directory above it, on the way down
 * makes the link dangle; a link still waiting at the end has no target at all.
 */
import type { FlatHeader } from './entry';
import type { LayerCuts } from './visibility';

export interface WaitingLink {
  /** The link entry as it will be written (its `linkname` is rewritten when resolved). */
  header: FlatHeader;
  /** The layer whose view the target must be found in. */
  layer: number;
}

export class PendingLinks {
  private readonly byTarget = new Map<string, WaitingLink[]>();

  get size(): number {
    return this.byTarget.size;
  }

  add(target: string, link: WaitingLink): void {
    const group = this.byTarget.get(target);
    if (group) group.push(link);
    else this.byTarget.set(target, [link]);
  }

  /** Removes and returns the links waiting for `target` (all from this layer or above). */
  take(target: string): WaitingLink[] | undefined {
    const group = this.byTarget.get(target);
    if (group) this.byTarget.delete(target);
    return group;
  }

  /** At the end of a layer: removes the links whose target that layer deleted, with the reason. */
  dropCut(cuts: LayerCuts): { link: WaitingLink; reason: string }[] {
    const dropped: { link: WaitingLink; reason: string }[] = [];
    for (const [target, group] of this.byTarget) {
      const reason = cuts.cutReason(target);
      if (reason === undefined) continue;
      this.byTarget.delete(target);
      for (const link of group) dropped.push({ link, reason: `hard link dropped: ${reason}` });
    }
    return dropped;
  }

  /** At the end of the walk: everything still waiting, with its target. */
  drainAll(): { link: WaitingLink; target: string }[] {
    const out: { link: WaitingLink; target: string }[] = [];
    for (const [target, group] of this.byTarget) for (const link of group) out.push({ link, target });
    this.byTarget.clear();
    return out;
  }
}
