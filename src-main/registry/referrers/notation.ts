/**
 * Notation (Notary Project) signatures in their JWS envelope
 * (notaryproject/specs signature-envelope-jws.md): what was signed (the
 * target artifact's descriptor), when, by which certificate chain, and
 * whether the signature matches the leaf certificate's key and each
 * certificate is signed by the next. Nothing here decides trust: no trust
 * store, trust policy, revocation or timestamp check, as `notation verify`
 * does them. COSE envelopes are not decoded (read.ts lists them by type).
 */
import { X509Certificate, constants, verify } from 'node:crypto';
import { readCertificate } from './certificate';
import { decodeBase64, isObject, parseJson, stringOf } from './encoding';
import { InvalidAttachmentError } from './errors';
import type { NotationSignaturePart } from './types';
import type { Descriptor } from '../types';

/** The JWS envelope's layer media type (`notation sign --signature-format jws`, the default). */
export const NOTATION_JWS = 'application/jose+json';
export const NOTATION_PAYLOAD = 'application/vnd.cncf.notary.payload.v1+json';

/** A chain is leaf, intermediates, root: a handful. More is not a signature Lading reads. */
const MAX_CHAIN = 10;

export const NOTATION_NOTE =
  "Lading reads the certificate chain and checks the signature against the leaf certificate's key, but does not check the chain " +
  'against a Notation trust store or trust policy, revocation or timestamps: who signed is what the certificates say.';

/** JWS `alg` -> how Node verifies it. Notation allows exactly these. */
const ALGORITHMS: Record<string, { hash: string; kind: 'pss' | 'ecdsa' }> = {
  PS256: { hash: 'sha256', kind: 'pss' },
  PS384: { hash: 'sha384', kind: 'pss' },
  PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ecdsa' },
  ES384: { hash: 'sha384', kind: 'ecdsa' },
  ES512: { hash: 'sha512', kind: 'ecdsa' },
};
const SALT_LENGTH: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** Decodes a Notation JWS envelope; `where` names the layer in errors. */
export function readNotationJws(descriptor: Descriptor, bytes: Uint8Array, where: string): NotationSignaturePart {
  const parsed = parseJson(bytes);
  if (!parsed.ok) throw new InvalidAttachmentError(`${where}: the Notation signature envelope is not JSON (${parsed.error})`);
  const doc = parsed.value;
  if (!isObject(doc)) throw new InvalidAttachmentError(`${where}: the Notation signature envelope is not a JSON object`);
  const protectedText = stringOf(doc.protected);
  const payloadText = stringOf(doc.payload);
  const signatureText = stringOf(doc.signature);
  if (!protectedText || !payloadText || !signatureText) {
    throw new InvalidAttachmentError(`${where}: the Notation signature envelope lacks its protected header, payload or signature`);
  }
  const headers = jsonField(protectedText, where, 'protected header');
  const payload = jsonField(payloadText, where, 'payload');
  const signature = decodeBase64(signatureText);
  if (!signature) throw new InvalidAttachmentError(`${where}: the Notation signature is not base64url`);

  const algorithm = stringOf(headers.alg);
  if (!algorithm) throw new InvalidAttachmentError(`${where}: the Notation protected header names no algorithm (alg)`);
  const target = isObject(payload.targetArtifact) ? payload.targetArtifact : undefined;
  if (!target || !stringOf(target.digest)) {
    throw new InvalidAttachmentError(`${where}: the Notation payload names no target artifact digest`);
  }
  const chain = certificateChain(doc.header, where);
  const leaf = chain[0]!;

  const part: NotationSignaturePart = {
    type: 'notation-signature',
    descriptor,
    envelope: 'jws',
    algorithm,
    signedDigest: target.digest as string,
    certificates: chain.map((c, i) => readCertificate(c.toString(), `${where}: certificate ${i + 1} of its chain`)),
    signatureMatchesCertificate: signatureMatches(algorithm, leaf, Buffer.from(`${protectedText}.${payloadText}`, 'ascii'), signature),
    chainLinked: chain.every((cert, i) => i === chain.length - 1 || linked(cert, chain[i + 1]!)),
    note: NOTATION_NOTE,
  };
  if (typeof target.mediaType === 'string') part.signedMediaType = target.mediaType;
  if (typeof target.size === 'number') part.signedSize = target.size;
  const scheme = stringOf(headers['io.cncf.notary.signingScheme']);
  if (scheme) part.signingScheme = scheme;
  const time = stringOf(headers['io.cncf.notary.signingTime']) ?? stringOf(headers['io.cncf.notary.authenticSigningTime']);
  if (time) part.signingTime = time;
  const expiry = stringOf(headers['io.cncf.notary.expiry']);
  if (expiry) part.expiry = expiry;
  const agent = isObject(doc.header) ? stringOf(doc.header['io.cncf.notary.signingAgent']) : undefined;
  if (agent) part.signingAgent = agent;
  return part;
}

function jsonField(text: string, where: string, what: string): Record<string, unknown> {
  const bytes = decodeBase64(text);
  if (!bytes) throw new InvalidAttachmentError(`${where}: the Notation ${what} is not base64url`);
  const parsed = parseJson(bytes);
  if (!parsed.ok) throw new InvalidAttachmentError(`${where}: the Notation ${what} is not JSON (${parsed.error})`);
  if (!isObject(parsed.value)) throw new InvalidAttachmentError(`${where}: the Notation ${what} is not a JSON object`);
  return parsed.value;
}

/** `header.x5c`: base64 DER certificates, leaf first. */
function certificateChain(header: unknown, where: string): X509Certificate[] {
  const x5c = isObject(header) ? header.x5c : undefined;
  if (!Array.isArray(x5c) || x5c.length === 0) {
    throw new InvalidAttachmentError(`${where}: the Notation signature has no certificate chain (header.x5c)`);
  }
  if (x5c.length > MAX_CHAIN) {
    throw new InvalidAttachmentError(
      `${where}: the Notation certificate chain has ${x5c.length} certificates; Lading reads at most ${MAX_CHAIN}`,
    );
  }
  return x5c.map((entry, i) => {
    const der = decodeBase64(entry);
    if (!der) throw new InvalidAttachmentError(`${where}: certificate ${i + 1} of the Notation chain is not base64`);
    try {
      return new X509Certificate(der);
    } catch (err) {
      throw new InvalidAttachmentError(`${where}: certificate ${i + 1} of the Notation chain cannot be read (${(err as Error).message})`);
    }
  });
}

/** `cert` names `issuer` as its issuer and is signed by its key. */
function linked(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** A JWS signature (RSASSA-PSS, or ECDSA as r||s) over the signing input, against the leaf certificate's key. */
function signatureMatches(algorithm: string, leaf: X509Certificate, input: Buffer, signature: Buffer): boolean {
  const alg = ALGORITHMS[algorithm];
  if (!alg) return false;
  const key = leaf.publicKey;
  try {
    if (alg.kind === 'pss') {
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
      return verify(alg.hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT_LENGTH[alg.hash]! }, signature);
    }
    if (key.asymmetricKeyType !== 'ec') return false;
    return verify(alg.hash, input, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
