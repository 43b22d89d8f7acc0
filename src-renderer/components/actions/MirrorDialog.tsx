/** Copy the image (or index, or some platforms) to a repository on any saved connection. */
import { useState } from 'react';
import { referenceSchema, repositorySchema } from '../../../src-shared/schemas';
import { useLading } from '../../context/lading';
import type { ImageRef } from '../../context/ui';
import { useConnections } from '../../hooks/queries';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useStartJob } from '../../hooks/useStartJob';
import { tagOf } from '../../lib/reference';
import { lastMirrorTarget, rememberMirrorTarget } from '../../lib/storage';
import { ChoiceField, Field } from '../form/Field';
import { TextField } from '../form/TextField';
import { ActionDialog, imageSource, useActionImage } from './ActionDialog';
import { PlatformChecks, usePlatformPicks } from './PlatformChoice';

export function MirrorDialog({ image }: { image: ImageRef }) {
  const lading = useLading();
  const connections = useConnections().data ?? [];
  const { index } = useActionImage(image);
  const sourceTag = tagOf(image.reference);
  const others = connections.filter((c) => c.id !== image.connectionId);
  // The last target, else a connection of the person's own (not a preset), else any other.
  const [target, setTarget] = useState(
    () => (connections.find((c) => c.id === lastMirrorTarget()) ?? others.find((c) => !c.preset) ?? others[0] ?? connections[0])?.id ?? '',
  );
  const [repository, setRepository] = useState(image.repository);
  const [tag, setTag] = useState(sourceTag ?? '');
  const platforms = usePlatformPicks(index);
  const [referrers, setReferrers] = useState(true);
  const { errors, check } = useFieldErrors<'target' | 'repository' | 'tag' | 'platforms'>();
  const start = useStartJob();

  const submit = () => {
    const repo = repository.trim();
    const t = tag.trim();
    const ok = check({
      target: target ? undefined : 'Pick a connection to copy to',
      repository: repositorySchema.safeParse(repo).success ? undefined : 'Not a valid repository name (lower-case, e.g. team/app)',
      tag: !t
        ? sourceTag
          ? undefined
          : 'The source is a digest: name a tag to write'
        : referenceSchema.safeParse(t).success
          ? undefined
          : 'Not a valid tag',
      platforms: platforms.problem,
    });
    if (!ok) return;
    rememberMirrorTarget(target);
    start.mutate(() =>
      lading['jobs.mirror']({
        source: imageSource(image),
        target: { connectionId: target, repository: repo, ...(t ? { tag: t } : {}) },
        ...(platforms.filter ? { platforms: platforms.filter } : {}),
        referrers,
      }),
    );
  };

  return (
    <ActionDialog
      name="mirror"
      title="Mirror to another registry"
      image={image}
      intro="Copies the manifest and every blob the target lacks (blobs it has are skipped; within one registry they are mounted)."
      submitLabel="Mirror"
      onSubmit={submit}
      start={start}
      formError={errors.platforms}
    >
      <Field id="mirror-target" label="To connection" error={errors.target}>
        <select id="mirror-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.host})
            </option>
          ))}
        </select>
      </Field>
      <TextField id="mirror-repository" label="Repository" value={repository} onChange={setRepository} error={errors.repository} />
      <TextField id="mirror-tag" label="Tag" value={tag} onChange={setTag} error={errors.tag} placeholder={sourceTag ?? 'required'} />
      {index && <PlatformChecks view={index} value={platforms.picked} onChange={platforms.setPicked} />}
      <ChoiceField
        id="mirror-referrers"
        label="Attached"
        hint="What points at the image, and what points at those, written so the target lists them too."
      >
        <label className="check">
          <input type="checkbox" checked={referrers} onChange={(e) => setReferrers(e.target.checked)} />
          Include signatures, SBOMs and attestations
        </label>
      </ChoiceField>
    </ActionDialog>
  );
}
