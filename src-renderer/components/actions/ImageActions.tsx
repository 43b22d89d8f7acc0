/** What can be done with the image on show. */
import type { ManifestView } from '../../../src-shared/contract';
import { useUi, type ImageRef } from '../../context/ui';

export function ImageActions({ image }: { image: ImageRef; view: ManifestView }) {
  const ui = useUi();
  return (
    <div className="image-actions" role="toolbar" aria-label="Image actions">
      <button type="button" onClick={() => ui.open({ kind: 'saveLayers', image })}>
        Save layers…
      </button>
      <button type="button" onClick={() => ui.open({ kind: 'saveLayout', image })}>
        Save as OCI layout…
      </button>
      <button type="button" onClick={() => ui.open({ kind: 'saveArchive', image })}>
        Save as archive…
      </button>
      <button type="button" onClick={() => ui.open({ kind: 'extract', image })}>
        Extract filesystem…
      </button>
      <button type="button" onClick={() => ui.open({ kind: 'mirror', image })}>
        Mirror to…
      </button>
    </div>
  );
}
