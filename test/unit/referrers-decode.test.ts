/**
 * The referrers decoders on their own: strict base64, DSSE's pre-auth
 * encoding, in-toto statements, SBOMs (SPDX and CycloneDX, hostile nesting),
 * SLSA provenance summaries, kinds from descriptors, tag names, Fulcio
 * certificates made by openssl, and the key and signature rules cosign uses
 * (signatures made by openssl: P-384 over SHA-384 and SHA-256, Ed25519).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvalidAttachmentError, InvalidPublicKeyError, cosignTag, referrersTag } from '../../src-main/registry/index';
import { readCertificate } from '../../src-main/registry/referrers/certificate';
import { kindOfAttestationLayers, kindOfDescriptor } from '../../src-main/registry/referrers/classify';
import { decodeBase64 } from '../../src-main/registry/referrers/encoding';
import { preAuthEncoding, readEnvelope, readProvenance, readStatement, statementDigests } from '../../src-main/registry/referrers/in-toto';
import { readSbom } from '../../src-main/registry/referrers/sbom';
import { loadPublicKey, signatureMatches } from '../../src-main/registry/referrers/verify-signature';
import {
  BUILDKIT_PROVENANCE,
  CYCLONEDX_DOCUMENT,
  CYCLONEDX_PACKAGES,
  GITHUB_PROVENANCE,
  SPDX_DOCUMENT,
  SPDX_PACKAGES,
  buildkitProvenancePredicate,
  githubProvenancePredicate,
} from '../harness/referrer-specs.js';
import { requireTool, run, runRaw } from '../harness/tools.js';

const fx = inject('lading').fixtures.referrers;
const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('strict base64', () => {
  it('standard and URL-safe, padded or not', () => {
    expect(decodeBase64('aGVsbG8=')?.toString()).toBe('hello');
    expect(decodeBase64('aGVsbG8')?.toString()).toBe('hello');
    expect(decodeBase64('-_8')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('')?.length).toBe(0);
  });

  it('anything else is refused, not skipped over', () => {
    for (const junk of ['this is not base64!', 'aGVs bG8=', 'aGVsbG8===', 'a', 'aGVsbG8=x', 'ab+_', 42, null]) {
      expect(decodeBase64(junk), String(junk)).toBeUndefined();
    }
  });
});

describe('DSSE and in-toto', () => {
  it("the pre-auth encoding is the spec's example byte for byte", () => {
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    // Lengths are in bytes, not characters.
    expect(preAuthEncoding('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('an envelope: its payload decoded; every defect named', () => {
    const payload = Buffer.from('{"a":1}');
    const envelope = readEnvelope(
      { payloadType: 'x', payload: payload.toString('base64'), signatures: [{ keyid: 'k', sig: 'AAAA' }] },
      'E',
    );
    expect(envelope).toEqual({ payloadType: 'x', payload, signatures: [{ keyid: 'k', sig: 'AAAA' }] });
    expect(() => readEnvelope([], 'E')).toThrow(/E is not a DSSE envelope: not a JSON object/);
    expect(() => readEnvelope({ payload: 'AAAA' }, 'E')).toThrow(/no payloadType/);
    expect(() => readEnvelope({ payloadType: 'x', payload: 'not base64 at all' }, 'E')).toThrow(InvalidAttachmentError);
    expect(() => readEnvelope({ payloadType: 'x', payload: 'not base64 at all' }, 'E')).toThrow(
      /E: the DSSE payload is not base64 \(it starts "not base64 at all"\)/,
    );
    expect(() => readEnvelope({ payloadType: 'x', payload: '', signatures: [{}] }, 'E')).toThrow(/signatures\[0\] has no sig/);
  });

  it('a statement is checked: JSON, _type, predicateType, subjects (at most 1024)', () => {
    const ok = readStatement(
      Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v1',
          predicateType: 'p',
          predicate: { x: 1 },
          subject: [{ name: 'a', digest: { sha256: 'AB'.repeat(32), sha512: 'cd' } }],
        }),
      ),
      'S',
    );
    expect(ok.statement.subjects).toEqual([{ name: 'a', digest: { sha256: 'AB'.repeat(32), sha512: 'cd' } }]);
    expect(statementDigests(ok.statement)).toEqual([`sha256:${'ab'.repeat(32)}`, 'sha512:cd']);
    expect(() => readStatement(Buffer.from('{'), 'S')).toThrow(/S: the in-toto statement is not JSON/);
    expect(() => readStatement(Buffer.from('{"_type":"t","subject":[]}'), 'S')).toThrow(/no _type or predicateType/);
    expect(() => readStatement(Buffer.from('{"_type":"t","predicateType":"p","subject":[{"name":"x"}]}'), 'S')).toThrow(
      /subject\[0\] has no digest/,
    );
    const many = { _type: 't', predicateType: 'p', subject: Array.from({ length: 1025 }, () => ({ digest: { sha256: 'a' } })) };
    expect(() => readStatement(Buffer.from(JSON.stringify(many)), 'S')).toThrow(/names 1025 subjects; Lading reads at most 1024/);
  });
});

describe('SBOMs', () => {
  it('SPDX 2.x JSON and CycloneDX JSON as package lists', () => {
    expect(readSbom(SPDX_DOCUMENT)).toEqual({ format: 'spdx', specVersion: 'SPDX-2.3', name: 'lading/referrers', packages: SPDX_PACKAGES });
    expect(readSbom(CYCLONEDX_DOCUMENT)).toEqual({
      format: 'cyclonedx',
      specVersion: '1.5',
      name: 'lading/referrers',
      packages: CYCLONEDX_PACKAGES,
    });
  });

  it("older cosign's {Data, Timestamp} wrapper, as an object or as JSON text", () => {
    expect(readSbom({ Data: SPDX_DOCUMENT, Timestamp: '2024-01-01T00:00:00Z' })?.packages).toEqual(SPDX_PACKAGES);
    expect(readSbom({ Data: JSON.stringify(CYCLONEDX_DOCUMENT) })?.packages).toEqual(CYCLONEDX_PACKAGES);
    expect(readSbom({ Data: 'SPDXVersion: SPDX-2.3\n' })).toBeUndefined();
  });

  it('anything else is not an SBOM: SPDX 3 JSON-LD, other JSON, junk entries skipped', () => {
    expect(readSbom({ '@context': 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld', '@graph': [] })).toBeUndefined();
    expect(readSbom([1, 2])).toBeUndefined();
    expect(readSbom({ spdxVersion: 'SPDX-2.2', packages: [null, 7, { versionInfo: '1' }, { name: 'ok' }] })?.packages).toEqual([
      { name: 'ok' },
    ]);
  });

  it('CycloneDX nested 50,000 levels deep is read without overflowing the stack', () => {
    let component: Record<string, unknown> = { name: 'leaf' };
    for (let i = 0; i < 50_000; i++) component = { name: `c${i}`, components: [component] };
    const sbom = readSbom({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [component] })!;
    expect(sbom.packages).toHaveLength(50_001);
    expect(sbom.packages.at(-1)).toEqual({ name: 'leaf' });
  });
});

describe('SLSA provenance', () => {
  it('v0.2 as BuildKit writes it, v1 as GitHub writes it', () => {
    expect(readProvenance('https://slsa.dev/provenance/v0.2', buildkitProvenancePredicate())).toEqual(BUILDKIT_PROVENANCE);
    expect(readProvenance('https://slsa.dev/provenance/v1', githubProvenancePredicate())).toEqual(GITHUB_PROVENANCE);
  });

  it('v1 as BuildKit writes it: the config source and its VCS metadata', () => {
    expect(
      readProvenance('https://slsa.dev/provenance/v1', {
        buildDefinition: {
          buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
          externalParameters: {
            configSource: { uri: 'https://github.com/org/app.git#main', digest: { sha1: 'abc123' }, path: 'Dockerfile' },
          },
          resolvedDependencies: [{ uri: 'pkg:docker/alpine@3.19', digest: { sha256: 'ff' } }],
        },
        runDetails: {
          builder: { id: 'https://github.com/org/app/actions/runs/1' },
          metadata: {
            startedOn: '2024-02-01T00:00:00Z',
            buildkit_metadata: { vcs: { source: 'https://github.com/org/app', revision: 'abc123' } },
          },
        },
      }),
    ).toEqual({
      slsaVersion: '1',
      builder: 'https://github.com/org/app/actions/runs/1',
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      sourceRepository: 'https://github.com/org/app.git#main',
      commit: 'abc123',
      buildStartedOn: '2024-02-01T00:00:00Z',
    });
  });

  it('v0.2 from a git material when there is no config source; another predicate is no provenance', () => {
    expect(
      readProvenance('https://slsa.dev/provenance/v0.2', {
        builder: { id: 'b' },
        materials: [{ uri: 'pkg:docker/x' }, { uri: 'git+https://github.com/o/r@refs/tags/v1', digest: { sha1: 'c0ffee' } }],
      }),
    ).toEqual({ slsaVersion: '0.2', builder: 'b', sourceRepository: 'git+https://github.com/o/r@refs/tags/v1', commit: 'c0ffee' });
    expect(readProvenance('https://example.com/custom', { builder: { id: 'b' } })).toBeUndefined();
    expect(readProvenance('https://slsa.dev/provenance/v1', 'not an object')).toBeUndefined();
  });
});

describe('kinds and tags', () => {
  const d = (artifactType: string | undefined, annotations?: Record<string, string>) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: digest('a'),
    size: 1,
    ...(artifactType ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  });

  it.each([
    ['application/vnd.dev.cosign.artifact.sig.v1+json', undefined, 'signature'],
    ['application/vnd.cncf.notary.signature', undefined, 'signature'],
    ['application/vnd.dev.sigstore.bundle.v0.3+json', undefined, 'signature'],
    ['application/vnd.dev.sigstore.bundle.v0.3+json', { 'dev.sigstore.bundle.content': 'dsse-envelope' }, 'attestation'],
    ['application/vnd.dev.sigstore.bundle.v0.3+json', { 'dev.sigstore.bundle.predicateType': 'https://spdx.dev/Document/v2.3' }, 'sbom'],
    [
      'application/vnd.dev.sigstore.bundle+json;version=0.2',
      { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
      'attestation',
    ],
    ['application/vnd.dsse.envelope.v1+json', undefined, 'attestation'],
    ['application/vnd.in-toto+json', { 'in-toto.io/predicate-type': 'https://cyclonedx.org/bom/v1.5' }, 'sbom'],
    ['application/spdx+json', undefined, 'sbom'],
    ['text/spdx', undefined, 'sbom'],
    ['application/vnd.cyclonedx+json', undefined, 'sbom'],
    ['application/vnd.goharbor.harbor.sbom.v1', undefined, 'sbom'],
    ['application/vnd.oci.image.config.v1+json', undefined, 'other'],
    [undefined, undefined, 'other'],
  ] as const)('%s %j is %s', (artifactType, annotations, kind) => {
    expect(kindOfDescriptor(d(artifactType, annotations as Record<string, string> | undefined))).toBe(kind);
  });

  it('a .att manifest is an SBOM only when every layer is one', () => {
    const layer = (predicateType: string) => ({ ...d(undefined, { predicateType }), mediaType: 'application/vnd.dsse.envelope.v1+json' });
    expect(kindOfAttestationLayers([layer('https://spdx.dev/Document')])).toBe('sbom');
    expect(kindOfAttestationLayers([layer('https://spdx.dev/Document'), layer('https://slsa.dev/provenance/v1')])).toBe('attestation');
    expect(kindOfAttestationLayers([])).toBe('attestation');
  });

  it('tag names: the tag schema cuts a sha512 to 64 hex digits; cosign appends its suffix', () => {
    expect(referrersTag(digest('a'))).toBe(`sha256-${'a'.repeat(64)}`);
    expect(referrersTag(`sha512:${'b'.repeat(128)}`)).toBe(`sha512-${'b'.repeat(64)}`);
    expect(cosignTag(digest('c'), 'att')).toBe(`sha256-${'c'.repeat(64)}.att`);
  });
});

describe('certificates, keys and signatures (made by openssl)', () => {
  let dir: string;
  const openssl = () => requireTool('openssl', 'openssl');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lading-referrers-unit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function key(name: string, ...options: string[]): Promise<{ keyPath: string; publicPem: string }> {
    const keyPath = join(dir, `${name}.key`);
    await run(openssl(), ['genpkey', ...options, '-out', keyPath]);
    return { keyPath, publicPem: (await run(openssl(), ['pkey', '-in', keyPath, '-pubout'])).stdout };
  }

  it("a Fulcio certificate's identity and OIDC issuer (the harness's keyless signer)", () => {
    const info = readCertificate(fx.keyless.certificatePem, 'C');
    expect(info).toMatchObject({
      identity: fx.keyless.identity,
      subjectAlternativeNames: [fx.keyless.identity],
      oidcIssuer: fx.keyless.issuer,
    });
    expect(info.certificateIssuer).toBe('O=lading-test, CN=not-sigstore-intermediate');
    expect(Date.parse(info.validTo)).toBeGreaterThan(Date.parse(info.validFrom));
  });

  it("a CI workflow's certificate: URI identity, the v1 issuer only, and the source repository and commit", async () => {
    const k = await key('ci', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256');
    const ext = join(dir, 'ci.ext');
    const utf8 = (s: string) => Buffer.concat([Buffer.from([0x0c, s.length]), Buffer.from(s)]).toString('hex');
    await writeFile(
      ext,
      [
        '[req]',
        'distinguished_name=dn',
        '[dn]',
        '[x]',
        'subjectAltName=URI:https://github.com/org/app/.github/workflows/release.yml@refs/heads/main',
        `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from('https://token.actions.githubusercontent.com').toString('hex')}`,
        `1.3.6.1.4.1.57264.1.12=DER:${utf8('https://github.com/org/app')}`,
        `1.3.6.1.4.1.57264.1.13=DER:${utf8('0123456789abcdef0123456789abcdef01234567')}`,
        '',
      ].join('\n'),
    );
    const pem = join(dir, 'ci.pem');
    await run(openssl(), [
      'req',
      '-x509',
      '-new',
      '-key',
      k.keyPath,
      '-subj',
      '/CN=ci',
      '-days',
      '1',
      '-config',
      ext,
      '-extensions',
      'x',
      '-out',
      pem,
    ]);
    const info = readCertificate(await readFile(pem, 'utf8'), 'C');
    expect(info).toMatchObject({
      identity: 'https://github.com/org/app/.github/workflows/release.yml@refs/heads/main',
      oidcIssuer: 'https://token.actions.githubusercontent.com',
      sourceRepository: 'https://github.com/org/app',
      sourceCommit: '0123456789abcdef0123456789abcdef01234567',
    });
  });

  it('a certificate that is not one is an InvalidAttachmentError naming where it came from', () => {
    expect(() =>
      readCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'The certificate annotation of L'),
    ).toThrow(/^The certificate annotation of L is not a PEM certificate/);
  });

  it('keys: public ECDSA, RSA and Ed25519 (or a certificate) are taken; private keys, other curves and junk are refused', async () => {
    expect(loadPublicKey(fx.keys.ecdsa).asymmetricKeyType).toBe('ec');
    expect(loadPublicKey(fx.keys.rsa).asymmetricKeyType).toBe('rsa');
    expect(loadPublicKey(fx.keyless.certificatePem).asymmetricKeyType).toBe('ec');
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const cases: [unknown, RegExp][] = [
      [undefined, /must be PEM text/],
      ['cosign.pub', /must be PEM text/],
      [await readFile(fx.privateKeyPaths.ecdsa, 'utf8'), /This is a private key/],
      ['-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----', /This is a private key/],
      [x25519, /of type x25519/],
      [k1, /on secp256k1/],
    ];
    for (const [pem, message] of cases) {
      expect(() => loadPublicKey(pem), String(pem)).toThrow(InvalidPublicKeyError);
      expect(() => loadPublicKey(pem), String(pem)).toThrow(message);
    }
  });

  it('P-384 signatures over SHA-384 (cosign now) and SHA-256 (cosign before) verify; Ed25519 too; a wrong one does not', async () => {
    const data = Buffer.from('{"critical":{}}');
    const p384 = await key('p384', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384');
    const ed = await key('ed', '-algorithm', 'ED25519');
    const dataPath = join(dir, 'payload.json');
    await writeFile(dataPath, data);
    const sig384 = (await runRaw(openssl(), ['dgst', '-sha384', '-sign', p384.keyPath, dataPath])).stdout;
    const sig256 = (await runRaw(openssl(), ['dgst', '-sha256', '-sign', p384.keyPath, dataPath])).stdout;
    const sigEd = (await runRaw(openssl(), ['pkeyutl', '-sign', '-rawin', '-inkey', ed.keyPath, '-in', dataPath])).stdout;
    const p384Key = loadPublicKey(p384.publicPem);
    expect(signatureMatches(p384Key, data, sig384)).toBe(true);
    expect(signatureMatches(p384Key, data, sig256)).toBe(true);
    expect(signatureMatches(p384Key, Buffer.from('{"critical":{ }}'), sig384)).toBe(false);
    expect(signatureMatches(loadPublicKey(ed.publicPem), data, sigEd)).toBe(true);
    expect(signatureMatches(loadPublicKey(fx.keys.ecdsa), data, sig384)).toBe(false);
    // Not even DER: no exception, just no match.
    expect(signatureMatches(p384Key, data, Buffer.from('junk'))).toBe(false);
  });
});
