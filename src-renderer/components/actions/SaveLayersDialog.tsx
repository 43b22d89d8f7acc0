/** Save layers (all, or one) into an existing folder, as stored or decompressed. */
import { useState } from 'react';
import { useManifest } from '../../hooks/queries';
import { useStartJob } from '../../hooks/useStartJob';
import { useApi } from '../../context/api';
import { plural, shortDigest } from '../../lib/format';
import { defaultPlatform } from '../../lib/manifest';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { useUi, type ImageRef } from '../../context/ui';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { checkPath, FolderField } from './FolderField';
import { ImageSummary } from './ImageSummary';
import { PlatformSelect } from './PlatformChoice';
import { ActionFooter } from './ActionFooter';

export function SaveLayersDialog({ image, layers }: { image: ImageRef; layers?: string[] }) {
  const api = useApi();
  const ui = useUi();
  const manifest = useManifest(image.connectionId, image.repository, image.reference);
  const view = manifest.data;
  const [dir, setDir] = useState(lastFolder);
  const [decompress, setDecompress] = useState(false);
  const [platform, setPlatform] = useState(() => (view?.kind === 'index' ? (defaultPlatform(view) ?? '') : ''));
  const [problem, setProblem] = useState<string>();
  const start = useStartJob();
  const isIndex = view?.kind === 'index';

  const submit = () => {
    const bad = checkPath(dir);
    setProblem(bad);
    if (bad) return;
    const targetDir = dir.trim();
    rememberFolder(targetDir);
    start.mutate(() =>
      api['jobs.saveLayers']({
        connectionId: image.connectionId,
        repository: image.repository,
        reference: image.reference,
        targetDir,
        ...(layers ? { layers } : {}),
        ...(decompress ? { decompress: true } : {}),
        ...(isIndex && platform ? { platform } : {}),
      }),
    );
  };

  const what = layers?.length === 1 ? `layer ${shortDigest(layers[0]!)}` : layers ? plural(layers.length, 'layer') : 'all layers';
  return (
    <Dialog
      name="save-layers"
      title={layers?.length === 1 ? 'Save layer' : 'Save layers'}
      onClose={ui.close}
      onSubmit={submit}
      footer={<ActionFooter onCancel={ui.close} submitLabel="Save" pending={start.isPending} />}
    >
      <ImageSummary image={image} />
      <p>
        Saves {what} into the folder, one file per layer named by its digest.
      </p>
      <div className="form-grid">
        <FolderField id="save-layers-dir" label="Folder" value={dir} onChange={setDir} error={problem} help="An existing folder." />
        {isIndex && view && <PlatformSelect view={view} value={platform} onChange={setPlatform} />}
        <span className="label">Format</span>
        <label className="check">
          <input type="checkbox" checked={decompress} onChange={(e) => setDecompress(e.target.checked)} />
          Decompress (plain .tar; the file's digest is then the layer's diff ID)
        </label>
      </div>
      {start.isError && <ErrorNotice error={start.error} />}
    </Dialog>
  );
}
