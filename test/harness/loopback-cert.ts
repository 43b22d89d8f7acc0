/**
 * A self-signed certificate for a stand-in HTTPS server on 127.0.0.1 (no
 * registry here serves TLS): what an untrusted or custom-CA registry shows.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './tools.js';

/** Writes `<name>.key` and `<name>.crt` into `dir` (valid 2 days, for IP 127.0.0.1) and returns their PEM text. */
export function selfSignedLoopbackCert(dir: string, name: string): { key: string; cert: string } {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  execFileSync(
    requireTool('openssl', 'openssl'),
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}
