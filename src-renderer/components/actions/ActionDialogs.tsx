/** Picks the open action dialog. */
import { useUi } from '../../context/ui';
import { ExtractDialog } from './ExtractDialog';
import { MirrorRepositoryDialog } from '../mirror-repository/MirrorRepositoryDialog';
import { MirrorDialog } from './MirrorDialog';
import { SaveArchiveDialog } from './SaveArchiveDialog';
import { SaveLayersDialog } from './SaveLayersDialog';
import { SaveLayoutDialog } from './SaveLayoutDialog';

export function ActionDialogs() {
  const { dialog } = useUi();
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'saveLayers':
      return <SaveLayersDialog image={dialog.image} {...(dialog.layers ? { layers: dialog.layers } : {})} />;
    case 'saveLayout':
      return <SaveLayoutDialog image={dialog.image} />;
    case 'extract':
      return <ExtractDialog image={dialog.image} />;
    case 'mirror':
      return <MirrorDialog image={dialog.image} />;
    case 'saveArchive':
      return <SaveArchiveDialog image={dialog.image} />;
    case 'mirrorRepository':
      return <MirrorRepositoryDialog connectionId={dialog.connectionId} repository={dialog.repository} />;
    default:
      return null;
  }
}
