/** Which image of an index: one (extract, save layers) or several (layout, mirror). */
import type { ManifestView } from '../../../src-shared/contract';
import { platformsOf } from '../../lib/manifest';

export function PlatformSelect({ view, value, onChange }: { view: ManifestView; value: string; onChange: (v: string) => void }) {
  return (
    <>
      <label htmlFor="action-platform">Platform</label>
      <select id="action-platform" value={value} onChange={(e) => onChange(e.target.value)}>
        {platformsOf(view).map((p) => (
          <option key={p.digest} value={p.platform ?? ''}>
            {p.platform}
          </option>
        ))}
      </select>
    </>
  );
}

export function PlatformChecks({ view, value, onChange }: { view: ManifestView; value: Set<string>; onChange: (v: Set<string>) => void }) {
  const platforms = platformsOf(view).filter((p) => p.platform);
  return (
    <>
      <span className="label">Platforms</span>
      <div className="checks">
        {platforms.map((p) => (
          <label key={p.digest} className="check">
            <input
              type="checkbox"
              checked={value.has(p.platform!)}
              onChange={(e) => {
                const next = new Set(value);
                if (e.target.checked) next.add(p.platform!);
                else next.delete(p.platform!);
                onChange(next);
              }}
            />
            {p.platform}
          </label>
        ))}
        <div className="field-help">All checked copies the whole index as it is (attestations included).</div>
      </div>
    </>
  );
}

/** Every platform checked: no `platforms` filter (the index is kept byte for byte). */
export function platformFilter(view: ManifestView, chosen: Set<string>): string[] | undefined {
  const all = platformsOf(view).flatMap((p) => (p.platform ? [p.platform] : []));
  return all.every((p) => chosen.has(p)) ? undefined : all.filter((p) => chosen.has(p));
}
