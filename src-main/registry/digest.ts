/** Digests computed from bytes: the only digests we trust. */
import { createHash } from 'node:crypto';
import { parseDigest } from './reference';

export function algorithmOf(digest: string): 'sha256' | 'sha512' {
  const algorithm = parseDigest(digest).split(':')[0];
  return algorithm === 'sha512' ? 'sha512' : 'sha256';
}

export function digestOf(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
