/**
 * Turning manifest bytes into a ManifestResult: the media type settled
 * (Content-Type normalised, the body's own mediaType as fallback), schema 1
 * refused, the structure checked, and the digest computed from the bytes.
 */
import { DigestMismatchError, InvalidManifestError } from './errors';
import { algorithmOf, digestOf } from './digest';
import { MANIFEST_TYPES, OCI_INDEX, OCI_MANIFEST, SCHEMA1_TYPES, isIndexType, normalizeMediaType } from './mediatypes';
import type { Descriptor, IndexManifest, Manifest, Platform } from './types';

/** Registries refuse larger manifests; so do we, before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ManifestResult {
  /** Parameters stripped, lower-cased. */
  mediaType: string;
  descriptor: Descriptor;
  /** The exact bytes the registry sent; their digest is `descriptor.digest`. */
  raw: Uint8Array;
  isIndex(): boolean;
  /** The image manifest; throws for an index. */
  getManifest(): Manifest;
  /** The index; throws for an image manifest. */
  getIndexManifest(): IndexManifest;
}

export interface ParseManifestInput {
  bytes: Uint8Array;
  contentType?: string | undefined;
  /** When the reference was a digest: the bytes must hash to it. */
  expectedDigest?: string | undefined;
  /** Added to the descriptor, e.g. from the index entry that led here. */
  platform?: Platform | undefined;
  annotations?: Record<string, string> | undefined;
  /** For messages: `repo:tag`. */
  subject: string;
}

export function parseManifest(input: ParseManifestInput): ManifestResult {
  const { bytes, subject } = input;
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError(`Manifest of ${subject} is larger than 4 MiB (${bytes.length} bytes); refusing to read it`);
  }
  const algorithm = input.expectedDigest ? algorithmOf(input.expectedDigest) : 'sha256';
  const digest = digestOf(bytes, algorithm);
  if (input.expectedDigest && digest !== input.expectedDigest) {
    throw new DigestMismatchError(
      `Manifest of ${subject} does not match its digest: expected ${input.expectedDigest}, got ${digest}`,
      input.expectedDigest,
      digest,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new InvalidManifestError(`Manifest of ${subject} is not valid JSON: ${(err as Error).message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidManifestError(`Manifest of ${subject} is not a JSON object`);
  }
  const doc = body as Record<string, unknown>;
  const headerType = normalizeMediaType(input.contentType);
  const bodyType = typeof doc.mediaType === 'string' ? normalizeMediaType(doc.mediaType) : '';
  if (SCHEMA1_TYPES.includes(headerType) || SCHEMA1_TYPES.includes(bodyType) || doc.schemaVersion === 1) {
    throw new InvalidManifestError(
      `${subject} is a Docker schema 1 manifest, which is deprecated and not supported: push the image again with a current Docker, Podman or skopeo`,
    );
  }
  if (doc.schemaVersion !== 2) {
    throw new InvalidManifestError(`Manifest of ${subject} has schemaVersion ${JSON.stringify(doc.schemaVersion)}; expected 2`);
  }
  const mediaType = settleMediaType(headerType, bodyType, doc, subject);
  if (isIndexType(mediaType)) checkIndex(doc, subject);
  else checkImageManifest(doc, subject);

  const descriptor: Descriptor = { mediaType, size: bytes.length, digest };
  if (typeof doc.artifactType === 'string') descriptor.artifactType = doc.artifactType;
  if (input.platform) descriptor.platform = input.platform;
  if (input.annotations) descriptor.annotations = input.annotations;
  const raw = bytes;
  return {
    mediaType,
    descriptor,
    raw,
    isIndex: () => isIndexType(mediaType),
    getManifest() {
      if (isIndexType(mediaType)) {
        throw new InvalidManifestError(`${subject} is an index (${mediaType}), not an image manifest: pick a platform`);
      }
      return doc as unknown as Manifest;
    },
    getIndexManifest() {
      if (!isIndexType(mediaType)) {
        throw new InvalidManifestError(`${subject} is an image manifest (${mediaType}), not an index`);
      }
      return doc as unknown as IndexManifest;
    },
  };
}

/**
 * The body's own mediaType wins when it names a manifest type; then the
 * Content-Type; then the shape (registries answer `application/json` or
 * `text/plain` for OCI manifests pushed without a mediaType field).
 */
function settleMediaType(headerType: string, bodyType: string, doc: Record<string, unknown>, subject: string): string {
  if (MANIFEST_TYPES.includes(bodyType)) return bodyType;
  if (bodyType) {
    throw new InvalidManifestError(`${subject} has media type ${bodyType}, which is not an image manifest or index`);
  }
  if (MANIFEST_TYPES.includes(headerType)) return headerType;
  if (Array.isArray(doc.manifests)) return OCI_INDEX;
  if (doc.config && Array.isArray(doc.layers)) return OCI_MANIFEST;
  throw new InvalidManifestError(
    `${subject} is neither an image manifest nor an index (Content-Type ${headerType || 'missing'}, no mediaType in the body)`,
  );
}

function checkDescriptor(value: unknown, where: string, subject: string): void {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object') throw new InvalidManifestError(`Manifest of ${subject}: ${where} is not an object`);
  if (typeof d.digest !== 'string' || !/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(d.digest)) {
    throw new InvalidManifestError(`Manifest of ${subject}: ${where} has an invalid digest ${JSON.stringify(d.digest)}`);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new InvalidManifestError(`Manifest of ${subject}: ${where} has an invalid size ${JSON.stringify(d.size)}`);
  }
  if (typeof d.mediaType !== 'string') {
    throw new InvalidManifestError(`Manifest of ${subject}: ${where} has no mediaType`);
  }
}

function checkIndex(doc: Record<string, unknown>, subject: string): void {
  if (!Array.isArray(doc.manifests)) throw new InvalidManifestError(`Index ${subject} has no "manifests" list`);
  doc.manifests.forEach((m, i) => checkDescriptor(m, `manifests[${i}]`, subject));
  if (doc.subject !== undefined) checkDescriptor(doc.subject, 'subject', subject);
}

function checkImageManifest(doc: Record<string, unknown>, subject: string): void {
  checkDescriptor(doc.config, 'config', subject);
  if (!Array.isArray(doc.layers)) throw new InvalidManifestError(`Manifest of ${subject} has no "layers" list`);
  doc.layers.forEach((l, i) => checkDescriptor(l, `layers[${i}]`, subject));
  if (doc.subject !== undefined) checkDescriptor(doc.subject, 'subject', subject);
}
