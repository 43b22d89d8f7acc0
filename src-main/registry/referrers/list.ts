/**
 * listReferrers: everything that points at one manifest, from every place
 * tools put it, each manifest once.
 *
 * - The OCI 1.1 Referrers API, when the registry has it.
 * - The referrers tag schema (`sha256-<hex>`), read even when the API exists:
 *   tools that could not tell whether a registry had the API (sigstore-js on
 *   ECR, oras before 1.0) wrote there, and a mirror copies the tag along.
 * - cosign's own tags `sha256-<hex>.sig`, `.att` and `.sbom`.
 * - When the manifest is an index: BuildKit's attestation entries in it.
 *
 * Works on any Client (a layout has tags too); `access` adds what only a
 * registry has (the API, HEAD probes).
 */
import type { Client } from '../client';
import { ImageNotFoundError, InvalidReferenceError } from '../errors';
import type { ManifestResult } from '../manifest';
import { isIndexType } from '../mediatypes';
import { parseDigest } from '../reference';
import type { CallOptions, Descriptor } from '../types';
import { kindOfAttestationLayers, kindOfDescriptor } from './classify';
import { ReferrersLimitError } from './errors';
import { ATTESTATION_MANIFEST, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION } from './media-types';
import { MAX_REFERRERS, type RegistryAccess, checkReferrersIndex } from './registry-access';
import { COSIGN_SUFFIXES, cosignTag, referrersTag, type CosignSuffix } from './tags';
import type { ListReferrersOptions, Referrer, ReferrerKind } from './types';

export async function listReferrers(
  client: Client,
  digest: string,
  opts: ListReferrersOptions = {},
  access?: RegistryAccess,
): Promise<Referrer[]> {
  const subject = subjectDigest(digest);
  const [api, tagSchema, cosign, index] = await Promise.all([
    access ? access.referrers(subject, opts) : undefined,
    fromTagSchema(client, subject, opts, access),
    Promise.all(COSIGN_SUFFIXES.map((suffix) => fromCosignTag(client, subject, suffix, opts, access))),
    fromIndex(client, subject, opts, access),
  ]);
  const found: Referrer[] = [];
  if (api?.supported) {
    found.push(...api.referrers.map((d): Referrer => fromDescriptor(d, 'api', subject)));
  }
  const local = [...tagSchema, ...cosign.filter((r): r is Referrer => r !== undefined), ...index];
  // The API filtered its own answer; the other places are filtered here, by the same rule.
  found.push(...local.filter((r) => !opts.artifactType || r.descriptor.artifactType === opts.artifactType));
  return merge(found, client.getRegistry(), subject);
}

/** A digest, with or without a leading `@`; a tag is refused (referrers point at digests). */
function subjectDigest(value: string): string {
  const digest = typeof value === 'string' && value.startsWith('@') ? value.slice(1) : value;
  if (typeof digest !== 'string' || !digest.includes(':')) {
    throw new InvalidReferenceError(
      `listReferrers needs a digest ("sha256:..."), not ${JSON.stringify(value)}: referrers point at digests`,
    );
  }
  return parseDigest(digest);
}

function fromDescriptor(d: Descriptor, source: 'api' | 'tag-schema', subject: string): Referrer {
  return { descriptor: d, kind: kindOfDescriptor(d), source, sources: [source], describes: subject };
}

/** Each manifest once, in the order found (API, tag schema, cosign tags, index), with every place it was found. */
function merge(found: Referrer[], registry: string, subject: string): Referrer[] {
  const byDigest = new Map<string, Referrer>();
  for (const r of found) {
    const seen = byDigest.get(r.descriptor.digest);
    if (!seen) {
      byDigest.set(r.descriptor.digest, r);
      continue;
    }
    for (const s of r.sources) if (!seen.sources.includes(s)) seen.sources.push(s);
    seen.tag ??= r.tag;
    // A listing that names no artifact type loses to one that does.
    if (seen.kind === 'other' && r.kind !== 'other') seen.kind = r.kind;
  }
  if (byDigest.size > MAX_REFERRERS) {
    throw new ReferrersLimitError(`${registry}@${subject} has more than ${MAX_REFERRERS} referrers; refusing to list more`, MAX_REFERRERS);
  }
  return [...byDigest.values()];
}

/**
 * The manifest under `reference`, or undefined when there is none. A HEAD
 * answers first when the client is a registry: a miss costs no GET.
 */
export async function probe(
  client: Client,
  reference: string,
  opts: CallOptions,
  access?: RegistryAccess,
): Promise<ManifestResult | undefined> {
  if (access) {
    const presence = await access.manifestPresence(reference, opts);
    if (presence.exists === false) return undefined;
  }
  try {
    return await client.getManifest(reference, opts);
  } catch (err) {
    if (err instanceof ImageNotFoundError) return undefined;
    throw err;
  }
}

async function fromTagSchema(client: Client, subject: string, opts: CallOptions, access?: RegistryAccess): Promise<Referrer[]> {
  const manifest = await probe(client, referrersTag(subject), opts, access);
  // GitLab resolves `sha256-<hex>` to the manifest `sha256:<hex>` itself (oras-go#1396):
  // that is the subject, not a list of its referrers. Anything but an index is no list either
  // ("the client SHOULD assume there are no referrers", distribution-spec).
  if (!manifest || manifest.descriptor.digest === subject || !manifest.isIndex()) return [];
  const where = `The referrers tag ${referrersTag(subject)} of ${client.getRegistry()} holds an index`;
  const index = checkReferrersIndex(manifest.getIndexManifest(), where);
  return index.manifests.filter((d) => d.digest !== subject).map((d) => fromDescriptor(d, 'tag-schema', subject));
}

const COSIGN_KIND: Record<CosignSuffix, ReferrerKind> = { sig: 'signature', att: 'attestation', sbom: 'sbom' };

async function fromCosignTag(
  client: Client,
  subject: string,
  suffix: CosignSuffix,
  opts: CallOptions,
  access?: RegistryAccess,
): Promise<Referrer | undefined> {
  // cosign names only sha256 digests this way; a longer digest makes no valid tag.
  if (!subject.startsWith('sha256:')) return undefined;
  const tag = cosignTag(subject, suffix);
  const manifest = await probe(client, tag, opts, access);
  if (!manifest || manifest.isIndex() || manifest.descriptor.digest === subject) return undefined;
  const doc = manifest.getManifest();
  const descriptor: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.descriptor.digest,
    size: manifest.descriptor.size,
    // As a Referrers API would list it: the artifact type, else the config's media type.
    artifactType: doc.artifactType ?? doc.config.mediaType,
    ...(doc.annotations ? { annotations: doc.annotations } : {}),
  };
  const kind = suffix === 'att' ? kindOfAttestationLayers(doc.layers) : COSIGN_KIND[suffix];
  return { descriptor, kind, source: 'cosign-tag', sources: ['cosign-tag'], describes: subject, tag };
}

/** BuildKit's attestation entries, when the subject is an index. */
async function fromIndex(client: Client, subject: string, opts: CallOptions, access?: RegistryAccess): Promise<Referrer[]> {
  if (access) {
    const presence = await access.manifestPresence(subject, opts);
    // The subject of referrers need not exist; then it has no entries either.
    if (presence.exists === false) return [];
    // Only an index is read: a HEAD's Content-Type says which it is, when it says it.
    if (presence.exists && presence.mediaType && !isIndexType(presence.mediaType) && presence.mediaType !== 'application/json') return [];
  }
  let manifest: ManifestResult;
  try {
    manifest = await client.getManifest(subject, opts);
  } catch (err) {
    if (err instanceof ImageNotFoundError) return [];
    throw err;
  }
  if (!manifest.isIndex()) return [];
  return manifest
    .getIndexManifest()
    .manifests.filter((d) => d.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_MANIFEST)
    .map((d): Referrer => ({
      descriptor: d,
      kind: 'attestation',
      source: 'index',
      sources: ['index'],
      describes: describedBy(d) ?? subject,
    }));
}

function describedBy(d: Descriptor): string | undefined {
  const value = d.annotations?.[REFERENCE_DIGEST_ANNOTATION];
  return value && /^sha256:[a-f0-9]{64}$/.test(value) ? value : undefined;
}
