/**
 * The key pair a token server signs with and a token registry trusts.
 *
 * distribution verifies a token by the certificate in its `x5c` header, which
 * must chain to `auth.token.rootcertbundle`; a self-signed certificate that is
 * its own root is the smallest setup that passes. Made once per run: RSA key
 * generation is the slow part.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTool, run } from './tools.js';

export interface TokenKeyPair {
  /** PEM private key (PKCS#8, unencrypted). */
  keyPath: string;
  /** PEM self-signed certificate; goes into the registry's rootcertbundle. */
  certPath: string;
}

/** Creates key.pem and cert.pem in `dir` with openssl. */
export async function createTokenKeyPair(dir: string): Promise<TokenKeyPair> {
  const openssl = requireTool('openssl', 'openssl');
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  await run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=lading-test',
    '-days',
    '2',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { keyPath, certPath };
}

export interface LoadedKeyPair {
  privateKeyPem: string;
  /** base64 (not base64url) DER of the certificate, as `x5c` wants it. */
  certDerBase64: string;
}

export async function loadTokenKeyPair(pair: TokenKeyPair): Promise<LoadedKeyPair> {
  const [privateKeyPem, certPem] = await Promise.all([readFile(pair.keyPath, 'utf8'), readFile(pair.certPath, 'utf8')]);
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(certPem)?.[1];
  if (body === undefined) throw new Error(`no certificate in ${pair.certPath}`);
  return { privateKeyPem, certDerBase64: body.replace(/\s+/g, '') };
}
