/** Where the panes are (src-renderer/lib/nav-state.ts) and what the manifest's digests open (lib/manifest.ts). */
import { describe, expect, it } from 'vitest';
import type { ManifestView } from '../../src-shared/contract';
import { describeRole, defaultPlatform, digestRole } from '../../src-renderer/lib/manifest';
import { currentImage, navReducer, openChild, type NavState } from '../../src-renderer/lib/nav-state';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const start: NavState = { trail: [], tab: 'overview', revealTag: 0 };

describe('navReducer', () => {
  it('opens an index child with its platform, on the tab asked for or the one shown', () => {
    expect(openChild({ digest: d('a'), platform: 'linux/amd64' }, 'layers')).toEqual({
      type: 'drill',
      reference: d('a'),
      platform: 'linux/amd64',
      tab: 'layers',
    });
    expect(openChild({ digest: d('b') })).toEqual({ type: 'drill', reference: d('b') });
  });

  it('opens a repository, a tag, drills into an index child and back', () => {
    let s = navReducer(start, { type: 'openRepository', connectionId: 'c', repository: 'r' });
    expect(currentImage(s)).toBeUndefined();
    s = navReducer(s, { type: 'openReference', connectionId: 'c', repository: 'r', reference: 'v1' });
    s = navReducer(s, { type: 'tab', tab: 'index' });
    s = navReducer(s, { type: 'drill', reference: d('a'), platform: 'linux/arm64/v8' });
    // Leaving an index for an image leaves the Index tab too.
    expect(s.tab).toBe('overview');
    expect(currentImage(s)).toEqual({ connectionId: 'c', repository: 'r', reference: d('a'), platform: 'linux/arm64/v8' });
    s = navReducer(s, { type: 'tab', tab: 'config' });
    s = navReducer(s, { type: 'back', depth: 0 });
    expect(currentImage(s)).toEqual({ connectionId: 'c', repository: 'r', reference: 'v1' });
    expect(s.tab).toBe('config');
  });

  it('keeps the tab across tags, and forgets a removed connection', () => {
    let s = navReducer(start, { type: 'openReference', connectionId: 'c', repository: 'r', reference: 'v1' });
    s = navReducer(s, { type: 'tab', tab: 'layers' });
    s = navReducer(s, { type: 'openReference', connectionId: 'c', repository: 'r', reference: 'v2', reveal: true });
    expect(s).toMatchObject({ tab: 'layers', reference: 'v2', revealTag: 1 });
    expect(navReducer(s, { type: 'forgetConnection', connectionId: 'other' })).toBe(s);
    const forgotten = navReducer(s, { type: 'forgetConnection', connectionId: 'c' });
    expect(forgotten.connectionId).toBeUndefined();
    expect(forgotten.tab).toBe('layers');
  });
});

describe('digests in a manifest', () => {
  const index: ManifestView = {
    repository: 'r',
    reference: 'v1',
    kind: 'index',
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: d('0'),
    size: 1,
    annotations: {},
    raw: '{}',
    manifests: [
      { mediaType: 'm', digest: d('1'), size: 1, platform: 'linux/arm64/v8', attestation: false },
      { mediaType: 'm', digest: d('2'), size: 1, platform: 'linux/amd64', attestation: false },
      { mediaType: 'm', digest: d('3'), size: 1, platform: 'unknown/unknown', attestation: true },
    ],
  };
  const image: ManifestView = {
    repository: 'r',
    reference: 'v1',
    kind: 'image',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: d('4'),
    size: 1,
    annotations: {},
    raw: '{}',
    config: { mediaType: 'c', digest: d('5'), size: 1 },
    layers: [
      { mediaType: 'l', digest: d('6'), size: 1 },
      { mediaType: 'l', digest: d('7'), size: 1 },
    ],
    subject: { mediaType: 'm', digest: d('8'), size: 1 },
  };

  it('says what each digest opens', () => {
    expect(digestRole(index, d('2'))).toMatchObject({ kind: 'child', child: { platform: 'linux/amd64' } });
    expect(describeRole(digestRole(index, d('2')))).toBe('Open the linux/amd64 image');
    expect(describeRole(digestRole(index, d('3')))).toBe('Open this attestation manifest');
    expect(digestRole(image, d('5'))).toEqual({ kind: 'config' });
    expect(digestRole(image, d('7'))).toEqual({ kind: 'layer', index: 1 });
    expect(digestRole(image, d('8'))).toEqual({ kind: 'subject' });
    expect(digestRole(image, d('4'))).toEqual({ kind: 'self' });
    expect(digestRole(image, d('9'))).toEqual({ kind: 'other' });
  });

  it('picks linux/amd64 by default, never an attestation', () => {
    expect(defaultPlatform(index)).toBe('linux/amd64');
    expect(defaultPlatform({ ...index, manifests: index.manifests!.filter((m) => m.platform !== 'linux/amd64') })).toBe('linux/arm64/v8');
  });
});
