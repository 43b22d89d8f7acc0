/**
 * cosign's simple-signing signatures: a JSON payload that names the signed
 * image digest, stored as a layer, with the base64 signature (and, for a
 * keyless signature, the certificate and chain) in the layer's annotations.
 */
import type { Descriptor } from '../types';
import { readCertificate } from './certificate';
import { isObject, stringOf } from './encoding';
import { InvalidAttachmentError } from './errors';
import {
  COSIGN_BUNDLE_ANNOTATION,
  COSIGN_CERTIFICATE_ANNOTATION,
  COSIGN_CHAIN_ANNOTATION,
  COSIGN_SIGNATURE_ANNOTATION,
} from './media-types';
import type { CosignSignaturePart } from './types';

/** Reads one simple-signing layer: `payload` is its bytes; `where` names it in errors. */
export function readSimpleSigning(descriptor: Descriptor, payload: Uint8Array, where: string): CosignSignaturePart {
  const text = Buffer.from(payload).toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidAttachmentError(`${where}: the simple-signing payload is not JSON (${(err as Error).message})`);
  }
  if (!isObject(doc) || !isObject(doc.critical)) {
    throw new InvalidAttachmentError(`${where}: the simple-signing payload has no "critical" section`);
  }
  const { critical } = doc;
  const annotations = descriptor.annotations ?? {};
  const part: CosignSignaturePart = { type: 'cosign-signature', descriptor, payload: text };
  // containers/image spells it Docker-manifest-digest; cosign docker-manifest-digest.
  const image = isObject(critical.image) ? critical.image : {};
  const signedDigest = stringOf(image['docker-manifest-digest']) ?? stringOf(image['Docker-manifest-digest']);
  if (signedDigest) part.signedDigest = signedDigest;
  const reference = isObject(critical.identity) ? stringOf(critical.identity['docker-reference']) : undefined;
  if (reference) part.dockerReference = reference;
  const type = stringOf(critical.type);
  if (type) part.signatureType = type;
  if (isObject(doc.optional) && Object.keys(doc.optional).length > 0) part.claims = doc.optional;
  const signature = stringOf(annotations[COSIGN_SIGNATURE_ANNOTATION]);
  if (signature) part.signature = signature;
  const certificate = stringOf(annotations[COSIGN_CERTIFICATE_ANNOTATION]);
  if (certificate) part.certificate = readCertificate(certificate, `${where}: the certificate annotation`);
  const chain = stringOf(annotations[COSIGN_CHAIN_ANNOTATION]);
  if (chain) part.chain = chain;
  const log = transparencyLog(annotations[COSIGN_BUNDLE_ANNOTATION]);
  if (log) part.transparencyLog = log;
  return part;
}

/** cosign's `bundle` annotation: the Rekor entry it was logged as (read, not checked). */
function transparencyLog(value: string | undefined): CosignSignaturePart['transparencyLog'] {
  if (!value) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return undefined;
  }
  const payload = isObject(doc) && isObject(doc.Payload) ? doc.Payload : undefined;
  if (!payload) return undefined;
  const log: NonNullable<CosignSignaturePart['transparencyLog']> = {};
  if (typeof payload.logIndex === 'number') log.logIndex = payload.logIndex;
  if (typeof payload.integratedTime === 'number') log.integratedTime = new Date(payload.integratedTime * 1000).toISOString();
  const logId = stringOf(payload.logID);
  if (logId) log.logId = logId;
  return log;
}
