/** Extract the image's flattened filesystem into a new folder. */
import { useState } from 'react';
import { useManifest } from '../../hooks/queries';
import { useStartJob } from '../../hooks/useStartJob';
import { useApi } from '../../context/api';
import { defaultPlatform } from '../../lib/manifest';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { useUi, type ImageRef } from '../../context/ui';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { checkPath, FolderField, joinPath, parentOf } from './FolderField';
import { baseName, ImageSummary } from './ImageSummary';
import { PlatformSelect } from './PlatformChoice';
import { ActionFooter } from './ActionFooter';

export function ExtractDialog({ image }: { image: ImageRef }) {
  const api = useApi();
  const ui = useUi();
  const view = useManifest(image.connectionId, image.repository, image.reference).data;
  const isIndex = view?.kind === 'index';
  const name = `${baseName(image)}-rootfs`;
  const [dir, setDir] = useState(() => joinPath(lastFolder(), name));
  const [platform, setPlatform] = useState(() => (view?.kind === 'index' ? (defaultPlatform(view) ?? '') : ''));
  const [problem, setProblem] = useState<string>();
  const start = useStartJob();

  const submit = () => {
    const bad = checkPath(dir);
    setProblem(bad);
    if (bad) return;
    const targetDir = dir.trim();
    rememberFolder(parentOf(targetDir));
    start.mutate(() =>
      api['jobs.extract']({
        connectionId: image.connectionId,
        repository: image.repository,
        reference: image.reference,
        targetDir,
        ...(isIndex && platform ? { platform } : {}),
      }),
    );
  };

  return (
    <Dialog
      name="extract"
      title="Extract filesystem"
      onClose={ui.close}
      onSubmit={submit}
      footer={<ActionFooter onCancel={ui.close} submitLabel="Extract" pending={start.isPending} />}
    >
      <ImageSummary image={image} />
      <p>Applies the layers in order (whiteouts included) and writes the resulting files. Device nodes are skipped; nothing lands outside the folder.</p>
      <div className="form-grid">
        <FolderField id="extract-dir" label="New folder" value={dir} onChange={setDir} error={problem} suggestName={name} help="Must not exist yet; it is created." />
        {isIndex && view && <PlatformSelect view={view} value={platform} onChange={setPlatform} />}
      </div>
      {start.isError && <ErrorNotice error={start.error} />}
    </Dialog>
  );
}
