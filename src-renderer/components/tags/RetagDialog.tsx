/**
 * Retag…: the image on show under another tag of its repository, byte for
 * byte (nothing is copied). A tag that exists and points elsewhere moves
 * only when the person ticks "Move it here", after being told where it points.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLading } from '../../context/lading';
import { useNavigation } from '../../context/navigation';
import { useUi, type ImageRef } from '../../context/ui';
import { connKey } from '../../hooks/queries';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { recheckTagFacts } from '../../hooks/useTagFacts';
import { appErrorOf } from '../../lib/errors';
import { shortDigest } from '../../lib/format';
import { imageName } from '../../lib/reference';
import { ActionDialog } from '../actions/ActionDialog';
import { TextField } from '../form/TextField';
import { retagProblem } from './tag-dialogs';

export function RetagDialog({ image }: { image: ImageRef }) {
  const lading = useLading();
  const ui = useUi();
  const { dispatch } = useNavigation();
  const client = useQueryClient();
  const [tag, setTag] = useState('');
  const [move, setMove] = useState(false);
  const { errors, check } = useFieldErrors<'tag'>();
  const retag = useMutation({
    mutationFn: (input: { tag: string; move: boolean }) =>
      lading['tags.retag']({
        connectionId: image.connectionId,
        repository: image.repository,
        reference: image.reference,
        tag: input.tag,
        ...(input.move ? { move: true } : {}),
      }),
    onSuccess: async (result) => {
      recheckTagFacts(image.connectionId, image.repository);
      await client.invalidateQueries({ queryKey: [...connKey(image.connectionId), 'tags', image.repository] });
      ui.close();
      dispatch({
        type: 'openReference',
        connectionId: image.connectionId,
        repository: image.repository,
        reference: result.tag,
        reveal: true,
      });
    },
  });
  // The tag exists elsewhere: say where, and offer to move it.
  const failure = retag.isError ? appErrorOf(retag.error) : undefined;
  const exists = failure?.code === 'exists' && typeof failure.details?.digest === 'string' ? failure.details.digest : undefined;

  const submit = () => {
    const t = tag.trim();
    if (!check({ tag: retagProblem(t, image.reference) })) return;
    if (exists && !move) return;
    retag.mutate({ tag: t, move });
  };

  return (
    <ActionDialog
      name="retag"
      title="Retag"
      image={image}
      intro={`Puts the manifest of ${imageName(image.repository, image.reference)} under another tag of this repository, byte for byte (an index stays an index). Nothing is copied.`}
      submitLabel={exists ? 'Move the tag' : 'Retag'}
      submitDisabled={exists !== undefined && !move}
      onSubmit={submit}
      start={retag}
    >
      <TextField
        id="retag-tag"
        label="New tag"
        value={tag}
        onChange={(value) => {
          setTag(value);
          setMove(false);
          retag.reset();
        }}
        error={errors.tag}
        hint="Letters, digits, “_”, “.” and “-”, up to 128, not starting with “.” or “-”"
        autoFocus
      />
      {exists && (
        <>
          <span />
          <label className="check">
            <input type="checkbox" checked={move} onChange={(e) => setMove(e.target.checked)} /> Move “{tag.trim()}” here (it points at{' '}
            <code title={exists}>{shortDigest(exists)}</code> now)
          </label>
        </>
      )}
    </ActionDialog>
  );
}
