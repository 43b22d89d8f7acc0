/** What a push or a mirror writes into: a registry repository or an OCI layout. */
import type { Readable } from 'node:stream';
import type { Descriptor } from './types';

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

export interface UploadOptions {
  signal?: AbortSignal;
  /** Another repository of the same registry that holds the blob: mount from it (registries only). */
  mountFrom?: string;
  /** Bytes written so far for this blob (restarts from 0 when an upload is retried). */
  onBytes?: (sent: number) => void;
}

export interface ImageWriter {
  /** Is the blob already there? */
  hasBlob(descriptor: Descriptor, signal?: AbortSignal): Promise<boolean>;
  /** Makes sure the blob is there, writing it from `open()` when it is not. */
  putBlob(descriptor: Descriptor, open: () => Promise<Readable>, opts?: UploadOptions): Promise<BlobOutcome>;
  /** Stores a manifest under a tag or its digest; returns the digest the target reports, if any. */
  putManifest(reference: string, raw: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string | undefined>;
}
