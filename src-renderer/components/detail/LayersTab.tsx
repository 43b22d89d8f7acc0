/** The image's layers: size, media type, digest, and Save for each. */
import { useEffect, useRef } from 'react';
import type { ManifestView } from '../../../src-shared/contract';
import { useNavigation } from '../../context/navigation';
import { useUi, type ImageRef } from '../../context/ui';
import { formatBytes, plural, shortMediaType } from '../../lib/format';
import { CopyButton } from '../common/CopyButton';
import { IndexPicker } from './IndexPicker';

export function LayersTab({ image, view }: { image: ImageRef; view: ManifestView }) {
  const { state } = useNavigation();
  const ui = useUi();
  const highlighted = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    // (Braces: scrollIntoView answers a promise in recent Chromium, which an effect must not return.)
    highlighted.current?.scrollIntoView({ block: 'nearest' });
  }, [state.highlight]);
  if (view.kind === 'index') return <IndexPicker view={view} what="layers" tab="layers" />;
  const layers = view.layers ?? [];
  return (
    <div className="layers-tab">
      <div className="tab-tools">
        <span>
          {plural(layers.length, 'layer')}, {formatBytes(view.layersSize)} compressed
        </span>
        <button type="button" onClick={() => ui.open({ kind: 'saveLayers', image })} disabled={layers.length === 0}>
          Save all layers…
        </button>
      </div>
      <table className="table layers" aria-label="Layers">
        <thead>
          <tr>
            <th className="num">#</th>
            <th className="num">Size</th>
            <th>Media type</th>
            <th>Digest</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {layers.map((l, i) => {
            const hit = state.highlight === l.digest;
            return (
              <tr
                key={`${l.digest}-${i}`}
                ref={hit ? highlighted : undefined}
                className={hit ? 'highlight' : undefined}
                data-layer={l.digest}
              >
                <td className="num">{i + 1}</td>
                <td className="num nowrap">{formatBytes(l.size)}</td>
                <td className="dim">{shortMediaType(l.mediaType)}</td>
                <td>
                  <code className="digest">{l.digest}</code> <CopyButton value={l.digest} what={`digest of layer ${i + 1}`} />
                </td>
                <td>
                  <button
                    type="button"
                    className="small-button"
                    aria-label={`Save layer ${i + 1}`}
                    onClick={() => ui.open({ kind: 'saveLayers', image, layers: [l.digest] })}
                  >
                    Save…
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
