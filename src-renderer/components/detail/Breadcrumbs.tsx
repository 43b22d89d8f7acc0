/** repo:tag › linux/arm64 (sha256:…): where the detail pane is, each step clickable. */
import { useNavigation } from '../../context/navigation';
import { shortDigest } from '../../lib/format';
import { imageName } from '../../lib/reference';

export function Breadcrumbs() {
  const { state, dispatch } = useNavigation();
  if (!state.repository || !state.reference) return null;
  const crumbs = [
    { label: imageName(state.repository, state.reference), depth: 0 },
    ...state.trail.map((c, i) => ({ label: `${c.platform ? `${c.platform} · ` : ''}${shortDigest(c.reference)}`, depth: i + 1 })),
  ];
  const lastDepth = crumbs.length - 1;
  return (
    <nav className="breadcrumbs" aria-label="Opened manifests">
      {crumbs.map((c) => (
        <span key={c.depth} className="crumb">
          {c.depth > 0 && (
            <span className="crumb-sep" aria-hidden="true">
              ›
            </span>
          )}
          {c.depth === lastDepth ? (
            <strong aria-current="page" data-testid="current-crumb">
              {c.label}
            </strong>
          ) : (
            <button type="button" className="link-button" onClick={() => dispatch({ type: 'back', depth: c.depth })}>
              {c.label}
            </button>
          )}
        </span>
      ))}
    </nav>
  );
}
