/** Save the image (or index, or some of its platforms) as an OCI image layout. */
import { useState } from 'react';
import { tagSchema } from '../../../src-shared/schemas';
import { useManifest } from '../../hooks/queries';
import { useStartJob } from '../../hooks/useStartJob';
import { useApi } from '../../context/api';
import { isDigest } from '../../lib/format';
import { platformsOf } from '../../lib/manifest';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { useUi, type ImageRef } from '../../context/ui';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { checkPath, FolderField, joinPath, parentOf } from './FolderField';
import { baseName, ImageSummary } from './ImageSummary';
import { PlatformChecks, platformFilter } from './PlatformChoice';
import { ActionFooter } from './ActionFooter';

export function SaveLayoutDialog({ image }: { image: ImageRef }) {
  const api = useApi();
  const ui = useUi();
  const view = useManifest(image.connectionId, image.repository, image.reference).data;
  const isIndex = view?.kind === 'index';
  const name = `${baseName(image)}-oci`;
  const [dir, setDir] = useState(() => joinPath(lastFolder(), name));
  const [tag, setTag] = useState(isDigest(image.reference) ? '' : image.reference);
  const [platforms, setPlatforms] = useState(() => new Set(view ? platformsOf(view).flatMap((p) => (p.platform ? [p.platform] : [])) : []));
  const [problems, setProblems] = useState<{ dir?: string; tag?: string; platforms?: string }>({});
  const start = useStartJob();

  const submit = () => {
    const next = {
      dir: checkPath(dir),
      tag: tag.trim() && !tagSchema.safeParse(tag.trim()).success ? 'Not a valid tag' : undefined,
      platforms: isIndex && platforms.size === 0 ? 'Pick at least one platform' : undefined,
    };
    setProblems(next);
    if (next.dir || next.tag || next.platforms) return;
    const targetDir = dir.trim();
    rememberFolder(parentOf(targetDir));
    const filter = isIndex && view ? platformFilter(view, platforms) : undefined;
    start.mutate(() =>
      api['jobs.saveLayout']({
        connectionId: image.connectionId,
        repository: image.repository,
        reference: image.reference,
        targetDir,
        ...(tag.trim() ? { tag: tag.trim() } : {}),
        ...(filter ? { platforms: filter } : {}),
      }),
    );
  };

  return (
    <Dialog
      name="save-layout"
      title="Save as OCI layout"
      onClose={ui.close}
      onSubmit={submit}
      footer={<ActionFooter onCancel={ui.close} submitLabel="Save" pending={start.isPending} />}
    >
      <ImageSummary image={image} />
      <p>Writes an OCI image layout (oci-layout, index.json, blobs/) that skopeo, podman and umoci can read.</p>
      <div className="form-grid">
        <FolderField id="layout-dir" label="Folder" value={dir} onChange={setDir} error={problems.dir} suggestName={name} help="New, empty, or an existing OCI layout to add to." />
        <label htmlFor="layout-tag">Name in the layout</label>
        <div>
          <input id="layout-tag" type="text" value={tag} placeholder="latest" onChange={(e) => setTag(e.target.value)} />
          {problems.tag && <div className="field-error">{problems.tag}</div>}
        </div>
        {isIndex && view && <PlatformChecks view={view} value={platforms} onChange={setPlatforms} />}
      </div>
      {problems.platforms && <div className="field-error">{problems.platforms}</div>}
      {start.isError && <ErrorNotice error={start.error} />}
    </Dialog>
  );
}
