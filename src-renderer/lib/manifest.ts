/** Facts derived from a ManifestView for the tabs. */
import type { IndexChildView, ManifestView } from '../../src-shared/contract';

export type DigestRole =
  | { kind: 'child'; child: IndexChildView }
  | { kind: 'config' }
  | { kind: 'layer'; index: number }
  | { kind: 'subject' }
  | { kind: 'self' }
  | { kind: 'other' };

/** What a digest in this manifest's JSON points at. */
export function digestRole(view: ManifestView, digest: string): DigestRole {
  if (digest === view.digest) return { kind: 'self' };
  const child = view.manifests?.find((m) => m.digest === digest);
  if (child) return { kind: 'child', child };
  if (view.config?.digest === digest) return { kind: 'config' };
  const index = view.layers?.findIndex((l) => l.digest === digest) ?? -1;
  if (index >= 0) return { kind: 'layer', index };
  if (view.subject?.digest === digest) return { kind: 'subject' };
  return { kind: 'other' };
}

export function describeRole(role: DigestRole): string {
  switch (role.kind) {
    case 'child':
      return role.child.attestation ? 'Open this attestation manifest' : `Open the ${role.child.platform ?? ''} image`.replace('  ', ' ');
    case 'config':
      return 'Show the image config';
    case 'layer':
      return `Show layer ${role.index + 1} (save it from there)`;
    case 'subject':
      return 'Open the subject manifest';
    case 'self':
      return 'This manifest';
    case 'other':
      return 'Open as a manifest';
  }
}

/** Platforms of an index a person would pick (no attestations). */
export function platformsOf(view: ManifestView): IndexChildView[] {
  return (view.manifests ?? []).filter((m) => !m.attestation);
}

/** `linux/arm64/v8` -> parts. */
export function splitPlatform(platform: string | undefined): { os: string; architecture: string; variant: string } {
  const [os = '', architecture = '', variant = ''] = (platform ?? '').split('/');
  return { os, architecture, variant };
}

/** The default pick for an index: linux/amd64 when there, else the first platform. */
export function defaultPlatform(view: ManifestView): string | undefined {
  const platforms = platformsOf(view);
  return (platforms.find((p) => p.platform === 'linux/amd64') ?? platforms[0])?.platform;
}

/** The platform names of an index (no attestations), e.g. `linux/amd64`, `linux/arm64/v8`. */
export function platformNames(view: ManifestView): string[] {
  return platformsOf(view).flatMap((p) => (p.platform ? [p.platform] : []));
}
