/** The tags under which referrers live when a registry has no Referrers API. */

/**
 * The referrers tag schema's tag for a digest: `<alg>-<hex>`, the algorithm
 * cut to 32 characters and the hex to 64 (distribution-spec 1.1, so a sha512
 * digest still makes a valid tag).
 */
export function referrersTag(digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':');
  return `${algorithm.slice(0, 32)}-${hex.slice(0, 64)}`;
}

export type CosignSuffix = 'sig' | 'att' | 'sbom';

export const COSIGN_SUFFIXES: readonly CosignSuffix[] = ['sig', 'att', 'sbom'];

/** cosign's tag for a digest: `sha256-<hex>.sig` (or `.att`, `.sbom`). */
export function cosignTag(digest: string, suffix: CosignSuffix): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}
