/**
 * The repository mirror's shared writer (registry/mirror-repository/shared-blobs.ts)
 * on its own: the coordination between images that need the same blob. The
 * integration test proves "each blob uploaded once" against a real registry;
 * what a real registry cannot be made to do on cue is fail one image's upload
 * for that image's own reasons (its sibling failed, it was cancelled) while
 * another image waits for the same blob. That is this file's case, with an
 * in-memory writer standing in for the target, which records every upload.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SharedBlobWriter, Slots } from '../../src-main/registry/mirror-repository/shared-blobs';
import type { Descriptor } from '../../src-main/registry/index';
import type { BlobOutcome, ImageWriter, UploadOptions } from '../../src-main/registry/writer';

const blob = (n: number): Descriptor => ({
  mediaType: 'application/octet-stream',
  digest: `sha256:${String(n).padStart(64, '0')}`,
  size: 10 * n,
});

/** A target in memory; each upload waits for `release()` so tests control the order. */
class MemoryTarget implements ImageWriter {
  readonly stored = new Set<string>();
  readonly uploads: string[] = [];
  running = 0;
  maxRunning = 0;
  private gates: (() => void)[] = [];

  hasBlob(d: Descriptor): Promise<boolean> {
    return Promise.resolve(this.stored.has(d.digest));
  }

  async putBlob(d: Descriptor, _open: () => Promise<Readable>, opts: UploadOptions = {}): Promise<BlobOutcome> {
    if (this.stored.has(d.digest)) return 'exists';
    this.uploads.push(d.digest);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await new Promise<void>((resolve, reject) => {
        this.gates.push(resolve);
        opts.signal?.addEventListener('abort', () => reject(opts.signal!.reason as Error), { once: true });
      });
      this.stored.add(d.digest);
      return 'uploaded';
    } finally {
      this.running--;
    }
  }

  putManifest(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  /** Lets every waiting upload finish. */
  release(): void {
    for (const g of this.gates.splice(0)) g();
  }
}

const open = () => Promise.resolve(Readable.from([]));
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('SharedBlobWriter', () => {
  it('two images needing one blob: one upload, the other waits for it and hears "exists"; later images ask nobody', async () => {
    const target = new MemoryTarget();
    const writer = new SharedBlobWriter(target, new Slots(4));
    const a = writer.putBlob(blob(1), open);
    const b = writer.putBlob(blob(1), open);
    await tick();
    target.release();
    expect(await Promise.all([a, b])).toEqual(['uploaded', 'exists']);
    expect(await writer.putBlob(blob(1), open)).toBe('exists');
    expect(target.uploads).toEqual([blob(1).digest]);
    expect(writer.counts).toMatchObject({ uploaded: 1, bytesUploaded: 10 });
  });

  it("an upload cancelled for its own image's reasons does not fail the image waiting for it: that one uploads itself", async () => {
    const target = new MemoryTarget();
    const writer = new SharedBlobWriter(target, new Slots(4));
    const owner = new AbortController();
    const first = writer.putBlob(blob(2), open, { signal: owner.signal });
    const waiting = writer.putBlob(blob(2), open);
    await tick();
    owner.abort(new Error('a sibling layer of the first image failed'));
    await expect(first).rejects.toThrow('a sibling layer');
    await tick();
    target.release();
    expect(await waiting).toBe('uploaded');
    expect(target.uploads).toEqual([blob(2).digest, blob(2).digest]);
  });

  it('a waiting image that is cancelled itself stops waiting at once', async () => {
    const target = new MemoryTarget();
    const writer = new SharedBlobWriter(target, new Slots(4));
    const first = writer.putBlob(blob(3), open);
    const mine = new AbortController();
    const waiting = writer.putBlob(blob(3), open, { signal: mine.signal });
    mine.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    target.release();
    expect(await first).toBe('uploaded');
  });

  it('blob transfers stay within the slots, however many images ask at once', async () => {
    const target = new MemoryTarget();
    const writer = new SharedBlobWriter(target, new Slots(2));
    const all = Array.from({ length: 6 }, (_, i) => writer.putBlob(blob(10 + i), open));
    for (let i = 0; i < 3; i++) {
      await tick();
      target.release();
    }
    expect(await Promise.all(all)).toEqual(Array(6).fill('uploaded'));
    expect(target.maxRunning).toBe(2);
  });
});
