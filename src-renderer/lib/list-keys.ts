/**
 * Where the list keys move the active row of a list (useListKeyboard), as
 * plain arithmetic: the tag list and the tree share it, and it is tested
 * without a page.
 */

/** Where a moving key takes the active row of `count` rows, or undefined for any other key. `active` -1 means no row yet. */
export function listMove(key: string, active: number, count: number, pageSize: number): number | undefined {
  const last = count - 1;
  switch (key) {
    case 'ArrowDown':
      return active < 0 ? 0 : Math.min(active + 1, last);
    case 'ArrowUp':
      return Math.max(active - 1, 0);
    case 'PageDown':
      return Math.min(Math.max(active, 0) + pageSize, last);
    case 'PageUp':
      return Math.max(active - pageSize, 0);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return undefined;
  }
}

/** Whole rows in a viewport, less one so that a page keeps the last row of the previous one in view. */
export function rowsPerPage(viewportHeight: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewportHeight / Math.max(1, rowHeight)) - 1);
}
