/**
 * Delete…: names exactly what goes before anything does. A tag can go alone
 * (the registry deletes it, or Lading points it at a placeholder and deletes
 * that) or with its image: deleting the digest removes every tag at it, and
 * those Lading knows of are listed, with how many tags were never checked.
 * The person types the tag (or the short digest) to confirm; a registry
 * that refused deletes before is said so up front.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLading } from '../../context/lading';
import { useNavigation } from '../../context/navigation';
import { useUi, type ImageRef } from '../../context/ui';
import { connKey } from '../../hooks/queries';
import { recheckTagFacts } from '../../hooks/useTagFacts';
import { formatBytes, plural, shortDigest } from '../../lib/format';
import { imageName, tagOf } from '../../lib/reference';
import { ActionDialog } from '../actions/ActionDialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { Field } from '../form/Field';
import { TextField } from '../form/TextField';
import { confirmationWords, confirmed, deleteChoices, type DeleteChoice } from './tag-dialogs';

const MAX_LISTED = 50;

export function DeleteDialog({ image }: { image: ImageRef }) {
  const lading = useLading();
  const ui = useUi();
  const { state, dispatch } = useNavigation();
  const client = useQueryClient();
  const { connectionId, repository, reference } = image;
  const tag = tagOf(reference);
  const choices = deleteChoices(reference);
  const [choice, setChoice] = useState<DeleteChoice>(choices[0]!);
  const [typed, setTyped] = useState('');
  const plan = useQuery({
    queryKey: [...connKey(connectionId), 'delete-plan', repository, reference],
    queryFn: () => lading['tags.deletePlan']({ connectionId, repository, reference }),
    staleTime: 0,
    gcTime: 0,
  });
  const remove = useMutation({
    mutationFn: (input: { digest: string; how: DeleteChoice }) => lading['tags.delete']({ connectionId, repository, reference, ...input }),
    onSuccess: async () => {
      recheckTagFacts(connectionId, repository);
      await client.invalidateQueries({ queryKey: [...connKey(connectionId), 'tags', repository] });
      ui.close();
      if (state.connectionId === connectionId && state.repository === repository)
        dispatch({ type: 'openRepository', connectionId, repository });
    },
    // What the registry refused is remembered by the plan: read it again.
    onError: () => void plan.refetch(),
  });

  const p = plan.data;
  const words = p ? confirmationWords(p, choice) : [];
  const disabled = p?.deletion === 'disabled';
  const ok = p !== undefined && !disabled && confirmed(typed, words);
  const submit = () => {
    if (ok) remove.mutate({ digest: p.digest, how: choice });
  };
  const others = p ? p.tagsAtDigest.filter((t) => t !== tag) : [];

  return (
    <ActionDialog
      name="delete-tag"
      title={tag ? 'Delete tag' : 'Delete image'}
      image={image}
      intro={`Nothing is deleted until you type what goes below. Deleting cannot be undone.`}
      submitLabel="Delete"
      submitDisabled={!ok}
      onSubmit={submit}
      start={remove}
    >
      {plan.isPending && <Loading what="what would be deleted" />}
      {plan.isError && <ErrorNotice error={plan.error} onRetry={() => void plan.refetch()} />}
      {p && (
        <>
          <Field id="delete-what" label="Delete">
            <div id="delete-what" role="radiogroup" aria-label="What to delete" className="delete-choices">
              {choices.map((c) => (
                <label key={c} className="check">
                  <input
                    type="radio"
                    name="delete-how"
                    value={c}
                    checked={choice === c}
                    onChange={() => {
                      setChoice(c);
                      setTyped('');
                    }}
                  />{' '}
                  {c === 'placeholder' ? (
                    <span>
                      Only the tag <code>{tag}</code>: the image and its other tags stay
                      {p.tagDeletion === 'refused' && (
                        <span className="dim">
                          {' '}
                          (this registry deletes by digest only: Lading points the tag at a placeholder of its own and deletes that; needs
                          push rights)
                        </span>
                      )}
                    </span>
                  ) : (
                    <span>
                      The image <code title={p.digest}>{shortDigest(p.digest)}</code>
                      {p.summary ? ` (${formatBytes(p.summary.size)})` : ''} and every tag pointing at it
                    </span>
                  )}
                </label>
              ))}
            </div>
          </Field>
          {choice === 'digest' && (
            <Field id="delete-tags" label="Tags that go">
              <div id="delete-tags" data-testid="delete-tags">
                {p.tagsAtDigest.length ? (
                  <ul className="delete-tag-list">
                    {p.tagsAtDigest.slice(0, MAX_LISTED).map((t) => (
                      <li key={t}>
                        <code>{t}</code>
                      </li>
                    ))}
                    {p.tagsAtDigest.length > MAX_LISTED && <li>and {plural(p.tagsAtDigest.length - MAX_LISTED, 'more tag')}</li>}
                  </ul>
                ) : (
                  <span className="dim">No tag Lading knows of</span>
                )}
                {p.uncheckedTags > 0 && (
                  <div className="field-help" data-testid="delete-unchecked">
                    {plural(p.uncheckedTags, 'other tag')} of {repository} {p.uncheckedTags === 1 ? 'was' : 'were'} not checked: any of them
                    may point at this image too and would go with it (sort by date and read all dates to check them).
                  </div>
                )}
              </div>
            </Field>
          )}
          {choice === 'placeholder' && others.length > 0 && (
            <Field id="delete-stay" label="Tags that stay">
              <span id="delete-stay">{others.slice(0, MAX_LISTED).join(', ')}</span>
            </Field>
          )}
          {disabled ? (
            <Field id="delete-disabled" label="">
              <div id="delete-disabled" className="error-notice compact" role="alert">
                This registry refused to delete before (deletion is turned off there): it deletes nothing through its API.
              </div>
            </Field>
          ) : (
            <TextField
              id="delete-confirm"
              label="To confirm, type"
              value={typed}
              onChange={setTyped}
              hint={
                <>
                  <code>{words[0]}</code>
                  {choice === 'digest' && tag ? (
                    <>
                      {' '}
                      or <code>{tag}</code>
                    </>
                  ) : null}{' '}
                  to delete{' '}
                  {choice === 'placeholder' ? `the tag ${imageName(repository, reference)}` : `${shortDigest(p.digest)} and its tags`}
                </>
              }
              autoFocus
            />
          )}
        </>
      )}
    </ActionDialog>
  );
}
