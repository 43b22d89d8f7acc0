/**
 * Notation signatures (JWS envelopes) decoded: made with openssl as
 * `notation sign` lays them out (test/harness/notation.ts), RSA-PSS and
 * ECDSA; a tampered payload, a chain that does not link, and envelopes that
 * are not what they claim each say so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidAttachmentError, NOTATION_NOTE } from '../../src-main/registry/index';
import { NOTATION_JWS, readNotationJws } from '../../src-main/registry/referrers/notation';
import { createNotationSigner, notationEnvelope, type NotationSigner } from '../harness/notation.js';

const target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 1234 };
const layer = (bytes: Buffer) => ({ mediaType: NOTATION_JWS, digest: `sha256:${'c'.repeat(64)}`, size: bytes.length });
const WHERE = 'The signature layer sha256:cc of test';

let dir: string;
let rsa: NotationSigner;
let ecdsa: NotationSigner;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lading-notation-'));
  [rsa, ecdsa] = await Promise.all([createNotationSigner(dir, 'rsa-signer', 'PS256'), createNotationSigner(dir, 'ec-signer', 'ES256')]);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const decode = (bytes: Buffer) => readNotationJws(layer(bytes), bytes, WHERE);

describe('a Notation JWS envelope', () => {
  it('PS256: what it signs, when, by which chain; the signature matches the leaf and the chain links', async () => {
    const part = decode(await notationEnvelope(rsa, target));
    expect(part).toMatchObject({
      type: 'notation-signature',
      envelope: 'jws',
      algorithm: 'PS256',
      signedDigest: target.digest,
      signedMediaType: target.mediaType,
      signedSize: target.size,
      signingScheme: 'notary.x509',
      signingTime: '2024-03-01T12:00:00Z',
      signingAgent: 'notation-go/1.2.0 (lading test)',
      signatureMatchesCertificate: true,
      chainLinked: true,
      note: NOTATION_NOTE,
    });
    expect(part.certificates).toHaveLength(2);
    expect(part.certificates[0]!.subject).toBe('C=US, O=lading-test, CN=rsa-signer.lading.example');
    expect(part.certificates[0]!.certificateIssuer).toBe('O=lading-test, CN=rsa-signer CA');
    expect(part.certificates[1]!.subject).toBe('O=lading-test, CN=rsa-signer CA');
    expect(part.note).toMatch(/does not check the chain against a Notation trust store/);
  });

  it('ES256 (r||s, as JWS has it) verifies too', async () => {
    const part = decode(await notationEnvelope(ecdsa, target));
    expect(part.algorithm).toBe('ES256');
    expect(part.signatureMatchesCertificate).toBe(true);
    expect(part.chainLinked).toBe(true);
  });

  it('a payload changed after signing no longer matches; it still says what it now claims', async () => {
    const other = { ...target, digest: `sha256:${'b'.repeat(64)}` };
    const part = decode(await notationEnvelope(rsa, target, { tamperedTarget: other }));
    expect(part.signedDigest).toBe(other.digest);
    expect(part.signatureMatchesCertificate).toBe(false);
  });

  it("a chain whose CA did not issue the leaf is not linked; another signer's leaf does not match the signature", async () => {
    const foreignCa = decode(await notationEnvelope(rsa, target, { chainPems: [rsa.chainPems[0]!, ecdsa.chainPems[1]!] }));
    expect(foreignCa.chainLinked).toBe(false);
    expect(foreignCa.signatureMatchesCertificate).toBe(true);
    const foreignLeaf = decode(await notationEnvelope(rsa, target, { chainPems: ecdsa.chainPems }));
    expect(foreignLeaf.signatureMatchesCertificate).toBe(false);
    expect(foreignLeaf.chainLinked).toBe(true);
  });

  it('what is not a Notation envelope is refused, naming what is wrong', async () => {
    const good = JSON.parse((await notationEnvelope(rsa, target)).toString()) as Record<string, unknown>;
    const bad = (doc: unknown) => () => decode(Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)));
    expect(bad('not json')).toThrow(InvalidAttachmentError);
    expect(bad('not json')).toThrow(/Notation signature envelope is not JSON/);
    expect(bad({ ...good, protected: 'not base64!' })).toThrow(`${WHERE}: the Notation protected header is not base64url`);
    expect(bad({ ...good, payload: Buffer.from('[1]').toString('base64url') })).toThrow('the Notation payload is not a JSON object');
    expect(bad({ ...good, payload: Buffer.from('{}').toString('base64url') })).toThrow(
      'the Notation payload names no target artifact digest',
    );
    expect(bad({ ...good, header: {} })).toThrow('the Notation signature has no certificate chain (header.x5c)');
    expect(bad({ ...good, header: { x5c: ['bm90IGEgY2VydA=='] } })).toThrow(/certificate 1 of the Notation chain cannot be read/);
    expect(bad({ ...good, header: { x5c: Array(11).fill('AA==') } })).toThrow('has 11 certificates; Lading reads at most 10');
    expect(bad({ ...good, signature: undefined })).toThrow('lacks its protected header, payload or signature');
  });
});
