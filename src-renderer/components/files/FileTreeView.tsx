/**
 * The flattened tree, virtualized: only the rows in view (and a few around
 * them) are in the DOM, whatever the count. A tree grid (role="treegrid"):
 * name, size, mode, owner, the layer that wrote the entry. Keyboard
 * (useListKeyboard): Up/Down, PageUp/PageDown, Home/End move; Right opens a
 * folder (or goes to its first entry), Left closes it (or goes to its
 * folder); Enter opens or closes a folder.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { formatBytes } from '../../lib/format';
import { formatMode } from '../../lib/file-format';
import { markOf, type FileTree, type LayerMarks, type Rows } from '../../lib/file-tree';
import { rowsPerPage } from '../../lib/list-keys';
import { useListKeyboard } from '../../hooks/useListKeyboard';

export const FILE_ROW_HEIGHT = 22;
const INDENT = 14;

interface Props {
  tree: FileTree;
  rows: Rows;
  marks: LayerMarks | undefined;
  collapsed: Uint8Array;
  /** The selected node, or -1. */
  selected: number;
  onSelect: (node: number) => void;
  onToggle: (node: number, open?: boolean) => void;
  /** Layer numbers shown as 1, 2, ... with the step that made each as a tooltip. */
  layerTitle: (layer: number) => string;
}

export function FileTreeView({ tree, rows, marks, collapsed, selected, onSelect, onToggle, layerTitle }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => FILE_ROW_HEIGHT,
    overscan: 16,
  });
  const active = selected < 0 ? -1 : rows.nodes.subarray(0, rows.length).indexOf(selected);

  // The selection follows a filter or a layer into view.
  useEffect(() => {
    if (active >= 0) virtualizer.scrollToIndex(active, { align: 'auto' });
    // Only when the rows change, not on every move (moveTo scrolls itself).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);

  const isOpenDirectory = (node: number) => tree.isDirectory(node, marks) && (node >= tree.count || !collapsed[node]);
  const moveTo = (index: number) => {
    const node = rows.nodes[index];
    if (node === undefined || index >= rows.length) return;
    onSelect(node);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };
  const keys = useListKeyboard({
    position: () => ({ count: rows.length, active }),
    moveTo,
    activate: (index) => {
      const node = rows.nodes[index];
      if (node !== undefined && node < tree.count && tree.isDirectory(node)) onToggle(node);
    },
    pageSize: () => rowsPerPage(scrollRef.current?.clientHeight ?? 300, FILE_ROW_HEIGHT),
    otherKey: (key, index) => {
      const node = rows.nodes[index];
      if (node === undefined) return false;
      if (key === 'ArrowRight') {
        if (node < tree.count && tree.isDirectory(node) && collapsed[node]) onToggle(node, true);
        else if (isOpenDirectory(node) && index + 1 < rows.length && (rows.depths[index + 1] ?? 0) > (rows.depths[index] ?? 0))
          moveTo(index + 1);
        return true;
      }
      if (key === 'ArrowLeft') {
        if (node < tree.count && tree.isDirectory(node) && !collapsed[node]) onToggle(node, false);
        else {
          const parent = tree.parent(node, marks);
          const at = parent < 0 ? -1 : rows.nodes.subarray(0, rows.length).indexOf(parent);
          if (at >= 0) moveTo(at);
        }
        return true;
      }
      return false;
    },
  });

  return (
    <div className="file-tree">
      <div className="file-row file-header" role="presentation">
        <span>Name</span>
        <span className="num">Size</span>
        <span>Mode</span>
        <span>Owner</span>
        <span className="num" title="The layer that put the entry there">
          Layer
        </span>
      </div>
      <div
        ref={scrollRef}
        className={keys.keyboard ? 'file-scroll keyboard' : 'file-scroll'}
        role="treegrid"
        aria-label="Files of the image"
        aria-rowcount={rows.length}
        tabIndex={0}
        aria-activedescendant={active >= 0 ? `file-row-${active}` : undefined}
        onKeyDown={keys.onKeyDown}
        onMouseDown={keys.onMouseDown}
      >
        <div className="file-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {virtualizer.getVirtualItems().map((item) => {
            const node = rows.nodes[item.index]!;
            const depth = rows.depths[item.index]!;
            const ghost = tree.isGhost(node);
            const type = tree.type(node, marks);
            const directory = type === 'directory';
            const open = directory && isOpenDirectory(node);
            const change = markOf(marks, node);
            const link = tree.link(node);
            const layer = ghost ? undefined : tree.listing.layers[node];
            return (
              <div
                key={item.key}
                id={`file-row-${item.index}`}
                role="row"
                aria-level={depth + 1}
                aria-expanded={directory ? open : undefined}
                aria-selected={node === selected}
                data-file-row=""
                data-path={tree.path(node, marks)}
                data-change={change}
                className={[
                  'file-row',
                  node === selected ? 'selected' : '',
                  item.index === active ? 'active' : '',
                  change ? `change-${change}` : '',
                  ghost ? 'ghost' : '',
                ].join(' ')}
                style={{ transform: `translateY(${item.start}px)`, height: `${FILE_ROW_HEIGHT}px` }}
                onClick={() => onSelect(node)}
                onDoubleClick={() => directory && !ghost && onToggle(node)}
              >
                <span role="gridcell" className="file-name" style={{ paddingLeft: `${4 + depth * INDENT}px` }}>
                  <span
                    className="twisty"
                    aria-hidden="true"
                    onClick={(e) => {
                      if (!directory || ghost) return;
                      e.stopPropagation();
                      onToggle(node);
                    }}
                  >
                    {directory ? (open ? '▾' : '▸') : ''}
                  </span>
                  {change && (
                    <span className={`change-mark change-${change}`} title={`${change} by this layer`}>
                      {change === 'added' ? '+' : change === 'deleted' ? '−' : '~'}
                    </span>
                  )}
                  <span className={`file-label type-${type}`}>{tree.name(node, marks)}</span>
                  {link !== undefined && <span className="file-link">{type === 'symlink' ? ` → ${link}` : ` ⇔ ${link}`}</span>}
                </span>
                <span role="gridcell" className="num">
                  {type === 'file' || type === 'hardlink' ? formatBytes(tree.size(node, marks)) : ''}
                </span>
                <span role="gridcell" className="mono">
                  {ghost ? '' : formatMode(type, tree.listing.modes[node]!)}
                </span>
                <span role="gridcell" className="mono">
                  {ghost ? '' : `${tree.listing.uids[node]!}:${tree.listing.gids[node]!}`}
                </span>
                <span role="gridcell" className="num" title={layer === undefined ? undefined : layerTitle(layer)}>
                  {layer === undefined ? '' : layer + 1}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
