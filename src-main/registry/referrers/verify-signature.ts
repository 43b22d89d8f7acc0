/**
 * verifyCosignSignature: does each cosign signature of an image check out
 * against a public key, and is it about this very image?
 *
 * The algorithms are cosign's (sigstore/sigstore LoadVerifier and
 * sigstore-go's default verifiers): ECDSA with ASN.1 signatures over SHA-256
 * for P-256, SHA-384 or SHA-256 for P-384, SHA-512 or SHA-256 for P-521; RSA
 * with PKCS #1 v1.5 padding over SHA-256 (never PSS unless asked, and cosign
 * has no such flag for verification); pure Ed25519. Simple-signing signatures
 * are over the payload bytes; cosign 3's sigstore bundles over DSSE's
 * pre-authentication encoding of an in-toto statement.
 *
 * Keyless signatures carry a Fulcio certificate: its identity and issuer are
 * reported, and whether the signature matches the certificate's own key, but
 * the certificate is not checked against Sigstore's roots or Rekor.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Client } from '../client';
import { InvalidReferenceError } from '../errors';
import { parseDigest } from '../reference';
import { certificateKey } from './certificate';
import { decodeBase64 } from './encoding';
import { InvalidPublicKeyError } from './errors';
import { preAuthEncoding, statementDigests } from './in-toto';
import {
  COSIGN_ARTIFACT_SIG,
  COSIGN_SIGN_PREDICATE,
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_SIMPLESIGNING,
  isSigstoreBundle,
} from './media-types';
import { decodeAttachment, type DecodedPart } from './read';
import type { CertificateInfo, Referrer, SignatureCheck, VerifyCosignOptions } from './types';

export const KEYLESS_NOTE =
  "Lading reads who the certificate was issued to, but does not check it against Sigstore's roots " +
  '(Fulcio) or its transparency log (Rekor): the identity is what the certificate says, not a verified fact.';

export async function verifyCosignSignature(client: Client, imageDigest: string, opts: VerifyCosignOptions): Promise<SignatureCheck[]> {
  const digest = imageDigestOf(imageDigest);
  // The key is checked before anything is fetched: a bad paste fails at once.
  const key = loadPublicKey(opts?.publicKey);
  const referrers = (await client.listReferrers(digest, { signal: opts.signal })).filter(holdsCosignSignatures);
  const checks: SignatureCheck[] = [];
  for (const referrer of referrers) {
    const { parts } = await decodeAttachment(client, referrer, { signal: opts.signal });
    for (const decoded of parts) {
      const check = checkPart(referrer, decoded, digest, key);
      if (check) checks.push(check);
    }
  }
  return checks;
}

/** The image digest a verify function was given (`sha256:...` or `@sha256:...`); `caller` names it in the error. */
export function imageDigestOf(value: string, caller = 'verifyCosignSignature'): string {
  const digest = typeof value === 'string' && value.startsWith('@') ? value.slice(1) : value;
  if (typeof digest !== 'string' || !digest.includes(':')) {
    throw new InvalidReferenceError(
      `${caller} needs the image digest ("sha256:..."), not ${JSON.stringify(value)}: a signature is about a digest`,
    );
  }
  return parseDigest(digest);
}

/** cosign's signatures: `.sig` tags, its OCI 1.1 signature artifacts, and sigstore bundles (not Notation's). */
function holdsCosignSignatures(r: Referrer): boolean {
  if (r.kind !== 'signature') return false;
  if (r.source === 'cosign-tag') return true;
  const type = r.descriptor.artifactType;
  return type === COSIGN_ARTIFACT_SIG || type === COSIGN_SIMPLESIGNING || isSigstoreBundle(type);
}

/** Parses the PEM public key (or certificate) to verify with. */
export function loadPublicKey(pem: unknown): KeyObject {
  if (typeof pem !== 'string' || !/-----BEGIN [A-Z0-9 ]+-----/.test(pem)) {
    throw new InvalidPublicKeyError('The public key must be PEM text, starting with "-----BEGIN PUBLIC KEY-----" (e.g. cosign.pub)');
  }
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    throw new InvalidPublicKeyError('This is a private key: give the public key instead (cosign.pub, or "cosign public-key --key ...")');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new InvalidPublicKeyError(`The public key cannot be read: ${(err as Error).message}`);
  }
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (!curve || !EC_HASHES[curve])
      throw new InvalidPublicKeyError(
        `The public key is an ECDSA key on ${curve ?? 'an unknown curve'}; cosign keys use P-256, P-384 or P-521`,
      );
  } else if (type !== 'rsa' && type !== 'ed25519') {
    throw new InvalidPublicKeyError(`The public key is of type ${type ?? 'unknown'}; cosign signatures use ECDSA, RSA or Ed25519 keys`);
  }
  return key;
}

/** cosign's default hash per curve first, then SHA-256, which older cosign used for every curve. */
const EC_HASHES: Record<string, string[]> = {
  prime256v1: ['sha256'],
  secp384r1: ['sha384', 'sha256'],
  secp521r1: ['sha512', 'sha256'],
};

/** Does `signature` over `data` verify against `key`, the way cosign verifies it? */
export function signatureMatches(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec':
        return (EC_HASHES[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? []).some((hash) =>
          verify(hash, data, { key, dsaEncoding: 'der' }, signature),
        );
      case 'rsa':
        return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'ed25519':
        return verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    // A signature that is not even well-formed DER does not verify.
    return false;
  }
}

interface Signed {
  /** What the signature is over. */
  data: Buffer;
  signature?: string;
  signedDigests: string[];
  certificate?: CertificateInfo;
  /** Why there is nothing to check, when there is not. */
  missing?: string;
}

/** The signed data, signature and claimed digests of a part, when it is a cosign signature. */
function signedContent(decoded: DecodedPart): Signed | undefined {
  const { part } = decoded;
  if (part.type === 'cosign-signature' && decoded.payload) {
    return {
      data: decoded.payload,
      signedDigests: part.signedDigest ? [part.signedDigest] : [],
      ...(part.signature
        ? { signature: part.signature }
        : { missing: `it has no signature (no ${COSIGN_SIGNATURE_ANNOTATION} annotation)` }),
      ...(part.certificate ? { certificate: part.certificate } : {}),
    };
  }
  if (part.type === 'in-toto' && decoded.envelope && part.statement.predicateType === COSIGN_SIGN_PREDICATE) {
    const { envelope } = decoded;
    const signatures = envelope.signatures;
    return {
      data: preAuthEncoding(envelope.payloadType, envelope.payload),
      signedDigests: statementDigests(part.statement),
      // A DSSE envelope in a sigstore bundle carries exactly one signature.
      ...(signatures.length === 1
        ? { signature: signatures[0]!.sig }
        : { missing: `its DSSE envelope has ${signatures.length} signatures, not one` }),
      ...(part.signer?.certificate ? { certificate: part.signer.certificate } : {}),
    };
  }
  return undefined;
}

function checkPart(referrer: Referrer, decoded: DecodedPart, digest: string, key: KeyObject): SignatureCheck | undefined {
  const signed = signedContent(decoded);
  if (!signed) return undefined;
  const digestMatches = signed.signedDigests.includes(digest);
  const signature = signed.signature !== undefined ? decodeBase64(signed.signature) : undefined;
  const signatureValid = !!signature && signatureMatches(key, signed.data, signature);
  const check: SignatureCheck = {
    referrer,
    layer: decoded.part.descriptor,
    verified: signatureValid && digestMatches,
    signatureValid,
    digestMatches,
    signedDigests: signed.signedDigests,
    reason: '',
  };
  if (signed.certificate) {
    let matchesCertificate: boolean;
    try {
      matchesCertificate = !!signature && signatureMatches(certificateKey(signed.certificate.pem), signed.data, signature);
    } catch {
      matchesCertificate = false;
    }
    check.keyless = { certificate: signed.certificate, signatureMatchesCertificate: matchesCertificate, note: KEYLESS_NOTE };
  }
  check.reason = explain(check, digest, signed, signature !== undefined);
  return check;
}

function explain(check: SignatureCheck, digest: string, signed: Signed, decodable: boolean): string {
  const names = signed.signedDigests.length ? signed.signedDigests.join(', ') : 'no image digest';
  let keyPart: string;
  if (signed.missing) keyPart = `Nothing to verify: ${signed.missing}.`;
  else if (!decodable) keyPart = 'The signature is not base64, so it cannot be verified.';
  else if (check.signatureValid) keyPart = 'The signature matches the given key';
  else keyPart = 'The signature does not match the given key: it was made with another key, or the payload was changed after signing';
  let text: string;
  if (check.verified) text = `Verified: the signature matches the given key and names this image (${digest}).`;
  else if (check.signatureValid) text = `${keyPart}, but it is for another image: its payload names ${names}, not ${digest}.`;
  else if (signed.missing || !decodable) text = keyPart;
  else if (check.digestMatches) text = `${keyPart}. (Its payload does name this image.)`;
  else text = `${keyPart}; and its payload names ${names}, not ${digest}.`;
  if (check.keyless) {
    const { certificate, signatureMatchesCertificate } = check.keyless;
    text +=
      ` It is a keyless signature: its certificate was issued to ${certificate.identity ?? 'an unnamed identity'}` +
      `${certificate.oidcIssuer ? ` by ${certificate.oidcIssuer}` : ''}, and the signature ${signatureMatchesCertificate ? 'matches' : 'does not match'} ` +
      "the certificate's key. Lading does not check the certificate against Sigstore's roots.";
  }
  return text;
}
