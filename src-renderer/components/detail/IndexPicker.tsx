/** For tabs that need one image: an index asks which platform. */
import type { ManifestView } from '../../../src-shared/contract';
import type { TabId } from '../../context/navigation';
import { PlatformChips } from './PlatformChips';

export function IndexPicker({ view, what, tab }: { view: ManifestView; what: string; tab: TabId }) {
  return (
    <div className="index-picker">
      <p>This is an index of several images. Pick a platform to see its {what}:</p>
      <PlatformChips view={view} tab={tab} />
    </div>
  );
}
