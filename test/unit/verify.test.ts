import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DigestMismatchError, RegistryError } from '../../src-main/registry/index';
import { VerifyingStream } from '../../src-main/registry/verify';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blob = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff));

/** Pushes `chunks` through a VerifyingStream; answers what came out and the error, if any. */
async function run(chunks: Buffer[], digest: string, size: number | undefined) {
  const out: Buffer[] = [];
  const verifier = new VerifyingStream(digest, size, 'blob x of reg/app');
  let error: unknown;
  try {
    await pipeline(
      Readable.from(chunks),
      verifier,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
  } catch (e) {
    error = e;
  }
  return { out: Buffer.concat(out), error, verifier };
}

const split = (b: Buffer, size: number) =>
  Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size));

describe('VerifyingStream', () => {
  it('passes the right bytes through unchanged, in any chunking', async () => {
    for (const size of [1, 333, 4096, blob.length]) {
      const { out, error, verifier } = await run(split(blob, size), sha256(blob), blob.length);
      expect(error).toBeUndefined();
      expect(out.equals(blob)).toBe(true);
      expect(verifier.bytesReceived).toBe(blob.length);
    }
  });

  it('passes without a declared size when the digest matches', async () => {
    const { error } = await run([blob], sha256(blob), undefined);
    expect(error).toBeUndefined();
  });

  it('verifies sha512', async () => {
    const digest = `sha512:${createHash('sha512').update(blob).digest('hex')}`;
    expect((await run([blob], digest, blob.length)).error).toBeUndefined();
    const bad = Buffer.from(blob);
    bad[0] = bad[0]! ^ 1;
    expect((await run([bad], digest, blob.length)).error).toBeInstanceOf(DigestMismatchError);
  });

  it('fails a short blob at the end', async () => {
    const short = blob.subarray(0, blob.length - 1);
    const { error } = await run([short], sha256(blob), blob.length);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/ended after 9999 of 10000 bytes/);
    expect((error as DigestMismatchError).expected).toBe(sha256(blob));
  });

  it('fails a long blob as soon as it is too long, before passing the extra bytes on', async () => {
    const long = Buffer.concat([blob, Buffer.from('extra')]);
    const { error, out } = await run(split(long, 1000), sha256(blob), blob.length);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as Error).message).toMatch(/larger than its declared 10000 bytes/);
    expect(out.length).toBeLessThanOrEqual(blob.length);
  });

  it('fails wrong bytes of the right length, naming both digests', async () => {
    const wrong = Buffer.from(blob);
    wrong[5000] = wrong[5000]! ^ 0xff;
    const { error } = await run(split(wrong, 4096), sha256(blob), blob.length);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).actual).toBe(sha256(wrong));
    expect((error as Error).message).toContain(sha256(blob));
    expect((error as Error).message).toContain(sha256(wrong));
  });

  it('fails an empty stream for a non-empty blob, and passes the empty blob', async () => {
    expect((await run([], sha256(blob), blob.length)).error).toBeInstanceOf(DigestMismatchError);
    const empty = Buffer.alloc(0);
    expect((await run([], sha256(empty), 0)).error).toBeUndefined();
  });

  it('does not finish successfully before the check: the error comes instead of "finish"', async () => {
    const verifier = new VerifyingStream(sha256(blob), blob.length, 's');
    const events: string[] = [];
    verifier.on('end', () => events.push('end'));
    verifier.on('error', () => events.push('error'));
    verifier.resume();
    verifier.end(blob.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['error']);
  });

  it('refuses a digest it cannot check', () => {
    expect(() => new VerifyingStream('md5:abc', 1, 's')).toThrow(RegistryError);
  });
});
