/** Extract the image's flattened filesystem into a new folder. */
import { useState } from 'react';
import { useLading } from '../../context/lading';
import type { ImageRef } from '../../context/ui';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useStartJob } from '../../hooks/useStartJob';
import { checkPath, imageBaseName, joinPath, parentOf } from '../../lib/paths';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { ActionDialog, imageSource, useActionImage } from './ActionDialog';
import { FolderField } from './FolderField';
import { PlatformSelect, usePlatformPick } from './PlatformChoice';

export function ExtractDialog({ image }: { image: ImageRef }) {
  const lading = useLading();
  const { index } = useActionImage(image);
  const name = `${imageBaseName(image)}-rootfs`;
  const [dir, setDir] = useState(() => joinPath(lastFolder(), name));
  const platform = usePlatformPick(index);
  const { errors, check } = useFieldErrors<'dir'>();
  const start = useStartJob();

  const submit = () => {
    if (!check({ dir: checkPath(dir) })) return;
    const targetDir = dir.trim();
    rememberFolder(parentOf(targetDir));
    start.mutate(() => lading['jobs.extract']({ ...imageSource(image), targetDir, ...platform.choice }));
  };

  return (
    <ActionDialog
      name="extract"
      title="Extract filesystem"
      image={image}
      intro="Applies the layers in order (whiteouts included) and writes the resulting files. Device nodes are skipped; nothing lands outside the folder."
      submitLabel="Extract"
      onSubmit={submit}
      start={start}
    >
      <FolderField
        id="extract-dir"
        label="New folder"
        value={dir}
        onChange={setDir}
        error={errors.dir}
        suggestName={name}
        hint="Must not exist yet; it is created."
      />
      {index && <PlatformSelect view={index} value={platform.platform} onChange={platform.setPlatform} />}
    </ActionDialog>
  );
}
