/** Save layers (all, or one) into an existing folder, as stored or decompressed. */
import { useState } from 'react';
import { useLading } from '../../context/lading';
import type { ImageRef } from '../../context/ui';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useStartJob } from '../../hooks/useStartJob';
import { plural, shortDigest } from '../../lib/format';
import { checkPath } from '../../lib/paths';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { ChoiceField } from '../form/Field';
import { ActionDialog, imageSource, useActionImage } from './ActionDialog';
import { FolderField } from './FolderField';
import { PlatformSelect, usePlatformPick } from './PlatformChoice';

export function SaveLayersDialog({ image, layers }: { image: ImageRef; layers?: string[] }) {
  const lading = useLading();
  const { index } = useActionImage(image);
  const [dir, setDir] = useState(lastFolder);
  const [decompress, setDecompress] = useState(false);
  const platform = usePlatformPick(index);
  const { errors, check } = useFieldErrors<'dir'>();
  const start = useStartJob();

  const submit = () => {
    if (!check({ dir: checkPath(dir) })) return;
    const targetDir = dir.trim();
    rememberFolder(targetDir);
    start.mutate(() =>
      lading['jobs.saveLayers']({
        ...imageSource(image),
        targetDir,
        ...(layers ? { layers } : {}),
        ...(decompress ? { decompress: true } : {}),
        ...platform.choice,
      }),
    );
  };

  const what = layers?.length === 1 ? `layer ${shortDigest(layers[0]!)}` : layers ? plural(layers.length, 'layer') : 'all layers';
  return (
    <ActionDialog
      name="save-layers"
      title={layers?.length === 1 ? 'Save layer' : 'Save layers'}
      image={image}
      intro={`Saves ${what} into the folder, one file per layer named by its digest.`}
      submitLabel="Save"
      onSubmit={submit}
      start={start}
    >
      <FolderField id="save-layers-dir" label="Folder" value={dir} onChange={setDir} error={errors.dir} hint="An existing folder." />
      {index && <PlatformSelect view={index} value={platform.platform} onChange={platform.setPlatform} />}
      <ChoiceField id="save-layers-format" label="Format">
        <label className="check">
          <input type="checkbox" checked={decompress} onChange={(e) => setDecompress(e.target.checked)} />
          Decompress (plain .tar; the file's digest is then the layer's diff ID)
        </label>
      </ChoiceField>
    </ActionDialog>
  );
}
