/**
 * An SBOM's packages: name, version, license, purl, with a filter over all
 * four. Only the rows in view are in the page (an SBOM of a large image
 * lists tens of thousands of packages).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { SbomView } from '../../../src-shared/referrers';
import { useDebounced } from '../../hooks/useDebounced';
import { formatCount } from '../../lib/format';
import { filterPackages } from '../../lib/referrers';

const ROW_HEIGHT = 24;
/** Rows shown before the table scrolls on its own. */
const VISIBLE_ROWS = 16;

export function SbomTable({ sbom }: { sbom: SbomView }) {
  const label = `Packages of ${sbom.name ?? 'the SBOM'}`;
  const [filter, setFilter] = useState('');
  const debounced = useDebounced(filter, 120);
  const rows = useMemo(() => filterPackages(sbom.packages, debounced), [sbom.packages, debounced]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const shown = debounced.trim()
    ? `${formatCount(rows.length)} of ${formatCount(sbom.packages.length)} packages match`
    : `${formatCount(sbom.packages.length)} packages`;
  return (
    <div className="sbom-table">
      <div className="tab-tools">
        <input
          type="search"
          value={filter}
          placeholder="Filter packages"
          aria-label={`Filter packages of ${sbom.name ?? 'the SBOM'}`}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="dim" data-testid="package-count" aria-live="polite">
          {shown}
          {sbom.packageCount > sbom.packages.length &&
            ` (the first ${formatCount(sbom.packages.length)} of ${formatCount(sbom.packageCount)}; Save… has them all)`}
        </span>
      </div>
      <div role="table" aria-label={label} aria-rowcount={rows.length + 1} className="package-grid">
        <div role="row" className="package-row package-head" aria-rowindex={1}>
          <span role="columnheader">Name</span>
          <span role="columnheader">Version</span>
          <span role="columnheader">License</span>
          <span role="columnheader">purl</span>
        </div>
        <div ref={scrollRef} className="package-scroll" style={{ maxHeight: `${ROW_HEIGHT * VISIBLE_ROWS}px` }}>
          <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const p = rows[item.index]!;
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className="package-row"
                  data-package={p.name}
                  style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
                >
                  <span role="cell" title={p.name}>
                    {p.name}
                  </span>
                  <span role="cell" title={p.version}>
                    {p.version ?? ''}
                  </span>
                  <span role="cell" title={p.license}>
                    {p.license ?? ''}
                  </span>
                  <span role="cell" className="mono" title={p.purl}>
                    {p.purl ?? ''}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
        {rows.length === 0 && (
          <div className="empty">{debounced.trim() ? `No package matches "${debounced.trim()}"` : 'The SBOM lists no packages.'}</div>
        )}
      </div>
    </div>
  );
}
