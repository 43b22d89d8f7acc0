/**
 * verifyNotationSignature: does each Notation signature of an image chain up
 * to a certificate the caller trusts (the CA of their signing authority, as
 * `notation cert add` puts it in a trust store), match its leaf certificate's
 * key, and name this very image?
 *
 * Of `notation verify` this does the integrity and authenticity checks with
 * a trust store of the given certificates. It does not apply a trust policy
 * (which identities a store's CA may sign for), revocation (OCSP/CRL),
 * expiry or timestamps: NOTATION_VERIFY_NOTE says so with every result.
 */
import { X509Certificate } from 'node:crypto';
import type { Client } from '../client';
import { InvalidPublicKeyError } from './errors';
import { NOTATION_SIGNATURE } from './media-types';
import { decodeAttachment } from './read';
import type { NotationCheck, Referrer, VerifyNotationOptions } from './types';
import { imageDigestOf } from './verify-signature';

/** A trust store of a few CA certificates; a PEM bundle larger than this is not one. */
const MAX_TRUSTED = 20;

export const NOTATION_VERIFY_NOTE =
  "Checked: the signature against the signer certificate's key, the chain up to the trusted certificate, and the signed digest. " +
  'Not checked: a trust policy (which identities may sign), revocation, expiry and timestamps, as notation verify would.';

export async function verifyNotationSignature(client: Client, imageDigest: string, opts: VerifyNotationOptions): Promise<NotationCheck[]> {
  const digest = imageDigestOf(imageDigest, 'verifyNotationSignature');
  const trusted = loadTrustedCertificates(opts?.trustedCertificates);
  const referrers = (await client.listReferrers(digest, { signal: opts.signal })).filter(isNotation);
  const checks: NotationCheck[] = [];
  for (const referrer of referrers) {
    const { parts } = await decodeAttachment(client, referrer, { signal: opts.signal });
    for (const { part } of parts) {
      if (part.type !== 'notation-signature') continue;
      const chain = part.certificates.map((c) => new X509Certificate(c.pem));
      const anchor = part.chainLinked ? trustAnchor(chain, trusted) : undefined;
      const check: NotationCheck = {
        referrer,
        layer: part.descriptor,
        signedDigest: part.signedDigest,
        digestMatches: part.signedDigest === digest,
        signatureValid: part.signatureMatchesCertificate,
        chainTrusted: anchor !== undefined,
        verified: false,
        reason: '',
        note: NOTATION_VERIFY_NOTE,
      };
      check.verified = check.signatureValid && check.chainTrusted && check.digestMatches;
      const signer = part.certificates[0]?.subject ?? part.certificates[0]?.identity;
      if (signer) check.signer = signer;
      if (anchor) check.trustedBy = anchor;
      check.reason = explain(check, digest, part.chainLinked);
      checks.push(check);
    }
  }
  return checks;
}

function isNotation(r: Referrer): boolean {
  return r.kind === 'signature' && r.descriptor.artifactType === NOTATION_SIGNATURE;
}

/** The PEM certificates of a trust store: one or a bundle. A public key or a private key is refused, naming why. */
export function loadTrustedCertificates(pem: unknown): X509Certificate[] {
  if (typeof pem !== 'string') throw new InvalidPublicKeyError('The trusted certificate must be PEM text');
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    throw new InvalidPublicKeyError('This is a private key: give the certificate of the CA you trust instead');
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new InvalidPublicKeyError(
      'A Notation signature is checked against a certificate you trust ("-----BEGIN CERTIFICATE-----"), not a public key',
    );
  }
  if (blocks.length > MAX_TRUSTED) {
    throw new InvalidPublicKeyError(
      `The PEM holds ${blocks.length} certificates; Lading takes at most ${MAX_TRUSTED} trusted certificates`,
    );
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new InvalidPublicKeyError(`Certificate ${i + 1} of the PEM cannot be read: ${(err as Error).message}`);
    }
  });
}

/** The trusted certificate the (linked) chain reaches: one of its own certificates, or the issuer of its last. */
function trustAnchor(chain: X509Certificate[], trusted: X509Certificate[]): string | undefined {
  for (const anchor of trusted) {
    if (chain.some((c) => c.fingerprint256 === anchor.fingerprint256)) return name(anchor);
    const last = chain[chain.length - 1];
    try {
      if (last && last.checkIssued(anchor) && last.verify(anchor.publicKey)) return name(anchor);
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

const name = (cert: X509Certificate) => (cert.subject ?? '').split('\n').join(', ') || cert.fingerprint256;

function explain(check: NotationCheck, digest: string, linked: boolean): string {
  const problems: string[] = [];
  if (!check.signatureValid)
    problems.push("the signature does not match its signer certificate's key (the envelope was changed after signing)");
  if (!linked) problems.push('its certificates do not form a chain');
  else if (!check.chainTrusted) problems.push('its certificate chain does not lead to the trusted certificate');
  if (!check.digestMatches) problems.push(`it signs ${check.signedDigest}, not ${digest}`);
  if (problems.length === 0)
    return `Verified: signed by ${check.signer ?? 'its certificate'}, whose chain leads to ${check.trustedBy}, for this image (${digest}).`;
  return `Not verified: ${problems.join('; ')}.`;
}
