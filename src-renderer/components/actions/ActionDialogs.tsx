/** Picks the open action dialog. */
import { useUi } from '../../context/ui';
import { ExtractDialog } from './ExtractDialog';
import { MirrorDialog } from './MirrorDialog';
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
    case 'retag':
      return <RetagDialog image={dialog.image} />;
    case 'deleteTag':
      return <DeleteDialog image={dialog.image} />;
    default:
      return null;
  }
}
