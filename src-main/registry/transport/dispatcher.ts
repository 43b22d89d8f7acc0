/**
 * One undici Agent per client family: keep-alive connections are reused by
 * every call and every withSegment() child. TLS settings live here only.
 */
import { rootCertificates } from 'node:tls';
import { Agent } from './undici-parts';

export interface DispatcherOptions {
  tlsSkipVerify?: boolean | undefined;
  ca?: string | undefined;
  timeoutMs: number;
}

export function createDispatcher(options: DispatcherOptions): Agent {
  return new Agent({
    connect: {
      rejectUnauthorized: !options.tlsSkipVerify,
      // A custom CA is added to the system's roots, not put in their place:
      // a token realm or blob CDN on a public host must still verify.
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
      timeout: Math.min(options.timeoutMs, 30_000),
    },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // Blob downloads and uploads run a few at a time per host.
    connections: 16,
  });
}
