/**
 * Notation signatures as `notation sign` writes them (notaryproject/specs:
 * signature-envelope-jws.md, signature-specification.md), made with openssl
 * (no notation binary is packaged in Debian): a throwaway CA and a leaf
 * certificate with the code-signing usage Notation requires, a JWS envelope
 * signed PS256 (RSA, Notation's default for RSA keys) or ES256 (ECDSA,
 * the signature as r||s), and the artifact manifest around it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sha256Digest } from './digest.js';
import { pushBlob, putManifest } from './registry-http.js';
import { requireTool, run, runRaw } from './tools.js';

export interface NotationSigner {
  /** The leaf's private key. */
  keyPath: string;
  /** Leaf first, then the CA: what `x5c` holds. */
  chainPems: string[];
  algorithm: 'PS256' | 'ES256';
  /** The leaf certificate's subject, as openssl writes `-subj`. */
  subject: string;
}

const openssl = () => requireTool('openssl', 'openssl');

/** A CA and a leaf signed by it (RSA 2048 for PS256, P-256 for ES256). */
export async function createNotationSigner(dir: string, name: string, algorithm: 'PS256' | 'ES256'): Promise<NotationSigner> {
  const caKey = join(dir, `${name}-ca.key`);
  const caCert = join(dir, `${name}-ca.pem`);
  const keyPath = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  const keyOptions =
    algorithm === 'PS256'
      ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
      : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await Promise.all([
    run(openssl(), ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', caKey]),
    run(openssl(), ['genpkey', ...keyOptions, '-out', keyPath]),
  ]);
  await run(openssl(), ['req', '-x509', '-new', '-key', caKey, '-subj', `/O=lading-test/CN=${name} CA`, '-days', '2', '-out', caCert]);
  const subject = `/C=US/O=lading-test/CN=${name}.lading.example`;
  await run(openssl(), ['req', '-new', '-key', keyPath, '-subj', subject, '-out', csr]);
  await writeFile(
    ext,
    ['[leaf]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=codeSigning', ''].join('\n'),
  );
  await run(openssl(), [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    '-set_serial',
    '7',
    '-days',
    '1',
    '-extfile',
    ext,
    '-extensions',
    'leaf',
    '-out',
    certPath,
  ]);
  const chainPems = await Promise.all([readFile(certPath, 'utf8'), readFile(caCert, 'utf8')]);
  return { keyPath, chainPems, algorithm, subject };
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const derOfPem = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** An ECDSA DER signature (SEQUENCE of r, s) as JWS wants it: r||s, each `size` bytes. */
function derToP1363(der: Buffer, size: number): Buffer {
  let at = 2 + (der[1]! & 0x80 ? der[1]! & 0x7f : 0);
  const integer = () => {
    const length = der[at + 1]!;
    let value = der.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    return Buffer.concat([Buffer.alloc(size - value.length), value]);
  };
  return Buffer.concat([integer(), integer()]);
}

export interface TargetArtifact {
  mediaType: string;
  digest: string;
  size: number;
}

export interface NotationEnvelopeOptions {
  signingTime?: string;
  /** Replaces the payload after signing (a tampered envelope). */
  tamperedTarget?: TargetArtifact;
  /** The x5c to write instead of the signer's chain. */
  chainPems?: string[];
}

/** The JWS envelope (`application/jose+json`) `notation sign` writes for `target`. */
export async function notationEnvelope(
  signer: NotationSigner,
  target: TargetArtifact,
  opts: NotationEnvelopeOptions = {},
): Promise<Buffer> {
  const protectedHeader = base64url(
    JSON.stringify({
      alg: signer.algorithm,
      crit: ['io.cncf.notary.signingScheme'],
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      'io.cncf.notary.signingScheme': 'notary.x509',
      'io.cncf.notary.signingTime': opts.signingTime ?? '2024-03-01T12:00:00Z',
    }),
  );
  const payload = base64url(JSON.stringify({ targetArtifact: target }));
  const sigopts = signer.algorithm === 'PS256' ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'] : [];
  const { stdout } = await runRaw(openssl(), ['dgst', '-sha256', ...sigopts, '-sign', signer.keyPath], {
    input: Buffer.from(`${protectedHeader}.${payload}`),
  });
  const signature = signer.algorithm === 'ES256' ? derToP1363(stdout, 32) : stdout;
  return Buffer.from(
    JSON.stringify({
      payload: opts.tamperedTarget ? base64url(JSON.stringify({ targetArtifact: opts.tamperedTarget })) : payload,
      protected: protectedHeader,
      header: {
        x5c: (opts.chainPems ?? signer.chainPems).map((pem) => derOfPem(pem).toString('base64')),
        'io.cncf.notary.signingAgent': 'notation-go/1.2.0 (lading test)',
      },
      signature: base64url(signature),
    }),
  );
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const NOTATION_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';

export interface NotationSignedImage {
  tag: string;
  /** The image's manifest digest. */
  digest: string;
  /** The signature artifact's manifest digest. */
  signature: string;
  /** The referrers tag-schema index's tag. */
  tagSchemaTag: string;
}

/**
 * Pushes a small image under `tag`, then signs it as `notation sign` does on a
 * registry without the Referrers API: the signature artifact (empty config,
 * the JWS envelope, `subject`) by digest, and the referrers tag-schema index
 * `sha256-<hex>` listing it with its artifact type and annotations.
 */
export async function pushNotationSigned(
  baseUrl: string,
  repository: string,
  tag: string,
  signer: NotationSigner,
  /** `signs`: the artifact the envelope names instead of the image (a signature over another image). */
  opts: NotationEnvelopeOptions & { signs?: TargetArtifact } = {},
): Promise<NotationSignedImage> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } }));
  const image = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await pushBlob(baseUrl, repository, config),
        size: config.length,
      },
      layers: [],
      annotations: { 'org.opencontainers.image.description': `lading notation-signed image (${tag})` },
    }),
  );
  const digest = sha256Digest(image);
  await putManifest(baseUrl, repository, tag, image, OCI_MANIFEST);

  const envelope = await notationEnvelope(signer, opts.signs ?? { mediaType: OCI_MANIFEST, digest, size: image.length }, opts);
  const empty = Buffer.from('{}');
  const thumbprints = signer.chainPems.map((pem) => createHash('sha256').update(derOfPem(pem)).digest('hex'));
  const annotations = {
    'io.cncf.notary.x509chain.thumbprint#S256': JSON.stringify(thumbprints),
    'org.opencontainers.image.created': '2024-03-01T12:00:00Z',
  };
  const signature = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: NOTATION_ARTIFACT_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: await pushBlob(baseUrl, repository, empty), size: empty.length },
      layers: [{ mediaType: 'application/jose+json', digest: await pushBlob(baseUrl, repository, envelope), size: envelope.length }],
      subject: { mediaType: OCI_MANIFEST, digest, size: image.length },
      annotations,
    }),
  );
  const signatureDigest = sha256Digest(signature);
  await putManifest(baseUrl, repository, signatureDigest, signature, OCI_MANIFEST);
  const tagSchemaTag = digest.replace(':', '-');
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: signatureDigest, size: signature.length, artifactType: NOTATION_ARTIFACT_TYPE, annotations },
      ],
    }),
  );
  await putManifest(baseUrl, repository, tagSchemaTag, index, OCI_INDEX);
  return { tag, digest, signature: signatureDigest, tagSchemaTag };
}
