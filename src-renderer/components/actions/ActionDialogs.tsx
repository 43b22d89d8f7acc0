/** Picks the open action dialog. */
import { useUi } from '../../context/ui';
import { CompareDialog } from './CompareDialog';
import { ExtractDialog } from './ExtractDialog';
import { MirrorDialog } from './MirrorDialog';
import { SaveFilesDialog } from './SaveFilesDialog';
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
    case 'saveFiles':
      return <SaveFilesDialog image={dialog.image} path={dialog.path} directory={dialog.directory} />;
    case 'compare':
      return <CompareDialog image={dialog.image} />;
    default:
      return null;
  }
}
