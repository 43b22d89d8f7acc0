/** Picks the open action dialog. */
import { useUi } from '../../context/ui';
import { CompareDialog } from './CompareDialog';
import { ExtractDialog } from './ExtractDialog';
import { MirrorRepositoryDialog } from '../mirror-repository/MirrorRepositoryDialog';
import { MirrorDialog } from './MirrorDialog';
import { SaveArchiveDialog } from './SaveArchiveDialog';
import { SaveFilesDialog } from './SaveFilesDialog';
import { SaveLayersDialog } from './SaveLayersDialog';
import { SaveLayoutDialog } from './SaveLayoutDialog';
import { DeleteDialog } from '../tags/DeleteDialog';
import { RetagDialog } from '../tags/RetagDialog';

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
    case 'saveFiles':
      return <SaveFilesDialog image={dialog.image} path={dialog.path} directory={dialog.directory} />;
    case 'compare':
      return <CompareDialog image={dialog.image} />;
    case 'retag':
      return <RetagDialog image={dialog.image} />;
    case 'deleteTag':
      return <DeleteDialog image={dialog.image} />;
    default:
      return null;
  }
}
