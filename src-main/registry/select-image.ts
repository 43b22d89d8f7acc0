/**
 * From a manifest that may be an index to the image for one platform: the
 * same walk for a registry and for an OCI layout, only the way a child
 * manifest is read differs.
 */
import { ImageNotFoundError, InvalidManifestError } from './errors';
import type { ManifestResult } from './manifest';
import { DEFAULT_PLATFORM, formatPlatform, listPlatforms, parsePlatform, selectPlatform } from './platform';
import type { Descriptor, Platform } from './types';

/** An index may point at another index (nested indexes are allowed); two levels are plenty. */
const MAX_INDEX_DEPTH = 2;

export function wantedPlatform(platform: string | Platform | undefined): Platform {
  return platform === undefined ? DEFAULT_PLATFORM : parsePlatform(platform);
}

export async function resolveImageManifest(
  first: ManifestResult,
  wanted: Platform,
  readChild: (entry: Descriptor) => Promise<ManifestResult>,
  subject: string,
  signal?: AbortSignal,
): Promise<ManifestResult> {
  let result = first;
  for (let depth = 0; result.isIndex(); depth++) {
    if (depth >= MAX_INDEX_DEPTH) throw new InvalidManifestError(`${subject}: indexes nested more than two deep`);
    const index = result.getIndexManifest();
    const entry = selectPlatform(index.manifests, wanted);
    if (!entry) {
      const available = listPlatforms(index.manifests).map(formatPlatform).join(', ') || 'none';
      throw new ImageNotFoundError(`${subject} has no image for ${formatPlatform(wanted)} (available: ${available})`, { status: 404 });
    }
    signal?.throwIfAborted();
    result = await readChild(entry);
  }
  return result;
}
