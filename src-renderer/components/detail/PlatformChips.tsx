/** The platforms of an index as buttons: a click opens that image (on `tab`, or staying on the tab shown). */
import type { ManifestView } from '../../../src-shared/contract';
import { openChild, useNavigation, type TabId } from '../../context/navigation';
import { platformsOf } from '../../lib/manifest';

export function PlatformChips({ view, tab }: { view: ManifestView; tab?: TabId }) {
  const { dispatch } = useNavigation();
  return (
    <span className="platform-list">
      {platformsOf(view).map((p) => (
        <button
          key={p.digest}
          type="button"
          className="chip"
          title={`Open the ${p.platform ?? p.digest} image`}
          onClick={() => dispatch(openChild(p, tab))}
        >
          {p.platform ?? p.digest}
        </button>
      ))}
    </span>
  );
}
