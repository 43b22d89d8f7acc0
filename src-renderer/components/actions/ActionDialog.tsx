/**
 * The frame of every action dialog (save layers, save a layout, extract,
 * mirror): the image it acts on, one sentence on what the job will do, the
 * fields in the form grid, then why the job did not start. Cancel or Escape
 * closes it; a started job closes it and shows in the jobs panel.
 */
import type { ReactNode } from 'react';
import { useUi, type ImageRef } from '../../context/ui';
import { useManifest } from '../../hooks/queries';
import type { useStartJob } from '../../hooks/useStartJob';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { ErrorNotice } from '../common/ErrorNotice';
import { FieldError } from '../form/FieldError';
import { ImageSummary } from './ImageSummary';

interface ActionDialogProps {
  /** `data-dialog` (tests) and the title's id. */
  name: string;
  title: string;
  image: ImageRef;
  intro: ReactNode;
  submitLabel: string;
  onSubmit: () => void;
  /** What the submit started: a job (useStartJob), or any other mutation (retag, delete). */
  start: Pick<ReturnType<typeof useStartJob>, 'isPending' | 'isError' | 'error'>;
  /** Nothing to submit yet (a confirmation not typed). */
  submitDisabled?: boolean;
  /** A problem with the choices as a whole (no platform picked), shown under the fields. */
  formError?: string | undefined;
  /** The fields (Field, TextField, FolderField...). */
  children: ReactNode;
}

export function ActionDialog({
  name,
  title,
  image,
  intro,
  submitLabel,
  onSubmit,
  start,
  submitDisabled,
  formError,
  children,
}: ActionDialogProps) {
  const ui = useUi();
  const buttons = (
    <DialogButtons onCancel={() => ui.close()} submitLabel={submitLabel} pending={start.isPending} disabled={submitDisabled ?? false} />
  );
  return (
    <Dialog name={name} title={title} onClose={() => ui.close()} onSubmit={onSubmit} footer={buttons}>
      <ImageSummary image={image} />
      <p>{intro}</p>
      <div className="form-grid">{children}</div>
      <FieldError error={formError} />
      {start.isError && <ErrorNotice error={start.error} />}
    </Dialog>
  );
}

/** The image a job reads, as the contract names it (the platform it was reached through is the dialog's, not the job's). */
export function imageSource({ connectionId, repository, reference }: ImageRef) {
  return { connectionId, repository, reference };
}

/** The manifest of the image acted on (the detail pane has read it already), and the same view when it is an index. */
export function useActionImage(image: ImageRef) {
  const view = useManifest(image.connectionId, image.repository, image.reference).data;
  return { view, index: view?.kind === 'index' ? view : undefined };
}
