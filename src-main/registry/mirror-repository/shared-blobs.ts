/**
 * What lets one repository mirror copy each blob once: a writer, wrapped
 * around the target's own, shared by every image of the run. It remembers
 * which blobs the target has (seen by a HEAD, or written in this run) and
 * answers for them without asking again; it lets the first image that needs
 * a blob upload it while others that need it wait for that upload; and it
 * bounds the blob transfers of the whole run, however many images run at
 * once. An upload that fails for its own image's reasons (a sibling failed,
 * that image was cancelled) does not fail the waiting images: they try
 * themselves.
 */
import type { Readable } from 'node:stream';
import type { Client } from '../client';
import { raceAbort } from '../transport/retry';
import type { Descriptor } from '../types';
import { OPEN_WRITER, writerOf, type BlobOutcome, type ImageWriter, type UploadOptions } from '../writer';

/** A fixed number of slots; work beyond them waits its turn, and a cancelled wait leaves the queue. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(count: number) {
    this.free = Math.max(1, count);
  }

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason as Error);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export interface BlobCounts {
  uploaded: number;
  mounted: number;
  /** Already on the target when the run asked (blobs a run uploaded and later images reused are not counted again). */
  existing: number;
  /** Bytes of the uploaded blobs. */
  bytesUploaded: number;
}

export class SharedBlobWriter implements ImageWriter {
  private readonly known = new Set<string>();
  private readonly knownManifests = new Set<string>();
  private readonly inFlight = new Map<string, Promise<BlobOutcome>>();
  readonly counts: BlobCounts = { uploaded: 0, mounted: 0, existing: 0, bytesUploaded: 0 };

  constructor(
    private readonly inner: ImageWriter,
    private readonly slots: Slots,
  ) {}

  async hasBlob(descriptor: Descriptor, signal?: AbortSignal): Promise<boolean> {
    if (this.known.has(descriptor.digest)) return true;
    const has = await this.inner.hasBlob(descriptor, signal);
    if (has) this.known.add(descriptor.digest);
    return has;
  }

  async putBlob(descriptor: Descriptor, open: () => Promise<Readable>, opts: UploadOptions = {}): Promise<BlobOutcome> {
    for (;;) {
      if (this.known.has(descriptor.digest)) return 'exists';
      const pending = this.inFlight.get(descriptor.digest);
      if (!pending) break;
      try {
        await raceAbort(pending, opts.signal);
        return 'exists';
      } catch {
        // Our own cancel ends the wait; the uploader's failure means we try ourselves.
        opts.signal?.throwIfAborted();
      }
    }
    const upload = this.slots.run(() => this.inner.putBlob(descriptor, open, opts), opts.signal);
    this.inFlight.set(descriptor.digest, upload);
    try {
      const outcome = await upload;
      this.known.add(descriptor.digest);
      this.count(descriptor, outcome);
      return outcome;
    } finally {
      if (this.inFlight.get(descriptor.digest) === upload) this.inFlight.delete(descriptor.digest);
    }
  }

  /** A child manifest (by digest) is written once per run; a tag is written every time it is asked for. */
  async putManifest(reference: string, raw: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string | undefined> {
    const byDigest = reference.includes(':');
    if (byDigest && this.knownManifests.has(reference)) return reference;
    const digest = await this.inner.putManifest(reference, raw, mediaType, signal);
    if (byDigest) this.knownManifests.add(reference);
    return digest;
  }

  private count(descriptor: Descriptor, outcome: BlobOutcome): void {
    if (outcome === 'uploaded') {
      this.counts.uploaded++;
      this.counts.bytesUploaded += descriptor.size;
    } else if (outcome === 'mounted') {
      this.counts.mounted++;
    } else {
      this.counts.existing++;
    }
  }
}

/**
 * `target` as mirror() sees it, writing through `writer`. mirror() reaches a
 * client's writer by OPEN_WRITER (writer.ts); this view answers that with the
 * shared writer and passes everything else to the client, so mirror()'s own
 * code (blobs, child manifests, referrers, the tag last) runs unchanged.
 */
export function writingThrough(target: Client, writer: ImageWriter): Client {
  return new Proxy(target, {
    get(client, property) {
      if (property === OPEN_WRITER) return () => writer;
      const value: unknown = Reflect.get(client, property, client);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(client) : value;
    },
  });
}

/** The shared writer over `target`'s own. */
export function sharedWriterFor(target: Client, slots: Slots): SharedBlobWriter {
  return new SharedBlobWriter(writerOf(target), slots);
}
