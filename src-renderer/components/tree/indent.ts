/**
 * The one indent rule of the tree. A row of level N starts its twisty
 * (12 px, then a 4 px gap) N-1 steps in; what a level shows besides rows
 * (a filter, a note, an error) starts where that level's icons start, so it
 * reads as part of the level, not as a child of the row above.
 */
import type { CSSProperties } from 'react';

const STEP = 14;
const ROW_START = 4;
const TWISTY = 12 + 4;

/** Padding of a row (TreeRow) at `level` (1 = a connection). */
export function rowIndent(level: number): CSSProperties {
  return { paddingLeft: `${(level - 1) * STEP + ROW_START}px` };
}

/** Padding of anything else shown among the rows of `level`. */
export function levelIndent(level: number): CSSProperties {
  return { paddingLeft: `${(level - 1) * STEP + ROW_START + TWISTY}px` };
}
