/**
 * Mirror repository…: some or all tags of a repository to a repository of
 * any saved connection, as one job. Which tags: all, a list, a pattern, or a
 * semantic version range; main counts what that selects before anything
 * starts (TagPreview).
 */
import { useLading } from '../../context/lading';
import { useUi } from '../../context/ui';
import { useConnection, useConnections } from '../../hooks/queries';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useFormValues } from '../../hooks/useFormValues';
import { useStartJob } from '../../hooks/useStartJob';
import { plural } from '../../lib/format';
import { lastMirrorTarget, rememberMirrorTarget } from '../../lib/storage';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { ErrorNotice } from '../common/ErrorNotice';
import { ChoiceField, Field } from '../form/Field';
import { TextField } from '../form/TextField';
import { TagPreview, useTagPreview } from './TagPreview';
import {
  TAG_MODES,
  checkValues,
  mirrorRepositoryInput,
  tagSelection,
  type MirrorRepositoryField,
  type MirrorRepositoryValues,
} from './mirror-repository-form';

export function MirrorRepositoryDialog({ connectionId, repository }: { connectionId: string; repository: string }) {
  const lading = useLading();
  const ui = useUi();
  const close = () => ui.close();
  const connections = useConnections().data ?? [];
  const source = useConnection(connectionId);
  const others = connections.filter((c) => c.id !== connectionId);
  const [values, set] = useFormValues<MirrorRepositoryValues>(() => ({
    // The last target, else a connection of the person's own (not a preset), else any other.
    target:
      (connections.find((c) => c.id === lastMirrorTarget()) ?? others.find((c) => !c.preset) ?? others[0] ?? connections[0])?.id ?? '',
    repository,
    mode: 'all',
    list: '',
    pattern: '',
    range: '',
    platforms: '',
    // As Mirror to…: what is attached (signatures, SBOMs) goes along unless unticked.
    referrers: true,
  }));
  const { errors, check } = useFieldErrors<MirrorRepositoryField>();
  const start = useStartJob();
  const { selection, problem } = tagSelection(values);
  const preview = useTagPreview(connectionId, repository, selection);
  const count = preview.data && !problem ? preview.data.selected : undefined;
  // Said after a Mirror press, and gone as soon as the tags typed are fine again.
  const tagsError = errors.tags ? problem : undefined;

  const submit = () => {
    if (!check(checkValues(values))) return;
    rememberMirrorTarget(values.target);
    start.mutate(() => lading['jobs.mirrorRepository'](mirrorRepositoryInput({ connectionId, repository }, values)));
  };

  const input = {
    list: (
      <TextField
        id="mirror-repo-list"
        label="Tags"
        rows={3}
        value={values.list}
        onChange={(v) => set('list', v)}
        error={tagsError}
        hint="Separated by spaces, commas or new lines."
      />
    ),
    pattern: (
      <TextField
        id="mirror-repo-pattern"
        label="Pattern"
        value={values.pattern}
        onChange={(v) => set('pattern', v)}
        error={tagsError}
        placeholder="v1\.2\..*"
        hint="A regular expression, matched against the whole tag."
      />
    ),
    semver: (
      <TextField
        id="mirror-repo-range"
        label="Versions"
        value={values.range}
        onChange={(v) => set('range', v)}
        error={tagsError}
        placeholder=">=1.2 <2"
        hint="npm's range syntax (>=1.2 <2, ^1.4, 1.x); tags such as v1.2.3 and 1.2 count as versions, pre-releases only when the range names one."
      />
    ),
    all: null,
  }[values.mode];

  return (
    <Dialog
      name="mirror-repository"
      title="Mirror repository"
      onClose={close}
      onSubmit={submit}
      wide
      footer={
        <DialogButtons
          onCancel={close}
          submitLabel={count === undefined ? 'Mirror' : `Mirror ${plural(count, 'tag')}`}
          pending={start.isPending}
          disabled={count === 0}
        />
      }
    >
      <p className="image-summary">
        <code>
          {source?.host ?? ''}/{repository}
        </code>
      </p>
      <p>
        Copies the chosen tags, one job: blobs the tags share go once, tags already there with the same digest are skipped, and a tag that
        fails does not stop the others.
      </p>
      <div className="form-grid">
        <Field id="mirror-repo-target" label="To connection" error={errors.target}>
          <select id="mirror-repo-target" value={values.target} onChange={(e) => set('target', e.target.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.host})
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id="mirror-repo-repository"
          label="Repository"
          value={values.repository}
          onChange={(v) => set('repository', v)}
          error={errors.repository}
        />
        <ChoiceField id="mirror-repo-mode" label="Which tags" radio>
          {TAG_MODES.map(({ mode, label }) => (
            <label key={mode} className="radio">
              <input type="radio" name="mirror-repo-mode" value={mode} checked={values.mode === mode} onChange={() => set('mode', mode)} />
              {label}
            </label>
          ))}
        </ChoiceField>
        {input}
        <TextField
          id="mirror-repo-platforms"
          label="Platforms"
          value={values.platforms}
          onChange={(v) => set('platforms', v)}
          error={errors.platforms}
          placeholder="all"
          hint="Of multi-platform images, only these (e.g. linux/amd64, linux/arm64); empty copies every platform."
        />
        <ChoiceField id="mirror-repo-referrers" label="Referrers">
          <label className="check">
            <input type="checkbox" checked={values.referrers} onChange={(e) => set('referrers', e.target.checked)} />
            Copy signatures, SBOMs and attestations too
          </label>
        </ChoiceField>
      </div>
      <TagPreview preview={preview} problem={problem} />
      {start.isError && <ErrorNotice error={start.error} />}
    </Dialog>
  );
}
