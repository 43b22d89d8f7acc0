/**
 * Writing into a layout: the ImageWriter that push and mirror use for a
 * registry too (writer.ts), so they target a registry or a folder alike:
 * hasBlob, putBlob (skip what is there, else stream it in; `mountFrom` is
 * ignored), putManifest (the manifest blob, then the tag in index.json).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Transform } from 'node:stream';
import { byteCounter } from '../byte-counter';
import { InvalidManifestError, RegistryError } from '../errors';
import { parseManifest, type ManifestResult } from '../manifest';
import { isForeignLayer } from '../push';
import { parseReference } from '../reference';
import type { Descriptor } from '../types';
import { VerifyingStream } from '../verify';
import type { BlobOutcome, ImageWriter, UploadOptions } from '../writer';
import { syncDirectory, writeFileAtomically, writeStreamAtomically } from '../disk/atomic-file';
import { storedSize } from './blobs';
import { errorCode } from '../error-code';
import { diskError } from '../disk/failure-words';
import { setRef, updateIndex } from './index-file';
import { IMAGE_LAYOUT_VERSION, blobDir, blobPath, layoutFilePath, sha256BlobDir } from './paths';

/** A folder has nothing to mount from: a blob is there already, or it is written. */
export type LayoutBlobOutcome = Exclude<BlobOutcome, 'mounted'>;

export class LayoutWriter implements ImageWriter {
  /** The layout directory, absolute. */
  readonly dir: string;
  private readonly displayName: string;

  /** Writes into the layout at `dir` (created on the first write); `displayName` names it in messages. */
  constructor(dir: string, displayName?: string) {
    this.dir = resolve(dir);
    this.displayName = displayName ?? `oci:${this.dir}`;
  }

  /** Is the blob stored, at its declared size? A truncated leftover counts as absent and is replaced. */
  async hasBlob(descriptor: Descriptor, signal?: AbortSignal): Promise<boolean> {
    signal?.throwIfAborted();
    return (await storedSize(this.dir, descriptor.digest)) === descriptor.size;
  }

  /**
   * Streams the blob from `open()` into the layout (never whole in memory),
   * verifying its length and digest on the way; only a verified, fsync'd
   * file gets the digest's name.
   */
  async putBlob(descriptor: Descriptor, open: () => Promise<Readable>, opts: UploadOptions = {}): Promise<LayoutBlobOutcome> {
    if (await this.hasBlob(descriptor, opts.signal)) return 'exists';
    await ensureLayout(this.dir);
    const path = blobPath(this.dir, descriptor.digest);
    await mkdir(dirname(path), { recursive: true }).catch((err: unknown) => {
      throw diskError(err, { verb: 'create', path: dirname(path) });
    });
    const source = await open();
    const stages: Transform[] = [
      new VerifyingStream(descriptor.digest, descriptor.size, `blob ${descriptor.digest} for ${this.displayName}`),
    ];
    if (opts.onBytes) stages.push(byteCounter(opts.onBytes));
    try {
      await writeStreamAtomically(path, source, stages, { signal: opts.signal });
    } catch (err) {
      // The source may be a network download that never started flowing.
      if (!source.destroyed) source.destroy();
      throw diskError(err, { verb: 'write', path });
    }
    return 'uploaded';
  }

  /**
   * Stores a manifest or index: checked like a registry checks it (valid,
   * matching a digest reference, everything it references present), written
   * as a blob, then, for a tag, named in index.json. A digest reference
   * stores the blob only: that is how an index's children are kept (they are
   * reachable through their index), and index.json stays a list of tags.
   * Returns the manifest's digest.
   */
  async putManifest(reference: string, raw: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string | undefined> {
    const ref = parseReference(reference);
    const result = parseManifest({
      bytes: raw,
      contentType: mediaType,
      expectedDigest: ref.kind === 'digest' ? ref.digest : undefined,
      subject: `${this.displayName}:${reference}`,
    });
    await this.requireReferenced(result, reference);
    await ensureLayout(this.dir);
    const { digest } = result.descriptor;
    if (!(await this.hasBlob(result.descriptor, signal))) {
      const path = blobPath(this.dir, digest);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFileAtomically(path, raw, { signal });
      } catch (err) {
        throw diskError(err, { verb: 'write', path });
      }
    }
    // The blob's directory entry must be on disk before index.json names it.
    await syncDirectory(blobDir(this.dir, digest));
    if (ref.kind === 'tag') {
      await updateIndex(this.dir, (index) => setRef(index, ref.tag, result.descriptor), signal);
    }
    return digest;
  }

  /** A registry refuses a manifest whose blobs it lacks (MANIFEST_BLOB_UNKNOWN); so does a layout, so nothing half-copied gets a tag. */
  private async requireReferenced(result: ManifestResult, reference: string): Promise<void> {
    const needed = result.isIndex()
      ? result.getIndexManifest().manifests
      : [result.getManifest().config, ...result.getManifest().layers.filter((d) => !isForeignLayer(d))];
    for (const d of needed) {
      if (!(await this.hasBlob(d))) {
        throw new RegistryError(
          `Cannot store ${this.displayName}:${reference}: it references ${d.digest} (${d.mediaType}), which is not in the layout; write blobs and child manifests first`,
        );
      }
    }
  }
}

/**
 * Makes `dir` a layout if it is not one yet: the folder, `oci-layout`, and
 * `blobs/sha256`. A folder that says it is a layout of another major
 * version is refused: writing there could corrupt it.
 */
export async function ensureLayout(dir: string): Promise<void> {
  const file = layoutFilePath(dir);
  try {
    await mkdir(sha256BlobDir(dir), { recursive: true });
    const existing = await readFile(file, 'utf8').catch((err: unknown) => {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (existing === undefined) {
      await writeFileAtomically(file, JSON.stringify({ imageLayoutVersion: IMAGE_LAYOUT_VERSION }));
      return;
    }
    let version: unknown;
    try {
      version = (JSON.parse(existing) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new InvalidManifestError(
        `${file} does not describe an OCI image layout 1.x (imageLayoutVersion ${JSON.stringify(version)}); not writing into it`,
      );
    }
  } catch (err) {
    throw diskError(err, { verb: 'set up the OCI image layout in', path: dir });
  }
}
