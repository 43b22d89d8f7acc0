/**
 * Notation signatures on a real distribution 2.8 (no Referrers API), laid
 * out as `notation sign` lays them out there (artifact with `subject`, and
 * the referrers tag-schema index), signed with openssl
 * (test/harness/notation.ts): listReferrers finds them, readAttachment
 * decodes them, and verifyNotationSignature checks them against a trusted
 * certificate: the right CA, another CA, the leaf itself, a tampered
 * envelope, a signature over another image, and a public key instead of a
 * certificate.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidPublicKeyError,
  readAttachment,
  verifyNotationSignature,
  type Client,
  type NotationCheck,
} from '../../src-main/registry/index';
import { createNotationSigner, pushNotationSigned, type NotationSignedImage, type NotationSigner } from '../harness/notation.js';
import { makeTempDir } from '../harness/tmp.js';
import { ClientPool, startIsolatedRegistry, type IsolatedRegistry } from './registry-support.js';

const REPOSITORY = 'notation/app';
const pool = new ClientPool();
let workDir: string;
let registry: IsolatedRegistry;
let repo: Client;
let rsa: NotationSigner;
let ecdsa: NotationSigner;
let good: NotationSignedImage;
let tampered: NotationSignedImage;
let forAnother: NotationSignedImage;

beforeAll(async () => {
  workDir = await makeTempDir('lading-it-notation-');
  [registry, rsa, ecdsa] = await Promise.all([
    startIsolatedRegistry(workDir, 'notation'),
    createNotationSigner(workDir, 'rsa-signer', 'PS256'),
    createNotationSigner(workDir, 'ec-signer', 'ES256'),
  ]);
  const url = registry.registry.url;
  good = await pushNotationSigned(url, REPOSITORY, 'good', rsa);
  tampered = await pushNotationSigned(url, REPOSITORY, 'tampered', ecdsa, {
    tamperedTarget: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: good.digest, size: 1 },
  });
  forAnother = await pushNotationSigned(url, REPOSITORY, 'another', rsa, {
    signs: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: good.digest, size: 1 },
  });
  repo = pool.open(registry.registry.host).withSegment(REPOSITORY);
}, 120_000);

afterAll(async () => {
  await pool.closeAll();
  await registry?.registry.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const ca = (signer: NotationSigner) => signer.chainPems[1]!;
const summary = (c: NotationCheck) => ({
  verified: c.verified,
  signatureValid: c.signatureValid,
  chainTrusted: c.chainTrusted,
  digestMatches: c.digestMatches,
});

describe('a Notation signature on a registry without the Referrers API', () => {
  it('is found in the tag schema as a signature, and decodes', async () => {
    const found = await repo.listReferrers(good.digest);
    expect(found.map((r) => [r.descriptor.digest, r.kind, r.source, r.describes])).toEqual([
      [good.signature, 'signature', 'tag-schema', good.digest],
    ]);
    const attachment = await readAttachment(repo, found[0]!);
    expect(attachment.artifactType).toBe('application/vnd.cncf.notary.signature');
    expect(attachment.parts).toHaveLength(1);
    expect(attachment.parts[0]).toMatchObject({
      type: 'notation-signature',
      signedDigest: good.digest,
      signatureMatchesCertificate: true,
      chainLinked: true,
    });
  });
});

describe('verifyNotationSignature', () => {
  it("the signer's CA trusted: verified, naming the signer and the CA", async () => {
    const [check, ...rest] = await verifyNotationSignature(repo, good.digest, { trustedCertificates: ca(rsa) });
    expect(rest).toEqual([]);
    expect(summary(check!)).toEqual({ verified: true, signatureValid: true, chainTrusted: true, digestMatches: true });
    expect(check!.signer).toBe('C=US, O=lading-test, CN=rsa-signer.lading.example');
    expect(check!.trustedBy).toBe('O=lading-test, CN=rsa-signer CA');
    expect(check!.reason).toBe(
      `Verified: signed by C=US, O=lading-test, CN=rsa-signer.lading.example, whose chain leads to O=lading-test, CN=rsa-signer CA, for this image (${good.digest}).`,
    );
    expect(check!.note).toMatch(/Not checked: a trust policy/);
  });

  it('trusting the signing certificate itself, or a bundle holding it, verifies too', async () => {
    const [leaf] = await verifyNotationSignature(repo, good.digest, { trustedCertificates: rsa.chainPems[0]! });
    expect(leaf!.verified).toBe(true);
    const [bundle] = await verifyNotationSignature(repo, good.digest, { trustedCertificates: `${ca(ecdsa)}\n${ca(rsa)}` });
    expect(bundle!.verified).toBe(true);
  });

  it('another CA: not verified, because the chain does not lead to it', async () => {
    const [check] = await verifyNotationSignature(repo, good.digest, { trustedCertificates: ca(ecdsa) });
    expect(summary(check!)).toEqual({ verified: false, signatureValid: true, chainTrusted: false, digestMatches: true });
    expect(check!.reason).toBe('Not verified: its certificate chain does not lead to the trusted certificate.');
  });

  it('a tampered envelope, and a signature over another image, each say what failed', async () => {
    const [changed] = await verifyNotationSignature(repo, tampered.digest, { trustedCertificates: ca(ecdsa) });
    expect(summary(changed!)).toEqual({ verified: false, signatureValid: false, chainTrusted: true, digestMatches: false });
    expect(changed!.reason).toBe(
      "Not verified: the signature does not match its signer certificate's key (the envelope was changed after signing); " +
        `it signs ${good.digest}, not ${tampered.digest}.`,
    );
    const [other] = await verifyNotationSignature(repo, forAnother.digest, { trustedCertificates: ca(rsa) });
    expect(summary(other!)).toEqual({ verified: false, signatureValid: true, chainTrusted: true, digestMatches: false });
    expect(other!.reason).toBe(`Not verified: it signs ${good.digest}, not ${forAnother.digest}.`);
  });

  it('a public key, a private key or junk instead of a certificate is refused before anything is read', async () => {
    const publicKey = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
    await expect(verifyNotationSignature(repo, good.digest, { trustedCertificates: publicKey })).rejects.toThrow(InvalidPublicKeyError);
    await expect(verifyNotationSignature(repo, good.digest, { trustedCertificates: publicKey })).rejects.toThrow(/not a public key/);
    await expect(
      verifyNotationSignature(repo, good.digest, { trustedCertificates: '-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----' }),
    ).rejects.toThrow('This is a private key');
    await expect(
      verifyNotationSignature(repo, good.digest, { trustedCertificates: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }),
    ).rejects.toThrow(/Certificate 1 of the PEM cannot be read/);
    await expect(verifyNotationSignature(repo, 'good', { trustedCertificates: ca(rsa) })).rejects.toThrow(
      'verifyNotationSignature needs the image digest ("sha256:..."), not "good"',
    );
  });
});
