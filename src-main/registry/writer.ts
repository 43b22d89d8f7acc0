/** What a push or a mirror writes into: a registry repository or an OCI layout. */
import type { Readable } from 'node:stream';
import type { Client } from './client';
import { RegistryError } from './errors';
import type { BlobLocation } from './image';
import type { Descriptor } from './types';

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

export interface UploadOptions {
  signal?: AbortSignal | undefined;
  /**
   * Where the blob lives now. A registry writer mounts it from there when that is another repository of
   * its own registry (as go-containerregistry's writer does for a mountable layer); a layout ignores it.
   */
  from?: BlobLocation | undefined;
  /** Bytes written so far for this blob (restarts from 0 when an upload is retried). */
  onBytes?: ((sent: number) => void) | undefined;
}

export interface ImageWriter {
  /** Is the blob already there? */
  hasBlob(descriptor: Descriptor, signal?: AbortSignal): Promise<boolean>;
  /** Makes sure the blob is there, writing it from `open()` when it is not. */
  putBlob(descriptor: Descriptor, open: () => Promise<Readable>, opts?: UploadOptions): Promise<BlobOutcome>;
  /** Stores a manifest under a tag or its digest; returns the digest the target reports, if any. */
  putManifest(reference: string, raw: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string | undefined>;
}

/**
 * How pushImage and mirror() reach a client's writer: a symbol, not a method
 * of the public Client. Writing is plumbing, kept off the interface as
 * go-containerregistry keeps its writer unexported (pkg/v1/remote/write.go).
 */
export const OPEN_WRITER = Symbol('lading.openWriter');

export interface WritableClient {
  [OPEN_WRITER](): ImageWriter;
}

/** The writer of a client made by createClient() or openLayout(). */
export function writerOf(client: Client): ImageWriter {
  const open = (client as Partial<WritableClient>)[OPEN_WRITER];
  if (typeof open !== 'function') {
    throw new RegistryError(`${client.getRegistry()} cannot be written to: only clients made by createClient() or openLayout() can`);
  }
  return open.call(client);
}
