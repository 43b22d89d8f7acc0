/** Save one file or folder of the flattened image into a new folder (jobs.saveFiles). */
import { useState } from 'react';
import { useLading } from '../../context/lading';
import type { ImageRef } from '../../context/ui';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useStartJob } from '../../hooks/useStartJob';
import { checkPath, imageBaseName, joinPath, parentOf } from '../../lib/paths';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { ActionDialog, imageSource } from './ActionDialog';
import { FolderField } from './FolderField';

export function SaveFilesDialog({ image, path, directory }: { image: ImageRef; path: string; directory: boolean }) {
  const lading = useLading();
  const base = path.slice(path.lastIndexOf('/') + 1);
  const name = `${imageBaseName(image)}-${base}`;
  const [dir, setDir] = useState(() => joinPath(lastFolder(), name));
  const { errors, check } = useFieldErrors<'dir'>();
  const start = useStartJob();

  const submit = () => {
    if (!check({ dir: checkPath(dir) })) return;
    const targetDir = dir.trim();
    rememberFolder(parentOf(targetDir));
    start.mutate(() => lading['jobs.saveFiles']({ ...imageSource(image), path, targetDir }));
  };

  return (
    <ActionDialog
      name="save-files"
      title={directory ? 'Save folder' : 'Save file'}
      image={image}
      intro={
        <>
          Writes <code>/{path}</code> {directory ? 'and everything in it ' : ''}into the folder as <code>{base}</code>, with its mode and
          time, as the image has it. Nothing lands outside the folder.
        </>
      }
      submitLabel="Save"
      onSubmit={submit}
      start={start}
    >
      <FolderField
        id="save-files-dir"
        label="New folder"
        value={dir}
        onChange={setDir}
        error={errors.dir}
        suggestName={name}
        hint="Must not exist yet (or be empty); it is created."
      />
    </ActionDialog>
  );
}
