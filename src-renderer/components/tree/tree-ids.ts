/**
 * DOM ids of the repository tree's rows. TreeView moves between rows by id
 * (aria-activedescendant, and a row's data-parent for Left), so an id names
 * one row, is the same on every render, and differs between connections.
 */

/** The row of a connection (`path` empty) or of a namespace or repository below it. */
export function treeId(connectionId: string, path: string): string {
  return path ? `t-${connectionId}-${path}` : `t-${connectionId}`;
}

/** The "Show more" row that ends a level. */
export function moreRowId(connectionId: string, namespace: string): string {
  return `${treeId(connectionId, namespace)}-~more`;
}
