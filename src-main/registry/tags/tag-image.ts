/**
 * tagImage: the manifest a tag or digest of this repository names, put under
 * another tag byte for byte (an index stays an index, its images are already
 * there). One GET, one PUT; nothing is uploaded.
 */
import { InvalidReferenceError } from '../errors';
import { parseReference } from '../reference';
import type { CallOptions } from '../types';
import type { TagsAccess } from './repository-access';
import type { TagImageResult } from './types';

export async function tagImage(access: TagsAccess, source: string, newTag: string, opts: CallOptions = {}): Promise<TagImageResult> {
  const from = parseReference(source);
  const to = parseReference(newTag);
  if (to.kind !== 'tag') {
    throw new InvalidReferenceError(`"${newTag}" is a digest: tagImage puts a manifest under a tag (a digest names its own bytes)`);
  }
  const manifest = await access.readManifest(from, opts);
  await access.writer().putManifest(to.tag, manifest.raw, manifest.mediaType, opts.signal);
  return { digest: manifest.descriptor.digest, mediaType: manifest.mediaType };
}
