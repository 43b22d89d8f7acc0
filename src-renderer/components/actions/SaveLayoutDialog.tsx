/** Save the image (or index, or some of its platforms) as an OCI image layout. */
import { useState } from 'react';
import { tagSchema } from '../../../src-shared/schemas';
import { useLading } from '../../context/lading';
import type { ImageRef } from '../../context/ui';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useStartJob } from '../../hooks/useStartJob';
import { checkPath, imageBaseName, joinPath, parentOf } from '../../lib/paths';
import { tagOf } from '../../lib/reference';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { TextField } from '../form/TextField';
import { ActionDialog, imageSource, useActionImage } from './ActionDialog';
import { FolderField } from './FolderField';
import { PlatformChecks, usePlatformPicks } from './PlatformChoice';

export function SaveLayoutDialog({ image }: { image: ImageRef }) {
  const lading = useLading();
  const { index } = useActionImage(image);
  const name = `${imageBaseName(image)}-oci`;
  const [dir, setDir] = useState(() => joinPath(lastFolder(), name));
  const [tag, setTag] = useState(tagOf(image.reference) ?? '');
  const platforms = usePlatformPicks(index);
  const { errors, check } = useFieldErrors<'dir' | 'tag' | 'platforms'>();
  const start = useStartJob();

  const submit = () => {
    const layoutTag = tag.trim();
    const ok = check({
      dir: checkPath(dir),
      tag: layoutTag && !tagSchema.safeParse(layoutTag).success ? 'Not a valid tag' : undefined,
      platforms: platforms.problem,
    });
    if (!ok) return;
    const targetDir = dir.trim();
    rememberFolder(parentOf(targetDir));
    start.mutate(() =>
      lading['jobs.saveLayout']({
        ...imageSource(image),
        targetDir,
        ...(layoutTag ? { tag: layoutTag } : {}),
        ...(platforms.filter ? { platforms: platforms.filter } : {}),
      }),
    );
  };

  return (
    <ActionDialog
      name="save-layout"
      title="Save as OCI layout"
      image={image}
      intro="Writes an OCI image layout (oci-layout, index.json, blobs/) that skopeo, podman and umoci can read."
      submitLabel="Save"
      onSubmit={submit}
      start={start}
      formError={errors.platforms}
    >
      <FolderField
        id="layout-dir"
        label="Folder"
        value={dir}
        onChange={setDir}
        error={errors.dir}
        suggestName={name}
        hint="New, empty, or an existing OCI layout to add to."
      />
      <TextField id="layout-tag" label="Name in the layout" value={tag} onChange={setTag} error={errors.tag} placeholder="latest" />
      {index && <PlatformChecks view={index} value={platforms.picked} onChange={platforms.setPicked} />}
    </ActionDialog>
  );
}
