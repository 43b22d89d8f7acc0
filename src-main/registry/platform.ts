/**
 * Platforms: parsing `os/arch[/variant]`, normalising the many spellings of an
 * architecture, and picking one image from an index. The default is stated:
 * `linux/amd64`.
 */
import { InvalidReferenceError } from './errors';
import type { Descriptor, Platform } from './types';

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const ARCH_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
};

/** `arm64/v8` is plain `arm64`; `aarch64` is `arm64`; `armhf` is `arm/v7`; os and arch lower-cased. */
export function normalizePlatform(p: Platform): Platform {
  const os = (p.os ?? '').toLowerCase();
  let architecture = (p.architecture ?? '').toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  const alias = ARCH_ALIASES[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant = variant ?? alias.variant;
  }
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  const out: Platform = { os, architecture };
  if (variant) out.variant = variant;
  if (p['os.version']) out['os.version'] = p['os.version'];
  return out;
}

export function parsePlatform(value: string | Platform): Platform {
  if (typeof value !== 'string') return normalizePlatform(value);
  const parts = value.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => x === '')) {
    throw new InvalidReferenceError(`Platform "${value}" is invalid: expected "os/arch" or "os/arch/variant", e.g. "linux/arm64"`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform(variant ? { os, architecture, variant } : { os, architecture });
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** buildx stores provenance and SBOMs as index entries for `unknown/unknown`. */
export function isAttestation(d: Descriptor): boolean {
  if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown';
}

/** Does `candidate` satisfy `wanted`? A wanted variant or os.version must match; an absent one matches any. */
export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  const c = normalizePlatform(candidate);
  const w = normalizePlatform(wanted);
  if (c.os !== w.os || c.architecture !== w.architecture) return false;
  if (w.variant && c.variant !== w.variant) return false;
  if (w['os.version'] && c['os.version'] !== w['os.version']) return false;
  return true;
}

/**
 * Picks the image for a platform from an index's entries. An exact variant
 * match wins over a variant-less one (`linux/arm` prefers `arm/v7` only when
 * asked); attestation entries are never picked.
 */
export function selectPlatform(manifests: Descriptor[], wanted: Platform): Descriptor | undefined {
  const candidates = manifests.filter((d) => d.platform && !isAttestation(d) && platformMatches(d.platform, wanted));
  const w = normalizePlatform(wanted);
  return candidates.find((d) => normalizePlatform(d.platform!).variant === w.variant) ?? candidates[0];
}

/** The platforms an index offers, attestations left out. */
export function listPlatforms(manifests: Descriptor[]): Platform[] {
  return manifests.filter((d) => d.platform && !isAttestation(d)).map((d) => normalizePlatform(d.platform!));
}
