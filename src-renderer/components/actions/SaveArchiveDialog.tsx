/**
 * Save as archive…: the image as one tar file, in the `docker save` layout
 * (what `docker load` and `podman load` take; one platform of an index) or
 * as an OCI archive (an OCI layout in a tar; an index whole, or one
 * platform). The job's result says the command that loads it.
 */
import { useState } from 'react';
import { archiveNameSchema } from '../../../src-shared/schemas';
import { useLading } from '../../context/lading';
import type { ImageRef } from '../../context/ui';
import { useConnection } from '../../hooks/queries';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useStartJob } from '../../hooks/useStartJob';
import { platformsOf } from '../../lib/manifest';
import { checkPath, imageBaseName, joinPath, parentOf } from '../../lib/paths';
import { tagOf } from '../../lib/reference';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { ChoiceField, Field } from '../form/Field';
import { TextField } from '../form/TextField';
import { ActionDialog, imageSource, useActionImage } from './ActionDialog';
import { FolderField } from './FolderField';
import { PlatformSelect, usePlatformPick } from './PlatformChoice';

type Format = 'docker' | 'oci';

/** The name a loaded image gets: `host/repository:tag` (none for a digest: it loads untagged). */
export function defaultArchiveName(host: string, image: ImageRef): string {
  const tag = tagOf(image.reference);
  const name = `${host}/${image.repository}`.toLowerCase();
  return tag && archiveNameSchema.safeParse(`${name}:${tag}`).success ? `${name}:${tag}` : '';
}

export function SaveArchiveDialog({ image }: { image: ImageRef }) {
  const lading = useLading();
  const host = useConnection(image.connectionId)?.host ?? '';
  const { index } = useActionImage(image);
  const fileName = `${imageBaseName(image)}.tar`;
  const [format, setFormat] = useState<Format>('docker');
  const [file, setFile] = useState(() => joinPath(lastFolder(), fileName));
  const [name, setName] = useState(() => defaultArchiveName(host, image));
  const pick = usePlatformPick(index);
  /** An OCI archive of an index holds all of it unless one platform is picked ('' = all). */
  const [ociPlatform, setOciPlatform] = useState('');
  const { errors, check } = useFieldErrors<'file' | 'name'>();
  const start = useStartJob();

  const submit = () => {
    const archiveName = name.trim();
    const ok = check({
      file: checkPath(file),
      name:
        archiveName && !archiveNameSchema.safeParse(archiveName).success
          ? 'Not an image name: lower-case path, optional :tag (e.g. team/app:v1)'
          : undefined,
    });
    if (!ok) return;
    const path = file.trim();
    rememberFolder(parentOf(path));
    const platform = format === 'docker' ? pick.choice : ociPlatform ? { platform: ociPlatform } : {};
    start.mutate(() =>
      lading['jobs.saveArchive']({ ...imageSource(image), file: path, format, ...(archiveName ? { name: archiveName } : {}), ...platform }),
    );
  };

  return (
    <ActionDialog
      name="save-archive"
      title="Save as archive"
      image={image}
      intro="Writes one tar file: a docker archive for docker load or podman load, or an OCI archive for skopeo, podman and containerd. Layers are kept as the registry stores them."
      submitLabel="Save"
      onSubmit={submit}
      start={start}
    >
      <ChoiceField id="archive-format" label="Format" radio>
        <label className="radio">
          <input type="radio" name="archive-format" value="docker" checked={format === 'docker'} onChange={() => setFormat('docker')} />
          Docker archive (docker load)
        </label>
        <label className="radio">
          <input type="radio" name="archive-format" value="oci" checked={format === 'oci'} onChange={() => setFormat('oci')} />
          OCI archive
        </label>
      </ChoiceField>
      <FolderField
        id="archive-file"
        label="File"
        value={file}
        onChange={setFile}
        error={errors.file}
        suggestName={fileName}
        hint="A new file; its folder must exist."
      />
      <TextField
        id="archive-name"
        label="Name in the archive"
        value={name}
        onChange={setName}
        error={errors.name}
        placeholder="none: loaded untagged"
        hint="What docker load names the image (RepoTags); a name without a tag gets :latest."
      />
      {index && format === 'docker' && <PlatformSelect view={index} value={pick.platform} onChange={pick.setPlatform} />}
      {index && format === 'oci' && (
        <Field id="archive-platform" label="Platforms">
          <select id="archive-platform" value={ociPlatform} onChange={(e) => setOciPlatform(e.target.value)}>
            <option value="">All: the whole index</option>
            {platformsOf(index).map((p) => (
              <option key={p.digest} value={p.platform ?? ''}>
                Only {p.platform}
              </option>
            ))}
          </select>
        </Field>
      )}
    </ActionDialog>
  );
}
