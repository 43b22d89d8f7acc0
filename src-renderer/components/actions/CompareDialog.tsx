/** Compare…: pick another tag of the same repository, or any reference; the Compare tab shows the difference. */
import { useState } from 'react';
import { useNavigation } from '../../context/navigation';
import { useUi, type ImageRef } from '../../context/ui';
import { useConnections, useTags } from '../../hooks/queries';
import { compareTarget } from '../../lib/compare-target';
import { imageName } from '../../lib/reference';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { Field } from '../form/Field';
import { ImageSummary } from './ImageSummary';

export function CompareDialog({ image }: { image: ImageRef }) {
  const ui = useUi();
  const { state, dispatch } = useNavigation();
  const connections = useConnections();
  const tags = useTags(image.connectionId, image.repository, '');
  const [text, setText] = useState(() => (state.compare ? imageName(state.compare.repository, state.compare.reference) : ''));
  const [error, setError] = useState<string>();
  const choices = (tags.data?.pages.flatMap((p) => p.tags) ?? []).filter((t) => t !== image.reference).slice(0, 500);

  const submit = () => {
    const target = compareTarget(text, image, connections.data ?? []);
    if (!target.ok) {
      setError(target.message);
      return;
    }
    dispatch({ type: 'compare', with: target.value });
    ui.close();
  };

  return (
    <Dialog
      name="compare"
      title="Compare with another image"
      onClose={() => ui.close()}
      onSubmit={submit}
      footer={<DialogButtons onCancel={() => ui.close()} submitLabel="Compare" />}
    >
      <ImageSummary image={image} />
      <p>Layers, config and files of this image against another: a tag of {image.repository}, or any reference on a saved connection.</p>
      <div className="form-grid">
        <Field
          id="compare-with"
          label="Compare with"
          error={error}
          hint={`A tag (${choices.slice(0, 2).join(', ') || 'v2'}), a digest, repository:tag, or host/repository:tag`}
        >
          <input
            id="compare-with"
            type="text"
            list="compare-tags"
            value={text}
            autoFocus
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setError(undefined);
            }}
          />
          <datalist id="compare-tags">
            {choices.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </Field>
      </div>
    </Dialog>
  );
}
