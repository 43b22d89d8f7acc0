/**
 * An indexed image's files: the layer list beside the tree, a path filter,
 * the totals, and the selected entry below. Choosing a layer marks what it
 * added, modified and deleted (deleted paths shown where they were); "Changes
 * only" leaves out the rest.
 */
import { useMemo, useState } from 'react';
import type { HistoryEntry } from '../../../src-shared/contract';
import type { ImageRef } from '../../context/ui';
import { useDebounced } from '../../hooks/useDebounced';
import { formatBytes, formatCount, plural } from '../../lib/format';
import type { FileTree } from '../../lib/file-tree';
import { layerHistory, stepLine } from '../../lib/layer-history';
import { FileDetails } from './FileDetails';
import { FileTreeView } from './FileTreeView';
import { LayerList } from './LayerList';

interface Props {
  /** The image, by its manifest digest. */
  image: ImageRef;
  tree: FileTree;
  history: HistoryEntry[] | undefined;
}

export function FilesBrowser({ image, tree, history }: Props) {
  const { listing } = tree;
  const [layer, setLayer] = useState<number | undefined>();
  const [changesOnly, setChangesOnly] = useState(false);
  const [filter, setFilter] = useState('');
  const debounced = useDebounced(filter.trim(), 150);
  const [collapsed, setCollapsed] = useState(() => ({ flags: new Uint8Array(tree.count) }));
  // The whole listing replacing its start (files.head): the same entries keep their indexes, and so their folders' state.
  if (collapsed.flags.length !== tree.count) {
    const flags = new Uint8Array(tree.count);
    flags.set(collapsed.flags.subarray(0, tree.count));
    setCollapsed({ flags });
  }
  const total = listing.total ?? listing.count;
  const partial = total > listing.count;
  const [selected, setSelected] = useState(-1);
  const marks = useMemo(() => (layer === undefined ? undefined : tree.layerMarks(layer)), [tree, layer]);
  const steps = useMemo(() => layerHistory(history ?? [], listing.layerChanges.length), [history, listing.layerChanges.length]);

  const changeFilter = (text: string) => {
    setFilter(text);
    // A new filter shows every match: folders closed before open again.
    setCollapsed({ flags: new Uint8Array(tree.count) });
  };
  const chooseLayer = (chosen: number | undefined) => {
    setLayer(chosen);
    // Paths a layer deleted exist only while that layer is chosen.
    setSelected((node) => (node >= tree.count ? -1 : node));
  };

  const only = changesOnly && marks !== undefined;
  const rows = useMemo(
    () => tree.rows({ collapsed: collapsed.flags, filter: debounced, marks, changesOnly: only }),
    [tree, collapsed, debounced, marks, only],
  );

  const toggle = (node: number, open?: boolean) => {
    setCollapsed(({ flags }) => {
      const next = open === undefined ? !flags[node] : !open;
      flags[node] = next ? 1 : 0;
      return { flags };
    });
  };

  const show = (node: number) => {
    // Open every folder above it, so it has a row.
    setCollapsed(({ flags }) => {
      for (let at = tree.parent(node); at >= 0; at = tree.parent(at)) flags[at] = 0;
      return { flags };
    });
    setFilter('');
    setSelected(node);
  };

  const layerTitle = (i: number) => `Layer ${i + 1}${stepLine(steps[i]) ? `: ${stepLine(steps[i])}` : ''}`;
  const changeCounts = marks
    ? `${formatCount(marks.counts.added)} added, ${formatCount(marks.counts.modified)} modified, ${formatCount(marks.counts.deleted)} deleted`
    : '';

  return (
    <div className="files-tab">
      <div className="files-tools">
        <input
          type="search"
          value={filter}
          placeholder="Filter paths"
          aria-label="Filter paths"
          onChange={(e) => changeFilter(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={changesOnly} disabled={!marks} onChange={(e) => setChangesOnly(e.target.checked)} /> Changes only
        </label>
        <span className="files-totals" data-testid="files-totals">
          {plural(total, 'entry', 'entries')} · {formatBytes(listing.totalBytes)} in files · {formatBytes(listing.wastedBytes)} wasted
          {listing.skippedCount > 0 && ` · ${plural(listing.skippedCount, 'entry', 'entries')} left out`}
        </span>
      </div>
      {marks && (
        <div className="files-layer-note" data-testid="layer-changes">
          {layerTitle(marks.layer)} — {changeCounts}
        </div>
      )}
      <LayerList layers={listing.layerChanges} steps={steps} entries={total} partial={partial} selected={layer} onSelect={chooseLayer} />
      <div className="files-main">
        {rows.length === 0 ? (
          <div className="empty">
            {partial
              ? 'Nothing here among the first entries; the rest is on its way…'
              : debounced
                ? `No path matches "${debounced}"`
                : only
                  ? 'This layer changed nothing.'
                  : 'The image has no files.'}
          </div>
        ) : (
          <FileTreeView
            tree={tree}
            rows={rows}
            marks={marks}
            collapsed={collapsed.flags}
            selected={selected}
            onSelect={setSelected}
            onToggle={toggle}
            layerTitle={layerTitle}
          />
        )}
        {partial && (
          <div className="dim files-matches" role="status" data-files-partial>
            Showing the first {formatCount(listing.count)} of {formatCount(total)} entries; the rest is on its way…
          </div>
        )}
        {debounced && rows.length > 0 && <div className="dim files-matches">{plural(rows.matches, 'match', 'matches')}</div>}
        {selected >= 0 && <FileDetails image={image} tree={tree} node={selected} marks={marks} onShow={show} />}
      </div>
    </div>
  );
}
