/**
 * The config's history lines for the manifest's layers. History has one entry
 * per build step, and the steps that made no layer (ENV, CMD...) say
 * `empty_layer`; the others are the layers, in order. When the counts do not
 * match, the history cannot be trusted to name the layers and none is shown.
 */
import type { HistoryEntry } from '../../src-shared/contract';

export function layerHistory(history: readonly HistoryEntry[], layerCount: number): (HistoryEntry | undefined)[] {
  const steps = history.filter((h) => !h.emptyLayer);
  if (steps.length !== layerCount) return Array.from({ length: layerCount }, () => undefined);
  return steps;
}

/** A build step as one line: `RUN apt-get install …` without the shell's `/bin/sh -c #(nop) ` wrapping. */
export function stepLine(entry: HistoryEntry | undefined): string | undefined {
  const text = entry?.createdBy ?? entry?.comment;
  if (!text) return undefined;
  return text
    .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/\s+/g, ' ')
    .trim();
}
