/** Where the list keys move the active row (src-renderer/lib/list-keys.ts), shared by the tag list and the tree. */
import { describe, expect, it } from 'vitest';
import { listMove, rowsPerPage } from '../../src-renderer/lib/list-keys';

describe('listMove', () => {
  it('steps, pages and jumps within the rows', () => {
    expect(listMove('ArrowDown', 3, 10, 4)).toBe(4);
    expect(listMove('ArrowUp', 3, 10, 4)).toBe(2);
    expect(listMove('PageDown', 3, 10, 4)).toBe(7);
    expect(listMove('PageUp', 7, 10, 4)).toBe(3);
    expect(listMove('Home', 7, 10, 4)).toBe(0);
    expect(listMove('End', 2, 10, 4)).toBe(9);
  });

  it('stops at the ends instead of wrapping', () => {
    expect(listMove('ArrowDown', 9, 10, 4)).toBe(9);
    expect(listMove('ArrowUp', 0, 10, 4)).toBe(0);
    expect(listMove('PageDown', 8, 10, 4)).toBe(9);
    expect(listMove('PageUp', 2, 10, 4)).toBe(0);
  });

  it('starts at the first row when none is active yet', () => {
    for (const key of ['ArrowDown', 'ArrowUp', 'PageUp', 'Home']) expect(listMove(key, -1, 10, 4)).toBe(0);
    expect(listMove('PageDown', -1, 10, 4)).toBe(4);
    expect(listMove('End', -1, 10, 4)).toBe(9);
  });

  it('leaves other keys to the list (Enter opens, the tree has Left/Right)', () => {
    for (const key of ['Enter', ' ', 'ArrowLeft', 'ArrowRight', 'a', 'Tab']) expect(listMove(key, 3, 10, 4)).toBeUndefined();
  });
});

describe('rowsPerPage', () => {
  it('is the rows in view less one, and at least one', () => {
    expect(rowsPerPage(240, 24)).toBe(9);
    expect(rowsPerPage(250, 24)).toBe(9);
    expect(rowsPerPage(30, 24)).toBe(1);
    expect(rowsPerPage(0, 0)).toBe(1);
  });
});
