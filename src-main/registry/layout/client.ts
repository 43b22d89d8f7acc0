/**
 * An OCI image layout as a one-repository registry: the same Client, so the
 * app can browse, save to and copy from a folder as it does a registry. This
 * is how a whole image is saved to disk, and how air-gapped mirroring works
 * (registry -> folder -> registry).
 *
 * Choices where a folder differs from a registry:
 * - Tags are the `org.opencontainers.image.ref.name` annotations of
 *   index.json's entries (what skopeo `oci:DIR:TAG` and umoci write).
 * - A layout has no repositories: `withSegment()` with no segments returns the
 *   client itself, with any segment it throws InvalidReferenceError; and
 *   `listRepositories()` returns [] (nothing lies below the layout).
 * - `getRegistry()` is `oci:<absolute dir>`.
 * - A digest reads any manifest blob of the layout, tagged or not (an
 *   index's children are blobs only); a digest push stores the blob and adds
 *   no index.json entry.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Client } from '../client';
import { ImageNotFoundError, InvalidReferenceError } from '../errors';
import type { BlobSource, Image } from '../image';
import { parseManifest, type ManifestResult } from '../manifest';
import { pushImage } from '../push';
import { formatReference, type Reference } from '../reference';
import { readImage, readImageConfig, type ManifestReader } from '../select-image';
import type { CallOptions, ConfigFile, Descriptor, ImageOptions, ListOptions, PushOptions } from '../types';
import { OPEN_WRITER, type WritableClient } from '../writer';
import { openVerifiedBlob, readManifestBlob, storedSize } from './blobs';
import { layoutNotFound } from './errors';
import { findDigest, findRef, readIndex, refNameOf } from './index-file';
import { parseLayoutReference } from './reference';
import { LayoutWriter } from './writer';
import { listReferrers } from '../referrers/list';
import type { ListReferrersOptions, Referrer } from '../referrers/types';
import { DeleteNotSupportedError, getImageSummary, tagImage } from '../tags/index';
import type { TagsAccess } from '../tags/repository-access';
import { summaryCacheOf } from '../tags/summary-cache';
import type { DeleteImageResult, ImageSummary, TagImageResult } from '../tags/types';

/** Opens `dir` as a layout. Nothing is read until a call needs it; a push creates the folder. */
export function openLayout(dir: string): LayoutClient {
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw new InvalidReferenceError('An OCI layout needs a directory path');
  }
  return new LayoutClient(resolve(dir));
}

export class LayoutClient implements Client, BlobSource, WritableClient {
  /** What getImage reads manifests with (select-image.ts); kept off the public surface. */
  private readonly manifests: ManifestReader = {
    parseTag: parseLayoutReference,
    describe: (ref) => this.subject(ref),
    readManifest: async (ref, opts, entry) =>
      entry
        ? this.parseStoredManifest(entry, this.subject(ref))
        : this.parseStoredManifest(await this.resolve(ref, opts), this.subject(ref)),
  };

  constructor(
    /** The layout directory, absolute. */
    readonly dir: string,
  ) {}

  /** BlobSource's name, for messages. */
  get name(): string {
    return this.getRegistry();
  }

  getRegistry(): string {
    return `oci:${this.dir}`;
  }

  withSegment(...segments: string[]): Client {
    if (segments.length === 0) return this;
    throw new InvalidReferenceError(
      `${this.getRegistry()} is an OCI image layout, which holds a single repository: it has no "${segments.join('/')}" below it`,
    );
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** A layout has no Referrers API: its tag-schema and cosign tags, and an index's attestation entries. */
  listReferrers(digest: string, opts: ListReferrersOptions = {}): Promise<Referrer[]> {
    return listReferrers(this, digest, opts);
  }

  async listTags(opts: ListOptions = {}): Promise<string[]> {
    opts.signal?.throwIfAborted();
    const index = await readIndex(this.dir);
    const names = new Set<string>();
    for (const entry of index.manifests) {
      const name = refNameOf(entry);
      // Only names getManifest can look up again.
      if (name !== undefined && isTagLike(name)) names.add(name);
    }
    let tags = [...names].sort();
    if (opts.last !== undefined) tags = tags.filter((t) => t > opts.last!);
    return opts.limit !== undefined ? tags.slice(0, Math.max(0, opts.limit)) : tags;
  }

  async listRepositories(opts: ListOptions = {}): Promise<string[]> {
    opts.signal?.throwIfAborted();
    return [];
  }

  async getDigest(tag: string, opts: CallOptions = {}): Promise<string> {
    return (await this.resolve(parseLayoutReference(tag), opts)).digest;
  }

  async checkImageExists(tag: string, opts: CallOptions = {}): Promise<void> {
    await this.resolve(parseLayoutReference(tag), opts);
  }

  async getManifest(tag: string, opts: CallOptions = {}): Promise<ManifestResult> {
    return this.manifests.readManifest(parseLayoutReference(tag), opts);
  }

  async getImage(tag: string, opts: ImageOptions = {}): Promise<Image> {
    return readImage(this, this.manifests, tag, opts);
  }

  async getImageConfig(tag: string, opts: ImageOptions = {}): Promise<ConfigFile> {
    return readImageConfig(this, this.manifests, tag, opts);
  }

  async openBlob(descriptor: Descriptor, opts: CallOptions = {}): Promise<Readable> {
    await this.requireDirectory();
    return openVerifiedBlob(this.dir, descriptor, `blob ${descriptor.digest} of ${this.getRegistry()}`, opts.signal);
  }

  /**
   * Writes the image's blobs (a few at a time, each streamed from the source
   * image), then its manifest, then points `tag` at it in index.json: a failed
   * or cancelled push leaves index.json as it was.
   */
  async pushImage(tag: string, image: Image, opts: PushOptions = {}): Promise<void> {
    return pushImage(this[OPEN_WRITER](), tag, image, opts);
  }

  getImageSummary(tag: string, opts: CallOptions = {}): Promise<ImageSummary> {
    return getImageSummary(this.tags(), tag, opts);
  }

  /** Adds an index.json entry naming the same manifest. */
  tagImage(source: string, newTag: string, opts: CallOptions = {}): Promise<TagImageResult> {
    return tagImage(this.tags(), source, newTag, opts);
  }

  deleteImage(reference: string): Promise<DeleteImageResult> {
    return Promise.reject(
      new DeleteNotSupportedError(
        `${this.getRegistry()} is an OCI image layout: Lading deletes nothing from a layout (${reference} stays); remove its entry from index.json, or the folder`,
        'disabled',
      ),
    );
  }

  /** A folder has no rate limit. */
  readonly rateLimit = undefined;

  /** Writes into this layout: how pushImage and mirror() reach it (see writer.ts). */
  [OPEN_WRITER](): LayoutWriter {
    return new LayoutWriter(this.dir, this.getRegistry());
  }

  // ---- internals ----

  /** The layout as the tags code reaches it: its "HEAD" is a look into index.json. */
  private tags(): TagsAccess {
    return {
      name: this.getRegistry(),
      repository: '',
      blobs: this,
      countsPulls: false,
      cache: summaryCacheOf(this),
      headManifest: async (ref, opts) => {
        const entry = await this.resolve(ref, opts);
        return { digest: entry.digest, mediaType: entry.mediaType };
      },
      readManifest: (ref, opts, entry) => this.manifests.readManifest(ref, opts, entry),
      writer: () => this[OPEN_WRITER](),
    };
  }

  private subject(ref: Reference): string {
    return `image ${formatReference(this.getRegistry(), ref)}`;
  }

  /** The descriptor `ref` names: an index.json entry, or for a digest any stored manifest blob. */
  private async resolve(ref: Reference, opts: CallOptions): Promise<Descriptor> {
    opts.signal?.throwIfAborted();
    const index = await readIndex(this.dir);
    if (ref.kind === 'tag') {
      const entry = findRef(index, ref.tag);
      if (!entry) throw new ImageNotFoundError(`Not found: ${this.subject(ref)} (no index.json entry has that ref.name)`);
      if ((await storedSize(this.dir, entry.digest)) === undefined) {
        throw new ImageNotFoundError(`Not found: ${this.subject(ref)}: index.json names ${entry.digest}, but the layout has no such blob`);
      }
      return entry;
    }
    const entry = findDigest(index, ref.digest);
    const size = await storedSize(this.dir, ref.digest);
    if (size === undefined) throw new ImageNotFoundError(`Not found: ${this.subject(ref)}`);
    // An untagged blob has no recorded media type: parseManifest reads it from the body.
    return entry ?? { mediaType: '', digest: ref.digest, size };
  }

  /** Reads a manifest blob and checks it against its descriptor: size, digest, structure. */
  private async parseStoredManifest(descriptor: Descriptor, subject: string): Promise<ManifestResult> {
    const bytes = await readManifestBlob(this.dir, descriptor.digest, descriptor.size, subject);
    return parseManifest({
      bytes,
      contentType: descriptor.mediaType,
      expectedDigest: descriptor.digest,
      platform: descriptor.platform,
      annotations: descriptor.annotations,
      subject,
    });
  }

  private async requireDirectory(): Promise<void> {
    const isDir = await stat(this.dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw layoutNotFound(this.dir, 'no such directory');
  }
}

/** A ref.name that parses back as a tag (not as a digest, not malformed). */
function isTagLike(name: string): boolean {
  try {
    return parseLayoutReference(name).kind === 'tag';
  } catch {
    return false;
  }
}
