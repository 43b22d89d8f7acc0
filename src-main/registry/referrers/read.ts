/**
 * readAttachment: what a referrer holds, decoded layer by layer. Every layer
 * is read whole (its digest checked while it streams) but only up to a bound,
 * checked against its declared size before a byte is fetched: a 50 MB SBOM is
 * refused with its size, not read into memory.
 */
import type { Client } from '../client';
import { RegistryError } from '../errors';
import { normalizeMediaType } from '../mediatypes';
import type { CallOptions, Descriptor } from '../types';
import { readBounded } from '../verify';
import { readSimpleSigning } from './cosign';
import { parseJson } from './encoding';
import { AttachmentTooLargeError, InvalidAttachmentError, formatBytes } from './errors';
import { envelopePart, readEnvelope, statementPart, type DsseEnvelope } from './in-toto';
import {
  COSIGN_SIMPLESIGNING,
  CYCLONEDX_JSON_TYPES,
  DSSE_ENVELOPE,
  IN_TOTO,
  OCI_TITLE_ANNOTATION,
  SPDX_JSON_TYPES,
  isSigstoreBundle,
} from './media-types';
import { NOTATION_JWS, readNotationJws } from './notation';
import { readSbom } from './sbom';
import { readBundle } from './sigstore-bundle';
import type { Attachment, AttachmentPart, OtherPart, ReadAttachmentOptions, Referrer } from './types';

/** SBOMs of large images reach a few MB, 20 MB at most; attestations and signatures far less. */
export const DEFAULT_MAX_PART_BYTES = 32 * 1024 * 1024;
/** What a caller may raise the per-layer bound to. */
export const MAX_PART_BYTES = 256 * 1024 * 1024;
/** All layers of one attachment together (a `.att` gathers every attestation ever made for the image). */
export const MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024;

/** SBOM layer types that are not JSON: listed with their size, not decoded. */
const NOT_JSON = new Set(['text/spdx', 'application/vnd.cyclonedx+xml', 'application/vnd.cyclonedx', 'text/xml', 'application/xml']);

/** A decoded part with the exact bytes a signature check needs. */
export interface DecodedPart {
  part: AttachmentPart;
  /** The simple-signing payload as stored. */
  payload?: Buffer;
  /** The DSSE envelope (payload decoded). */
  envelope?: DsseEnvelope;
}

export async function readAttachment(client: Client, referrer: Referrer, opts: ReadAttachmentOptions = {}): Promise<Attachment> {
  const { manifest, parts } = await decodeAttachment(client, referrer, opts);
  const attachment: Attachment = { referrer, mediaType: manifest.mediaType, parts: parts.map((p) => p.part) };
  if (manifest.artifactType) attachment.artifactType = manifest.artifactType;
  if (manifest.annotations) attachment.annotations = manifest.annotations;
  return attachment;
}

export async function decodeAttachment(
  client: Client,
  referrer: Referrer,
  opts: ReadAttachmentOptions = {},
): Promise<{ manifest: { mediaType: string; artifactType?: string; annotations?: Record<string, string> }; parts: DecodedPart[] }> {
  const limit = Math.min(opts.maxPartBytes ?? DEFAULT_MAX_PART_BYTES, MAX_PART_BYTES);
  const result = await client.getManifest(`@${referrer.descriptor.digest}`, { signal: opts.signal });
  if (result.isIndex()) {
    const index = result.getIndexManifest();
    return {
      manifest: { mediaType: result.mediaType, ...pick(index) },
      parts: index.manifests.map((d) => ({ part: otherPart(d) })),
    };
  }
  const manifest = result.getManifest();
  const reader = new LayerReader(client, referrer, limit, opts);
  const parts: DecodedPart[] = [];
  // One at a time: each layer may be tens of MB, and only its decoded form is kept.
  for (const layer of manifest.layers) parts.push(await decodeLayer(reader, referrer, layer));
  return { manifest: { mediaType: result.mediaType, ...pick(manifest) }, parts };
}

function pick(doc: { artifactType?: string; annotations?: Record<string, string> }) {
  return { ...(doc.artifactType ? { artifactType: doc.artifactType } : {}), ...(doc.annotations ? { annotations: doc.annotations } : {}) };
}

function otherPart(d: Descriptor): OtherPart {
  const part: OtherPart = { type: 'other', descriptor: d, mediaType: d.mediaType, size: d.size };
  const title = d.annotations?.[OCI_TITLE_ANNOTATION];
  if (title) part.title = title;
  return part;
}

async function decodeLayer(reader: LayerReader, referrer: Referrer, layer: Descriptor): Promise<DecodedPart> {
  const type = normalizeMediaType(layer.mediaType);
  const where = reader.describe(layer, type, referrer);
  if (type === COSIGN_SIMPLESIGNING) {
    const payload = await reader.read(layer, where);
    return { part: readSimpleSigning(layer, payload, where), payload };
  }
  if (type === DSSE_ENVELOPE) {
    const envelope = readEnvelope(json(await reader.read(layer, where), where, 'DSSE envelope'), where);
    return { part: envelopePart({ descriptor: layer }, envelope, where) ?? otherPart(layer), envelope };
  }
  if (type === IN_TOTO) {
    return { part: statementPart({ descriptor: layer }, await reader.read(layer, where), where) };
  }
  if (type === NOTATION_JWS) {
    return { part: readNotationJws(layer, await reader.read(layer, where), where) };
  }
  if (isSigstoreBundle(type)) {
    const bundle = readBundle(json(await reader.read(layer, where), where, 'sigstore bundle'), where);
    if (bundle.envelope) {
      return {
        part: envelopePart({ descriptor: layer, signer: bundle.signer }, bundle.envelope, where) ?? otherPart(layer),
        envelope: bundle.envelope,
      };
    }
    const { signature, signedDigest } = bundle.messageSignature!;
    return {
      part: { type: 'message-signature', descriptor: layer, signer: bundle.signer, signature, ...(signedDigest ? { signedDigest } : {}) },
    };
  }
  const declared = SPDX_JSON_TYPES.includes(type) || CYCLONEDX_JSON_TYPES.includes(type);
  if (declared || (referrer.kind === 'sbom' && !NOT_JSON.has(type))) {
    const bytes = await reader.read(layer, where);
    const parsed = parseJson(bytes);
    const sbom = parsed.ok ? readSbom(parsed.value) : undefined;
    if (sbom) return { part: { type: 'sbom', descriptor: layer, sbom } };
    if (declared) {
      const format = SPDX_JSON_TYPES.includes(type) ? 'an SPDX 2.x JSON document' : 'a CycloneDX JSON document';
      throw new InvalidAttachmentError(parsed.ok ? `${where} is not ${format}` : `${where} is not JSON (${parsed.error})`);
    }
  }
  return { part: otherPart(layer) };
}

function json(bytes: Uint8Array, where: string, what: string): unknown {
  const parsed = parseJson(bytes);
  if (!parsed.ok) throw new InvalidAttachmentError(`${where}: the ${what} is not JSON (${parsed.error})`);
  return parsed.value;
}

/** Reads layers of one referrer within the per-layer and per-attachment bounds. */
class LayerReader {
  private used = 0;

  constructor(
    private readonly client: Client,
    private readonly referrer: Referrer,
    private readonly limit: number,
    private readonly opts: CallOptions,
  ) {}

  /** `The SBOM layer sha256:... of <registry>@<referrer>`, for messages. */
  describe(layer: Descriptor, type: string, referrer: Referrer): string {
    const what =
      referrer.kind === 'sbom' || SPDX_JSON_TYPES.includes(type) || CYCLONEDX_JSON_TYPES.includes(type)
        ? 'SBOM'
        : referrer.kind === 'signature'
          ? 'signature'
          : referrer.kind === 'attestation'
            ? 'attestation'
            : 'attachment';
    return `The ${what} layer ${layer.digest} of ${this.client.getRegistry()}@${referrer.descriptor.digest}`;
  }

  async read(layer: Descriptor, where: string): Promise<Buffer> {
    if (layer.size > this.limit) {
      throw new AttachmentTooLargeError(
        `${where} is ${formatBytes(layer.size)} (${layer.size} bytes); Lading reads attachments of up to ${formatBytes(this.limit)}`,
        layer.size,
        this.limit,
      );
    }
    if (this.used + layer.size > MAX_ATTACHMENT_BYTES) {
      throw new AttachmentTooLargeError(
        `${this.client.getRegistry()}@${this.referrer.descriptor.digest} holds more than ${formatBytes(MAX_ATTACHMENT_BYTES)} in its layers; Lading reads up to that much of one attachment`,
        this.used + layer.size,
        MAX_ATTACHMENT_BYTES,
      );
    }
    this.used += layer.size;
    const stream = await this.client.openBlob(layer, this.opts);
    try {
      // The stream is length-checked against the descriptor already; this bound holds even if a source is not.
      return Buffer.from(
        await readBounded(
          stream,
          this.limit,
          undefined,
          () =>
            new AttachmentTooLargeError(
              `${where} is larger than ${formatBytes(this.limit)}; Lading reads attachments of up to that size`,
              this.limit + 1,
              this.limit,
            ),
        ),
      );
    } catch (err) {
      stream.destroy();
      if (this.opts.signal?.aborted) throw this.opts.signal.reason;
      if (err instanceof RegistryError) throw err;
      throw new RegistryError(`${where} could not be read: ${(err as Error).message}`, { cause: err });
    }
  }
}
