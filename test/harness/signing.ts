/**
 * Keys, certificates and signatures made with openssl, an independent
 * signer: the referrers fixtures are signed the way `cosign sign --key`
 * signs (ECDSA P-256 or RSA PKCS #1 v1.5 over SHA-256, DER signatures), and
 * a keyless signature gets a certificate with Fulcio's extensions from a
 * throwaway CA (not Sigstore's: Lading does not check the chain anyway).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTool, run, runRaw } from './tools.js';

export interface SigningKey {
  /** PEM private key (PKCS #8). */
  keyPath: string;
  /** PEM public key (SPKI), as `cosign.pub` holds it. */
  publicPem: string;
}

export interface KeylessSigner extends SigningKey {
  /** The leaf certificate, PEM, as cosign stores it in `dev.sigstore.cosign/certificate`. */
  certificatePem: string;
  /** The CA certificate, PEM (`dev.sigstore.cosign/chain`). */
  chainPem: string;
  identity: string;
  issuer: string;
}

export interface SigningKeys {
  ecdsa: SigningKey;
  rsa: SigningKey;
  /** A key that signed nothing: the wrong key. */
  unrelated: SigningKey;
  keyless: KeylessSigner;
}

function openssl(): string {
  return requireTool('openssl', 'openssl');
}

async function generate(dir: string, name: string, algorithm: 'ec' | 'rsa'): Promise<SigningKey> {
  const keyPath = join(dir, `${name}.key`);
  const options =
    algorithm === 'ec'
      ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  await run(openssl(), ['genpkey', ...options, '-out', keyPath]);
  const { stdout: publicPem } = await run(openssl(), ['pkey', '-in', keyPath, '-pubout']);
  return { keyPath, publicPem };
}

/** The DER of a UTF8String, for openssl's `DER:` extension syntax (hex). */
function utf8StringDer(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 127) throw new Error('keep fixture extension values short');
  return Buffer.concat([Buffer.from([0x0c, bytes.length]), bytes]).toString('hex');
}

async function keylessSigner(dir: string, identity: string, issuer: string): Promise<KeylessSigner> {
  const [ca, leaf] = await Promise.all([generate(dir, 'fulcio-ca', 'ec'), generate(dir, 'keyless', 'ec')]);
  const caCert = join(dir, 'fulcio-ca.pem');
  await run(openssl(), [
    'req',
    '-x509',
    '-new',
    '-key',
    ca.keyPath,
    '-subj',
    '/O=lading-test/CN=not-sigstore-intermediate',
    '-days',
    '2',
    '-out',
    caCert,
  ]);
  const csr = join(dir, 'keyless.csr');
  await run(openssl(), ['req', '-new', '-key', leaf.keyPath, '-subj', '/', '-out', csr]);
  // As Fulcio issues them: the identity as a SAN, the OIDC issuer in 57264.1.1 (raw) and .1.8 (UTF8String).
  const extensions = join(dir, 'keyless.ext');
  await writeFile(
    extensions,
    [
      '[fulcio]',
      `subjectAltName=critical,email:${identity}`,
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=codeSigning',
      `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer, 'utf8').toString('hex')}`,
      `1.3.6.1.4.1.57264.1.8=DER:${utf8StringDer(issuer)}`,
      '',
    ].join('\n'),
  );
  const certPath = join(dir, 'keyless.pem');
  await run(openssl(), [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCert,
    '-CAkey',
    ca.keyPath,
    '-set_serial',
    '1',
    '-days',
    '1',
    '-extfile',
    extensions,
    '-extensions',
    'fulcio',
    '-out',
    certPath,
  ]);
  const [certificatePem, chainPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(caCert, 'utf8')]);
  return { ...leaf, certificatePem, chainPem, identity, issuer };
}

export async function createSigningKeys(dir: string): Promise<SigningKeys> {
  const [ecdsa, rsa, unrelated, keyless] = await Promise.all([
    generate(dir, 'cosign-ecdsa', 'ec'),
    generate(dir, 'cosign-rsa', 'rsa'),
    generate(dir, 'unrelated', 'ec'),
    keylessSigner(dir, 'release-bot@lading.example', 'https://token.actions.githubusercontent.com'),
  ]);
  return { ecdsa, rsa, unrelated, keyless };
}

/** `openssl dgst -sha256 -sign`: ECDSA (DER) or RSA PKCS #1 v1.5, as cosign signs. */
export async function sign(key: SigningKey, data: Uint8Array): Promise<Buffer> {
  const { stdout } = await runRaw(openssl(), ['dgst', '-sha256', '-sign', key.keyPath], { input: data });
  return stdout;
}

/** DSSE's pre-authentication encoding, written out here rather than imported from the code under test. */
export function dssePae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}
