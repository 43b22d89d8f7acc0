/**
 * Streams that check what they carry: a blob's bytes must add up to its size
 * and hash to its digest. Too many bytes fail at once; a short or wrong blob
 * fails at the end, before the stream reports success, so a consumer that
 * writes to a temporary name and renames on success never keeps bad data.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError, RegistryError } from './errors';
import { algorithmOf } from './digest';

export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private received = 0;

  constructor(
    private readonly expectedDigest: string,
    private readonly expectedSize: number | undefined,
    private readonly subject: string,
  ) {
    super();
    this.hash = createHash(algorithmOf(expectedDigest));
  }

  /** Bytes seen so far. */
  get bytesReceived(): number {
    return this.received;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.expectedSize !== undefined && this.received > this.expectedSize) {
      callback(
        new DigestMismatchError(
          `${this.subject} is larger than its declared ${this.expectedSize} bytes`,
          this.expectedDigest,
          'unknown (too long)',
        ),
      );
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.received !== this.expectedSize) {
      callback(
        new DigestMismatchError(
          `${this.subject} ended after ${this.received} of ${this.expectedSize} bytes`,
          this.expectedDigest,
          'unknown (too short)',
        ),
      );
      return;
    }
    const actual = `${this.expectedDigest.split(':')[0]}:${this.hash.digest('hex')}`;
    if (actual !== this.expectedDigest) {
      callback(
        new DigestMismatchError(
          `${this.subject} does not match its digest: expected ${this.expectedDigest}, got ${actual}`,
          this.expectedDigest,
          actual,
        ),
      );
      return;
    }
    callback();
  }
}

/** Reads a whole body into memory, refusing more than `limit` bytes (checked against Content-Length first). */
export async function readBounded(
  body: AsyncIterable<Uint8Array> & { destroy?: (err?: Error) => void; on?: (event: 'error', listener: () => void) => unknown },
  limit: number,
  contentLength: string | undefined,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  if (contentLength !== undefined && Number(contentLength) > limit) {
    // undici's body errors with "Request aborted" when destroyed unread; unheard, that error would crash the process.
    body.on?.('error', () => undefined);
    body.destroy?.();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export function assertNotAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new RegistryError('aborted');
}
