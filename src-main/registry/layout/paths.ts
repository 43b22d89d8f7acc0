/**
 * Where things live in an OCI image layout (image-spec `image-layout.md`):
 * `oci-layout`, `index.json`, and content-addressed `blobs/<alg>/<hex>`.
 */
import { join } from 'node:path';
import { parseDigest } from '../reference';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const BLOBS_DIR = 'blobs';
/** The version this code writes; any 1.x is read. */
export const IMAGE_LAYOUT_VERSION = '1.0.0';
/** The annotation skopeo (`oci:DIR:TAG`) and umoci (`DIR:TAG`) use as the tag. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export function indexPath(dir: string): string {
  return join(dir, INDEX_FILE);
}

export function layoutFilePath(dir: string): string {
  return join(dir, OCI_LAYOUT_FILE);
}

/** `blobs/sha256`, the directory every layout has (umoci checks for it). */
export function sha256BlobDir(dir: string): string {
  return join(dir, BLOBS_DIR, 'sha256');
}

/** `blobs/<alg>`; the digest is validated first, so a hostile descriptor cannot name a path outside it. */
export function blobDir(dir: string, digest: string): string {
  const [algorithm] = parseDigest(digest).split(':') as [string];
  return join(dir, BLOBS_DIR, algorithm);
}

export function blobPath(dir: string, digest: string): string {
  const hex = parseDigest(digest).split(':')[1]!;
  return join(blobDir(dir, digest), hex);
}
