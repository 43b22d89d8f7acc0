import { createHash } from 'node:crypto';

/** `sha256:<hex>` of the bytes, the form registries and OCI use. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
