/** Two images compared: sizes, layers shared and different, changed config fields, and the files (filterable). */
import type { ConfigChangeView, ImageDiffView } from '../../../src-shared/files';
import { formatBytes, plural, shortDigest } from '../../lib/format';
import { DiffFileList } from './DiffFileList';

function configText(value: ConfigChangeView['a']): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join('\n');
  return Object.entries(value)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

export function DiffView({ diff }: { diff: ImageDiffView }) {
  const shared = new Set(diff.shared);
  const delta = diff.sizeB - diff.sizeA;
  const layerRows = [
    ...diff.layersA.map((l, i) => ({ ...l, side: shared.has(l.digest) ? 'both' : 'A', label: `A${i + 1}` })),
    ...diff.layersB.flatMap((l, i) => (shared.has(l.digest) ? [] : [{ ...l, side: 'B', label: `B${i + 1}` }])),
  ];
  return (
    <div className="diff-view">
      <p data-testid="diff-summary">
        Compressed size: A {formatBytes(diff.sizeA)}, B {formatBytes(diff.sizeB)} ({delta >= 0 ? '+' : '−'}
        {formatBytes(Math.abs(delta))}) · {plural(diff.shared.length, 'layer')} shared, {diff.onlyA.length} only in A, {diff.onlyB.length}{' '}
        only in B
      </p>

      <h3>Layers</h3>
      <table className="table diff-layers" aria-label="Layers compared">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Digest</th>
            <th className="num">Size</th>
            <th>In</th>
          </tr>
        </thead>
        <tbody>
          {layerRows.map((l) => (
            <tr key={`${l.label}-${l.digest}`} className={`diff-layer side-${l.side}`}>
              <td>{l.label}</td>
              <td>
                <code title={l.digest}>{shortDigest(l.digest)}</code>
              </td>
              <td className="num">{formatBytes(l.size)}</td>
              <td>{l.side === 'both' ? 'both' : `${l.side} only`}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Config ({diff.config.length === 0 ? 'the same' : plural(diff.config.length, 'field') + ' changed'})</h3>
      {diff.config.length > 0 && (
        <table className="table diff-config" aria-label="Config changes">
          <thead>
            <tr>
              <th>Field</th>
              <th>A</th>
              <th>B</th>
            </tr>
          </thead>
          <tbody>
            {diff.config.map((c) => (
              <tr key={c.field} data-field={c.field}>
                <th scope="row">{c.field}</th>
                <td>
                  <pre className="config-value">{configText(c.a)}</pre>
                </td>
                <td>
                  <pre className="config-value">{configText(c.b)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Files</h3>
      <DiffFileList files={diff.files} />
    </div>
  );
}
