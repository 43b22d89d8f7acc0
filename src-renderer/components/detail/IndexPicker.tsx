/** For tabs that need one image: an index asks which platform. */
import type { ManifestView } from '../../../src-shared/contract';
import { platformsOf } from '../../lib/manifest';
import { useNavigation, type TabId } from '../../context/navigation';

export function IndexPicker({ view, what, tab }: { view: ManifestView; what: string; tab: TabId }) {
  const { dispatch } = useNavigation();
  return (
    <div className="index-picker">
      <p>This is an index of several images. Pick a platform to see its {what}:</p>
      <div className="platform-list">
        {platformsOf(view).map((p) => (
          <button
            key={p.digest}
            type="button"
            className="chip"
            onClick={() => dispatch({ type: 'drill', reference: p.digest, ...(p.platform ? { platform: p.platform } : {}), tab })}
          >
            {p.platform ?? p.digest}
          </button>
        ))}
      </div>
    </div>
  );
}
