/**
 * Reading blobs of a layout: each one is opened once, its size checked
 * against the descriptor before a byte is read, and its bytes hashed while
 * they stream, exactly as a registry download is.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { DigestMismatchError, InvalidManifestError, RegistryError } from '../errors';
import { MAX_MANIFEST_BYTES } from '../manifest';
import type { Descriptor } from '../types';
import { VerifyingStream } from '../verify';
import { diskError } from '../disk/failure-words';
import { isNotFound } from './errors';
import { blobPath } from './paths';

/** The stored blob's size, or undefined when the layout does not have it. */
export async function storedSize(dir: string, digest: string): Promise<number | undefined> {
  try {
    const info = await stat(blobPath(dir, digest));
    return info.isFile() ? info.size : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw diskError(err, { verb: 'read', path: blobPath(dir, digest) });
  }
}

/** Opens the blob file, or fails with a message naming the blob and the layout. */
async function openBlobFile(dir: string, digest: string, subject: string): Promise<{ file: FileHandle; size: number }> {
  const path = blobPath(dir, digest);
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (err) {
    if (isNotFound(err)) throw new RegistryError(`Not found: ${subject} (${path} does not exist)`);
    throw diskError(err, { verb: 'read', path });
  }
  // Size from the open file, not the path: what we check is what we read.
  const info = await file.stat().catch(async (err: unknown) => {
    await file.close();
    throw diskError(err, { verb: 'read', path });
  });
  return { file, size: info.size };
}

/** A length- and digest-verified stream of the blob; a cancel destroys it with the signal's reason. */
export async function openVerifiedBlob(dir: string, descriptor: Descriptor, subject: string, signal?: AbortSignal): Promise<Readable> {
  signal?.throwIfAborted();
  const { file, size } = await openBlobFile(dir, descriptor.digest, subject);
  if (size !== descriptor.size) {
    await file.close();
    throw new DigestMismatchError(
      `${subject} is ${size} bytes in the layout, but its descriptor says ${descriptor.size}`,
      descriptor.digest,
      `unknown (${size} bytes)`,
    );
  }
  const verifier = new VerifyingStream(descriptor.digest, descriptor.size, subject);
  pipeline(file.createReadStream(), verifier, () => undefined);
  if (signal) {
    const onAbort = () => verifier.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    verifier.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return verifier;
}

/**
 * A manifest blob's bytes, refused above 4 MiB as on a registry. The caller
 * hashes them (parseManifest); the size is checked here when it is known.
 */
export async function readManifestBlob(
  dir: string,
  digest: string,
  expectedSize: number | undefined,
  subject: string,
): Promise<Uint8Array> {
  const { file, size } = await openBlobFile(dir, digest, subject);
  try {
    if (size > MAX_MANIFEST_BYTES) {
      throw new InvalidManifestError(`Manifest of ${subject} is larger than 4 MiB (${size} bytes); refusing to read it`);
    }
    if (expectedSize !== undefined && size !== expectedSize) {
      throw new DigestMismatchError(
        `${subject} is ${size} bytes in the layout, but its descriptor says ${expectedSize}`,
        digest,
        `unknown (${size} bytes)`,
      );
    }
    return new Uint8Array(await file.readFile());
  } catch (err) {
    throw diskError(err, { verb: 'read', path: blobPath(dir, digest) });
  } finally {
    await file.close().catch(() => undefined);
  }
}
