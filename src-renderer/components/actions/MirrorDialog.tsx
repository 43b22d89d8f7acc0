/** Copy the image (or index, or some platforms) to a repository on any saved connection. */
import { useState } from 'react';
import { referenceSchema, repositorySchema } from '../../../src-shared/schemas';
import { useConnections, useManifest } from '../../hooks/queries';
import { useStartJob } from '../../hooks/useStartJob';
import { useApi } from '../../context/api';
import { isDigest } from '../../lib/format';
import { platformsOf } from '../../lib/manifest';
import { lastMirrorTarget, rememberMirrorTarget } from '../../lib/storage';
import { useUi, type ImageRef } from '../../context/ui';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { ImageSummary } from './ImageSummary';
import { PlatformChecks, platformFilter } from './PlatformChoice';
import { ActionFooter } from './ActionFooter';

export function MirrorDialog({ image }: { image: ImageRef }) {
  const api = useApi();
  const ui = useUi();
  const connections = useConnections().data ?? [];
  const view = useManifest(image.connectionId, image.repository, image.reference).data;
  const isIndex = view?.kind === 'index';
  const others = connections.filter((c) => c.id !== image.connectionId);
  // The last target, else a connection of the person's own (not a preset), else any other.
  const [target, setTarget] = useState(
    () =>
      (connections.find((c) => c.id === lastMirrorTarget()) ?? others.find((c) => !c.preset) ?? others[0] ?? connections[0])?.id ?? '',
  );
  const [repository, setRepository] = useState(image.repository);
  const [tag, setTag] = useState(isDigest(image.reference) ? '' : image.reference);
  const [platforms, setPlatforms] = useState(() => new Set(view ? platformsOf(view).flatMap((p) => (p.platform ? [p.platform] : [])) : []));
  const [problems, setProblems] = useState<{ target?: string; repository?: string; tag?: string; platforms?: string }>({});
  const start = useStartJob();

  const submit = () => {
    const repo = repository.trim();
    const t = tag.trim();
    const next = {
      target: target ? undefined : 'Pick a connection to copy to',
      repository: repositorySchema.safeParse(repo).success ? undefined : 'Not a valid repository name (lower-case, e.g. team/app)',
      tag: !t ? (isDigest(image.reference) ? 'The source is a digest: name a tag to write' : undefined) : referenceSchema.safeParse(t).success ? undefined : 'Not a valid tag',
      platforms: isIndex && platforms.size === 0 ? 'Pick at least one platform' : undefined,
    };
    setProblems(next);
    if (Object.values(next).some(Boolean)) return;
    const filter = isIndex && view ? platformFilter(view, platforms) : undefined;
    rememberMirrorTarget(target);
    start.mutate(() =>
      api['jobs.mirror']({
        source: { connectionId: image.connectionId, repository: image.repository, reference: image.reference },
        target: { connectionId: target, repository: repo, ...(t ? { tag: t } : {}) },
        ...(filter ? { platforms: filter } : {}),
      }),
    );
  };

  return (
    <Dialog
      name="mirror"
      title="Mirror to another registry"
      onClose={ui.close}
      onSubmit={submit}
      footer={<ActionFooter onCancel={ui.close} submitLabel="Mirror" pending={start.isPending} />}
    >
      <ImageSummary image={image} />
      <p>Copies the manifest and every blob the target lacks (blobs it has are skipped; within one registry they are mounted).</p>
      <div className="form-grid">
        <label htmlFor="mirror-target">To connection</label>
        <div>
          <select id="mirror-target" value={target} onChange={(e) => setTarget(e.target.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.host})
              </option>
            ))}
          </select>
          {problems.target && <div className="field-error">{problems.target}</div>}
        </div>
        <label htmlFor="mirror-repository">Repository</label>
        <div>
          <input id="mirror-repository" type="text" value={repository} spellCheck={false} onChange={(e) => setRepository(e.target.value)} />
          {problems.repository && <div className="field-error">{problems.repository}</div>}
        </div>
        <label htmlFor="mirror-tag">Tag</label>
        <div>
          <input id="mirror-tag" type="text" value={tag} spellCheck={false} placeholder={isDigest(image.reference) ? 'required' : image.reference} onChange={(e) => setTag(e.target.value)} />
          {problems.tag && <div className="field-error">{problems.tag}</div>}
        </div>
        {isIndex && view && <PlatformChecks view={view} value={platforms} onChange={setPlatforms} />}
      </div>
      {problems.platforms && <div className="field-error">{problems.platforms}</div>}
      {start.isError && <ErrorNotice error={start.error} />}
    </Dialog>
  );
}
