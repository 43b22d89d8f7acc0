/**
 * Reading an image from a place that serves manifests and blobs (the idea of
 * go-containerregistry's `partial`): a registry repository and an OCI layout
 * differ only in how they name and read a manifest, so getImage and
 * getImageConfig are written once, here, over those two needs. From a
 * manifest that may be an index, the walk down to the image for one platform
 * is the same for both.
 */
import { ImageNotFoundError, InvalidManifestError } from './errors';
import { createImage, type BlobSource, type Image } from './image';
import type { ManifestResult } from './manifest';
import { DEFAULT_PLATFORM, formatPlatform, listPlatforms, parsePlatform, selectPlatform } from './platform';
import type { Reference } from './reference';
import type { CallOptions, ConfigFile, Descriptor, ImageOptions, Platform } from './types';

/** An index may point at another index (nested indexes are allowed); two levels are plenty. */
const MAX_INDEX_DEPTH = 2;

/** How a place names and reads its manifests: what reading an image needs beyond its blobs. */
export interface ManifestReader {
  /** A tag or digest as this place names them (a layout also takes any OCI ref.name). */
  parseTag(tag: string): Reference;
  /** Words for messages, e.g. `image localhost:5000/app:v1`. */
  describe(ref: Reference): string;
  /** The manifest `ref` names; `entry`, the index entry that led here, is checked against what is read. */
  readManifest(ref: Reference, opts: CallOptions, entry?: Descriptor): Promise<ManifestResult>;
}

/** The image `tag` names in `source`; from an index, the one for `opts.platform` (default linux/amd64). */
export async function readImage(source: BlobSource, manifests: ManifestReader, tag: string, opts: ImageOptions): Promise<Image> {
  const ref = manifests.parseTag(tag);
  // Checked before any request: a bad platform is the caller's mistake, whatever the place holds.
  const wanted = wantedPlatform(opts.platform);
  const first = await manifests.readManifest(ref, opts);
  const result = await resolveImageManifest(
    first,
    wanted,
    (entry) => manifests.readManifest({ kind: 'digest', digest: entry.digest }, opts, entry),
    manifests.describe(ref),
    opts.signal,
  );
  return createImage(source, result);
}

export async function readImageConfig(source: BlobSource, manifests: ManifestReader, tag: string, opts: ImageOptions): Promise<ConfigFile> {
  return (await readImage(source, manifests, tag, opts)).getConfig(opts);
}

function wantedPlatform(platform: string | Platform | undefined): Platform {
  return platform === undefined ? DEFAULT_PLATFORM : parsePlatform(platform);
}

async function resolveImageManifest(
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
