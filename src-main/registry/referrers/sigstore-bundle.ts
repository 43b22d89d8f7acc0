/**
 * Sigstore bundles (v0.1 to v0.3), as cosign 3 and GitHub's attest actions
 * store them: the signed content (a DSSE envelope, or a message signature)
 * and the verification material (a certificate, or a key hint).
 */
import { X509Certificate } from 'node:crypto';
import { readCertificate } from './certificate';
import { decodeBase64, isObject, stringOf } from './encoding';
import { InvalidAttachmentError } from './errors';
import { readEnvelope, type DsseEnvelope } from './in-toto';
import type { SignerInfo } from './types';

export interface SigstoreBundle {
  signer: SignerInfo;
  envelope?: DsseEnvelope;
  messageSignature?: { signedDigest?: string; signature: string };
}

export function readBundle(doc: unknown, where: string): SigstoreBundle {
  if (!isObject(doc)) throw new InvalidAttachmentError(`${where} is not a sigstore bundle: not a JSON object`);
  const material = isObject(doc.verificationMaterial) ? doc.verificationMaterial : {};
  const signer: SignerInfo = {};
  const certificateBytes = firstCertificate(material);
  if (certificateBytes !== undefined) {
    const der = decodeBase64(certificateBytes);
    if (!der) throw new InvalidAttachmentError(`${where}: the bundle's certificate is not base64`);
    let pem: string;
    try {
      pem = new X509Certificate(der).toString();
    } catch (err) {
      throw new InvalidAttachmentError(`${where}: the bundle's certificate is not a certificate (${(err as Error).message})`);
    }
    signer.certificate = readCertificate(pem, `${where}: the bundle's certificate`);
  }
  const hint = isObject(material.publicKey) ? stringOf(material.publicKey.hint) : undefined;
  if (hint) signer.publicKeyHint = hint;
  if (isObject(doc.dsseEnvelope)) {
    return { signer, envelope: readEnvelope(doc.dsseEnvelope, `${where}: the bundle's DSSE envelope`) };
  }
  if (isObject(doc.messageSignature)) {
    const m = doc.messageSignature;
    const signature = stringOf(m.signature);
    if (!signature) throw new InvalidAttachmentError(`${where}: the bundle's message signature is empty`);
    const digest = isObject(m.messageDigest) ? m.messageDigest : {};
    const bytes = decodeBase64(digest.digest);
    const algorithm = (stringOf(digest.algorithm) ?? '').toLowerCase().replace('_', '');
    const signedDigest = bytes && algorithm.startsWith('sha2') ? `${algorithm.replace('sha2', 'sha')}:${bytes.toString('hex')}` : undefined;
    return { signer, messageSignature: { signature, ...(signedDigest ? { signedDigest } : {}) } };
  }
  throw new InvalidAttachmentError(`${where}: the sigstore bundle has neither a DSSE envelope nor a message signature`);
}

/** v0.3 has one certificate; v0.1 and v0.2 a chain, leaf first. */
function firstCertificate(material: Record<string, unknown>): unknown {
  if (isObject(material.certificate)) return material.certificate.rawBytes;
  const chain = isObject(material.x509CertificateChain) ? material.x509CertificateChain.certificates : undefined;
  if (Array.isArray(chain) && isObject(chain[0])) return chain[0].rawBytes;
  return undefined;
}
