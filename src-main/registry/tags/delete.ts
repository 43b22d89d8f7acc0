/**
 * deleteImage: a manifest by digest, or a tag, as far as the registry allows.
 *
 * What registries do (see DESIGN.md "Deleting"):
 * - distribution 2.8 deletes by digest only (202), which untags every tag
 *   pointing at that manifest; a tag is refused with 400 DIGEST_INVALID; with
 *   deletion turned off everything is 405 UNSUPPORTED.
 * - Harbor deletes by digest (the artifact and its tags) and refuses tags
 *   (UNSUPPORTED); Quay and distribution 3 delete tags too (OCI 1.1 allows it).
 * - Docker Hub and GHCR offer no manifest DELETE in the registry API (their
 *   web APIs delete).
 *
 * A tag is tried as a tag first (the registry's own way, as regclient does).
 * When the registry refuses, the error says what is possible instead: delete
 * by digest, or `untagWithPlaceholder` (placeholder.ts).
 */
import { ImageNotFoundError, RegistryError } from '../errors';
import { formatReference, parseReference, type Reference } from '../reference';
import { DeleteNotSupportedError } from './errors';
import { untagWithPlaceholder } from './placeholder';
import { sendDelete, type RegistryTagsAccess } from './repository-access';
import type { DeleteImageOptions, DeleteImageResult } from './types';

const DELETED = [200, 202, 204];

export async function deleteImage(
  access: RegistryTagsAccess,
  reference: string,
  opts: DeleteImageOptions = {},
): Promise<DeleteImageResult> {
  const ref = parseReference(reference);
  const res = await sendDelete(access, ref, opts);
  let refusal: RegistryError;
  try {
    await access.session.check(res, DELETED, { subject: `image ${formatReference(access.name, ref)}`, notFound: 'image' });
    return ref.kind === 'digest' ? { deleted: 'manifest', method: 'digest', digest: ref.digest } : { deleted: 'tag', method: 'tag' };
  } catch (err) {
    if (!(err instanceof RegistryError) || err instanceof ImageNotFoundError || !isRefusal(err, ref)) throw err;
    refusal = err;
  }
  if (ref.kind === 'digest') throw deletionOff(access, refusal);
  // A refused tag. One that does not exist is the plainer answer: the GET says so.
  const head = await access.headManifest(ref, opts);
  if (!head) {
    await access.readManifest(ref, opts);
    throw refusal;
  }
  if (!opts.untagWithPlaceholder) throw tagRefused(access, ref.tag, head.digest, refusal);
  await untagWithPlaceholder(access, ref.tag, opts);
  return { deleted: 'tag', method: 'placeholder', digest: head.digest };
}

const said = (err: RegistryError) => `${err.status ?? '?'}${err.codes.length ? ` ${err.codes.join(', ')}` : ''}`;
const isUnsupported = (err: RegistryError) => err.status === 405 || err.status === 501 || err.codes.includes('UNSUPPORTED');

/** An answer that means "not this way" rather than "not allowed" or "broken". distribution 2.8 answers a tag with 400 DIGEST_INVALID. */
function isRefusal(err: RegistryError, ref: Reference): boolean {
  return isUnsupported(err) || (ref.kind === 'tag' && err.status === 400);
}

function deletionOff(access: RegistryTagsAccess, err: RegistryError): DeleteNotSupportedError {
  return new DeleteNotSupportedError(
    `${access.name} does not delete manifests (it answered ${said(err)}): deletion is turned off there. ` +
      'Its operator can turn it on (distribution: storage.delete.enabled: true); Docker Hub and GHCR delete through their web sites and APIs only',
    'disabled',
    { status: err.status, errors: err.errors, method: err.method, url: err.url, cause: err },
  );
}

function tagRefused(access: RegistryTagsAccess, tag: string, digest: string, err: RegistryError): DeleteNotSupportedError {
  // distribution answers 405 UNSUPPORTED to every DELETE when deletion is off, so then it may delete nothing at all.
  const maybeOff = isUnsupported(err) ? ' (or nothing at all: it answers the same when deletion is turned off)' : '';
  return new DeleteNotSupportedError(
    `${access.name} does not delete tags (it answered ${said(err)}): it deletes manifests by digest only${maybeOff}. ` +
      `Deleting ${digest} removes the image and every tag pointing at it; to remove only "${tag}", ` +
      'point it at a placeholder and delete that (deleteImage with untagWithPlaceholder)',
    'tag',
    { status: err.status, errors: err.errors, method: err.method, url: err.url, digest, cause: err },
  );
}
