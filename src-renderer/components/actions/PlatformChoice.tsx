/** Which image of an index: one (extract, save layers) or several (layout, mirror). */
import { useState } from 'react';
import type { ManifestView } from '../../../src-shared/contract';
import { defaultPlatform, platformNames, platformsOf } from '../../lib/manifest';
import { ChoiceField, Field } from '../form/Field';

export function PlatformSelect({ view, value, onChange }: { view: ManifestView; value: string; onChange: (v: string) => void }) {
  return (
    <Field id="action-platform" label="Platform">
      <select id="action-platform" value={value} onChange={(e) => onChange(e.target.value)}>
        {platformsOf(view).map((p) => (
          <option key={p.digest} value={p.platform ?? ''}>
            {p.platform}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function PlatformChecks({ view, value, onChange }: { view: ManifestView; value: Set<string>; onChange: (v: Set<string>) => void }) {
  const toggle = (platform: string, checked: boolean) => {
    const next = new Set(value);
    if (checked) next.add(platform);
    else next.delete(platform);
    onChange(next);
  };
  return (
    <ChoiceField id="action-platforms" label="Platforms" hint="All checked copies the whole index as it is (attestations included).">
      {platformsOf(view).flatMap(({ digest, platform }) =>
        platform
          ? [
              <label key={digest} className="check">
                <input type="checkbox" checked={value.has(platform)} onChange={(e) => toggle(platform, e.target.checked)} />
                {platform}
              </label>,
            ]
          : [],
      )}
    </ChoiceField>
  );
}

/** Every platform checked: no `platforms` filter (the index is kept byte for byte). */
export function platformFilter(view: ManifestView, chosen: Set<string>): string[] | undefined {
  const all = platformNames(view);
  return all.every((p) => chosen.has(p)) ? undefined : all.filter((p) => chosen.has(p));
}

/** The one platform of an index picked for an extract or a layer save: linux/amd64 when there, else the first. */
export function usePlatformPick(index: ManifestView | undefined) {
  const [platform, setPlatform] = useState(() => (index ? (defaultPlatform(index) ?? '') : ''));
  /** For the job: nothing for a single image. */
  const choice: { platform?: string } = index && platform ? { platform } : {};
  return { platform, setPlatform, choice };
}

/** The platforms of an index picked for a layout or a mirror: all of them at first. */
export function usePlatformPicks(index: ManifestView | undefined) {
  const [picked, setPicked] = useState(() => new Set(index ? platformNames(index) : []));
  return {
    picked,
    setPicked,
    problem: index && picked.size === 0 ? 'Pick at least one platform' : undefined,
    /** For the job: undefined for a single image, or when every platform is picked. */
    filter: index ? platformFilter(index, picked) : undefined,
  };
}
