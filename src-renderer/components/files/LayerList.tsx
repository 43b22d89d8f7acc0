/** Beside the tree: the whole image, or one layer (its build step, size, files) whose changes the tree marks. */
import type { HistoryEntry } from '../../../src-shared/contract';
import type { LayerChangeColumns } from '../../../src-shared/files';
import { formatBytes, formatCount, plural } from '../../lib/format';
import { stepLine } from '../../lib/layer-history';

interface Props {
  layers: LayerChangeColumns[];
  /** Per layer, its history entry (undefined when the history does not match the layers). */
  steps: (HistoryEntry | undefined)[];
  entries: number;
  /** The layers' changes are still on their way (the tree shows the start of the listing). */
  partial: boolean;
  selected: number | undefined;
  onSelect: (layer: number | undefined) => void;
}

export function LayerList({ layers, steps, entries, partial, selected, onSelect }: Props) {
  return (
    <nav className="layer-list" aria-label="Layers">
      <button type="button" className="layer-choice" aria-pressed={selected === undefined} onClick={() => onSelect(undefined)}>
        <span className="layer-head">Whole image</span>
        <span className="dim">{plural(entries, 'entry', 'entries')}</span>
      </button>
      {layers.map((layer, i) => {
        const step = stepLine(steps[i]);
        return (
          <button
            key={`${layer.digest}-${i}`}
            type="button"
            className="layer-choice"
            aria-pressed={selected === i}
            aria-label={`Layer ${i + 1}${step ? `: ${step}` : ''}`}
            data-layer-index={i}
            title={steps[i]?.createdBy ?? layer.digest}
            onClick={() => onSelect(i)}
          >
            <span className="layer-head">
              Layer {i + 1}{' '}
              <span className="dim">
                · {formatBytes(layer.size)} · {plural(layer.fileCount, 'file')}
              </span>
            </span>
            <code className="layer-step">{step ?? 'no history line'}</code>
            <span className="dim">
              {partial ? '…' : formatCount(layer.entries.length)} changes · {formatBytes(layer.addedBytes)} of files
            </span>
          </button>
        );
      })}
    </nav>
  );
}
