/**
 * Save… for an attachment's original document (an SBOM as its tool wrote
 * it): one layer, byte for byte, to a new file. Main writes it under a
 * temporary name and renames it when whole; a file that exists is refused.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { DescriptorView } from '../../../src-shared/contract';
import type { SavedAttachment } from '../../../src-shared/referrers';
import { useLading } from '../../context/lading';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { formatBytes, shortDigest } from '../../lib/format';
import { checkPath, joinPath, parentOf } from '../../lib/paths';
import { documentFileName } from '../../lib/referrers';
import { lastFolder, rememberFolder } from '../../lib/storage';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { ErrorNotice } from '../common/ErrorNotice';
import { FolderField } from '../actions/FolderField';

interface SaveAttachmentDialogProps {
  connectionId: string;
  repository: string;
  /** The referrer's manifest digest. */
  referrer: string;
  layer: DescriptorView;
  /** What is saved, for the intro: "the SPDX SBOM". */
  what: string;
  onClose: () => void;
  onSaved: (saved: SavedAttachment) => void;
}

export function SaveAttachmentDialog({ connectionId, repository, referrer, layer, what, onClose, onSaved }: SaveAttachmentDialogProps) {
  const lading = useLading();
  const name = documentFileName(layer);
  const [path, setPath] = useState(() => joinPath(lastFolder(), name));
  const { errors, check } = useFieldErrors<'path'>();
  const save = useMutation({
    mutationFn: (target: string) => lading['referrers.save']({ connectionId, repository, referrer, layer: layer.digest, path: target }),
    onSuccess: (saved) => {
      rememberFolder(parentOf(saved.path));
      onSaved(saved);
      onClose();
    },
  });
  const submit = () => {
    if (!check({ path: checkPath(path) })) return;
    save.mutate(path.trim());
  };
  return (
    <Dialog
      name="save-attachment"
      title="Save document"
      onClose={onClose}
      onSubmit={submit}
      footer={<DialogButtons onCancel={onClose} submitLabel="Save" pending={save.isPending} pendingLabel="Saving…" />}
    >
      <p>
        Saves {what} exactly as stored (layer <code>{shortDigest(layer.digest)}</code>, {formatBytes(layer.size)}): the file's sha256 is the
        layer's digest.
      </p>
      <div className="form-grid">
        <FolderField
          id="save-attachment-path"
          label="Save as"
          value={path}
          onChange={setPath}
          error={errors.path}
          hint="A new file."
          suggestName={name}
        />
      </div>
      {save.isError && <ErrorNotice error={save.error} />}
    </Dialog>
  );
}
