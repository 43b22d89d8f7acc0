/**
 * The keyboard of a list whose container keeps the focus and points at one
 * active row (aria-activedescendant): Up/Down, PageUp/PageDown, Home/End move;
 * Enter and Space open the active row. The tag list and the repository tree
 * use it; the tree adds its own Left/Right through `otherKey`.
 *
 * While the keyboard moves, `keyboard` is true (the active row gets a strong
 * focus ring); a mouse press turns it off again, as in a native list.
 */
import { useState, type KeyboardEvent } from 'react';
import { listMove } from '../lib/list-keys';

export interface ListKeyboardSource {
  /** How many rows there are now, and which is active (-1: none yet). Read on each key press. */
  position(): { count: number; active: number };
  moveTo(index: number): void;
  /** Enter or Space on a row. */
  activate(index: number): void;
  /** Rows one PageUp/PageDown moves. */
  pageSize(): number;
  /** Keys the list handles itself (the tree's Left/Right), given the active row (0 when none was): true when handled. */
  otherKey?(key: string, index: number): boolean;
}

export function useListKeyboard(source: ListKeyboardSource) {
  const [keyboard, setKeyboard] = useState(false);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    // Keys typed into a field inside the list (the tree's filters) are the field's.
    if (e.target !== e.currentTarget) return;
    const { count, active } = source.position();
    if (count === 0) return;
    const target = listMove(e.key, active, count, source.pageSize());
    const index = Math.max(active, 0);
    let handled = true;
    if (target !== undefined) source.moveTo(target);
    else if (e.key === 'Enter' || e.key === ' ') {
      if (active < 0) source.moveTo(index);
      source.activate(index);
    } else handled = source.otherKey?.(e.key, index) ?? false;
    if (!handled) return;
    e.preventDefault();
    setKeyboard(true);
  };

  return { keyboard, onKeyDown, onMouseDown: () => setKeyboard(false) };
}
