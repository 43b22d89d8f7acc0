/**
 * Who a keyless (Fulcio) signing certificate was issued to: its subject
 * alternative names, and the OIDC issuer and CI details Fulcio writes into
 * its own extensions (sigstore/fulcio docs/oid-info.md). The certificate is
 * only read: nothing here checks it against Sigstore's roots.
 */
import { X509Certificate } from 'node:crypto';
import { children, decodeOid, decodeString, readElement, type DerElement } from './der';
import { InvalidAttachmentError } from './errors';
import type { CertificateInfo } from './types';

const SAN_OID = '2.5.29.17';
const FULCIO = '1.3.6.1.4.1.57264.1';
/** The OIDC issuer: `.1` holds the raw string (deprecated), `.8` a DER UTF8String. */
const ISSUER_V1 = `${FULCIO}.1`;
const ISSUER_V2 = `${FULCIO}.8`;
const GITHUB_WORKFLOW_SHA_V1 = `${FULCIO}.3`;
const GITHUB_WORKFLOW_REPOSITORY_V1 = `${FULCIO}.5`;
const USERNAME_SAN = `${FULCIO}.7`;
const BUILD_SIGNER_URI = `${FULCIO}.9`;
const SOURCE_REPOSITORY_URI = `${FULCIO}.12`;
const SOURCE_REPOSITORY_DIGEST = `${FULCIO}.13`;

/** Reads a PEM certificate; `where` names it in errors. */
export function readCertificate(pem: string, where: string): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    throw new InvalidAttachmentError(`${where} is not a PEM certificate (${(err as Error).message})`);
  }
  let extensions: Map<string, Buffer>;
  try {
    extensions = readExtensions(cert.raw);
  } catch (err) {
    throw new InvalidAttachmentError(`${where}: its extensions cannot be read (${(err as Error).message})`);
  }
  const sans = subjectAlternativeNames(extensions.get(SAN_OID));
  const info: CertificateInfo = {
    pem: cert.toString(),
    subjectAlternativeNames: sans,
    certificateIssuer: cert.issuer.split('\n').join(', '),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
  };
  // Node gives no subject at all for an empty one (Fulcio's).
  const subject = (cert.subject ?? '').split('\n').join(', ');
  if (subject) info.subject = subject;
  if (sans[0] !== undefined) info.identity = sans[0];
  const issuer = derString(extensions.get(ISSUER_V2)) ?? rawString(extensions.get(ISSUER_V1));
  if (issuer) info.oidcIssuer = issuer;
  const repository =
    derString(extensions.get(SOURCE_REPOSITORY_URI)) ?? githubRepository(rawString(extensions.get(GITHUB_WORKFLOW_REPOSITORY_V1)));
  if (repository) info.sourceRepository = repository;
  const commit = derString(extensions.get(SOURCE_REPOSITORY_DIGEST)) ?? rawString(extensions.get(GITHUB_WORKFLOW_SHA_V1));
  if (commit) info.sourceCommit = commit;
  const signer = derString(extensions.get(BUILD_SIGNER_URI));
  if (signer) info.buildSigner = signer;
  return info;
}

/** The public key PEM of a certificate, for checking a signature against it. */
export function certificateKey(pem: string): X509Certificate['publicKey'] {
  return new X509Certificate(pem).publicKey;
}

/** Extension OID -> extnValue (the OCTET STRING's content). */
function readExtensions(der: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const tbs = children(readElement(der))[0];
  if (!tbs) return out;
  const wrapper = children(tbs).find((e) => e.tag === 0xa3);
  const list = wrapper ? children(wrapper)[0] : undefined;
  if (!list) return out;
  for (const extension of children(list)) {
    const parts = children(extension);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid?.tag === 0x06 && value?.tag === 0x04) out.set(decodeOid(oid.value), value.value);
  }
  return out;
}

/** rfc822Name, URI and Fulcio's username otherName, in order; DNS names and the rest are not identities here. */
function subjectAlternativeNames(value: Buffer | undefined): string[] {
  if (!value) return [];
  const names: string[] = [];
  for (const name of children(readElement(value))) {
    if (name.tag === 0x81 || name.tag === 0x86) names.push(name.value.toString('utf8'));
    else if (name.tag === 0xa0) {
      const other = otherName(name);
      if (other) names.push(other);
    }
  }
  return names;
}

function otherName(element: DerElement): string | undefined {
  const [oid, wrapped] = children(element);
  if (oid?.tag !== 0x06 || decodeOid(oid.value) !== USERNAME_SAN || wrapped?.tag !== 0xa0) return undefined;
  const inner = children(wrapped)[0];
  return inner ? decodeString(inner) : undefined;
}

function derString(value: Buffer | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return decodeString(readElement(value));
  } catch {
    return undefined;
  }
}

function rawString(value: Buffer | undefined): string | undefined {
  return value && value.length > 0 ? value.toString('utf8') : undefined;
}

/** The v1 extension holds `owner/repo`; say where it lives. */
function githubRepository(value: string | undefined): string | undefined {
  return value ? `https://github.com/${value}` : undefined;
}
