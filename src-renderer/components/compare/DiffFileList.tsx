/** The files two images differ in: added, removed, changed, with their sizes; filtered by path and kind; virtualized. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { DIFF_CHANGES, FILE_TYPES, type ImageDiffView } from '../../../src-shared/files';
import { useDebounced } from '../../hooks/useDebounced';
import { formatBytes, formatCount } from '../../lib/format';

const ROW_HEIGHT = 22;
const MARK = ['+', '−', '~'];

function sizeText(type: number, size: number): string {
  if (type < 0) return '—';
  const name = FILE_TYPES[type] ?? 'other';
  return name === 'file' || name === 'hardlink' ? formatBytes(size) : name;
}

export function DiffFileList({ files }: { files: ImageDiffView['files'] }) {
  const [filter, setFilter] = useState('');
  const debounced = useDebounced(filter.trim().toLowerCase(), 150);
  const [shown, setShown] = useState<[boolean, boolean, boolean]>([true, true, true]);
  const counts = useMemo(() => {
    const out = [0, 0, 0];
    for (const c of files.changes) out[c] = (out[c] ?? 0) + 1;
    return out;
  }, [files]);
  const rows = useMemo(() => {
    const out: number[] = [];
    for (let i = 0; i < files.paths.length; i++) {
      if (!shown[files.changes[i]!]) continue;
      if (debounced && !files.paths[i]!.toLowerCase().includes(debounced)) continue;
      out.push(i);
    }
    return out;
  }, [files, shown, debounced]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  return (
    <div className="diff-files">
      <div className="files-tools">
        <input
          type="search"
          value={filter}
          placeholder="Filter paths"
          aria-label="Filter compared paths"
          onChange={(e) => setFilter(e.target.value)}
        />
        {DIFF_CHANGES.map((change, i) => (
          <label key={change} className="check">
            <input
              type="checkbox"
              checked={shown[i]}
              onChange={(e) => setShown((s) => s.map((v, j) => (j === i ? e.target.checked : v)) as [boolean, boolean, boolean])}
            />{' '}
            {change} ({formatCount(counts[i] ?? 0)})
          </label>
        ))}
      </div>
      {rows.length === 0 ? (
        <p className="dim">{files.paths.length === 0 ? 'The files are the same.' : 'No path matches.'}</p>
      ) : (
        <div ref={scrollRef} className="diff-scroll" role="table" aria-label="Files compared" aria-rowcount={rows.length}>
          <div className="file-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
            {virtualizer.getVirtualItems().map((item) => {
              const i = rows[item.index]!;
              const change = files.changes[i]!;
              return (
                <div
                  key={item.key}
                  role="row"
                  className={`diff-row change-${DIFF_CHANGES[change]}`}
                  data-diff-row=""
                  data-path={files.paths[i]}
                  data-change={DIFF_CHANGES[change]}
                  style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
                >
                  <span role="cell" className="change-mark">
                    {MARK[change]}
                  </span>
                  <span role="cell" className="diff-path" title={files.paths[i]}>
                    {files.paths[i]}
                  </span>
                  <span role="cell" className="num">
                    {sizeText(files.typesA[i]!, files.sizesA[i]!)}
                  </span>
                  <span role="cell" className="num">
                    {sizeText(files.typesB[i]!, files.sizesB[i]!)}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
