/**
 * Removing one tag on a registry that deletes manifests by digest only, the
 * way regclient's `tag delete` does: point the tag at a placeholder manifest
 * of its own (a unique, layer-less image, so no other tag can point at it),
 * then delete the placeholder by digest. The image and its other tags stay.
 *
 * The trade-off, said where it is offered: it needs push and delete rights;
 * the placeholder's config blob (a few hundred bytes) stays in the registry
 * until its garbage collection; and between the two steps the tag names the
 * placeholder. If the delete fails, the tag is put back (the original manifest
 * PUT again, byte for byte); once begun, this runs to the end even when the
 * caller cancels, so a tag is never left on the placeholder.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { digestOf } from '../digest';
import { RegistryError } from '../errors';
import { OCI_CONFIG, OCI_MANIFEST } from '../mediatypes';
import type { CallOptions, Descriptor } from '../types';
import { DeleteNotSupportedError } from './errors';
import { sendDelete, type RegistryTagsAccess } from './repository-access';

/** The label and annotation that say what a placeholder is, should one ever be seen. */
export const PLACEHOLDER_LABEL = 'io.lading.placeholder';

export async function untagWithPlaceholder(access: RegistryTagsAccess, tag: string, opts: CallOptions): Promise<void> {
  const original = await access.readManifest({ kind: 'tag', tag }, opts);
  const writer = access.writer();
  const why = `Lading removed the tag "${tag}" by pointing it here and deleting this manifest`;
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: new Date().toISOString(),
      config: { Labels: { [PLACEHOLDER_LABEL]: why, 'io.lading.nonce': randomBytes(16).toString('hex') } },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const config: Descriptor = { mediaType: OCI_CONFIG, digest: digestOf(configBytes), size: configBytes.length };
  await writer.putBlob(config, () => Promise.resolve(Readable.from([configBytes])), opts.signal ? { signal: opts.signal } : {});
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers: [],
      annotations: { [PLACEHOLDER_LABEL]: why },
    }),
  );
  const placeholder = digestOf(manifestBytes);
  opts.signal?.throwIfAborted();
  await writer.putManifest(tag, manifestBytes, OCI_MANIFEST);
  // From here on, no signal: the tag must not stay on the placeholder.
  const res = await sendDelete(access, { kind: 'digest', digest: placeholder }, {});
  try {
    await access.session.check(res, [200, 202, 204], { subject: `placeholder ${access.name}@${placeholder}` });
  } catch (err) {
    await writer.putManifest(tag, original.raw, original.mediaType).catch((restoreError: unknown) => {
      throw new RegistryError(
        `Removing the tag "${tag}" failed, and putting it back failed too: it now points at a placeholder (${placeholder}). ` +
          `Point it back with tagImage("${original.descriptor.digest}", "${tag}")`,
        { cause: restoreError },
      );
    });
    if (err instanceof RegistryError && (err.status === 405 || err.codes.includes('UNSUPPORTED'))) {
      throw new DeleteNotSupportedError(
        `${access.name} refused to delete the placeholder (${err.status ?? '?'} ${err.codes.join(', ')}): it deletes nothing through its API. ` +
          `The tag "${tag}" was put back as it was`,
        'disabled',
        { status: err.status, errors: err.errors, method: err.method, url: err.url, cause: err },
      );
    }
    throw err;
  }
}
