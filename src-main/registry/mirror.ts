/**
 * mirror(): copies an image or a whole index from one Client to another (a
 * registry or an OCI layout on either side), or a chosen subset of an index's
 * platforms as a new index. Blobs first, then each child manifest by digest,
 * the tagged manifest last: a failed or cancelled mirror never moves the
 * target's tag.
 */
import type { Client } from './client';
import { InvalidReferenceError, ImageNotFoundError } from './errors';
import { digestOf } from './digest';
import type { Image } from './image';
import type { ManifestResult } from './manifest';
import { formatPlatform, isAttestation, listPlatforms, normalizePlatform, parsePlatform, platformMatches } from './platform';
import { copyBlobs, imageBlobs } from './push';
import { ReferrerCopy, type MirroredReferrer, type MirroredReferrers } from './referrers/copy';
import { parseReference, referencePath } from './reference';
import type { BlobProgress, BlobReadOptions, Descriptor, IndexManifest, Platform } from './types';
import { writerOf, type BlobOutcome } from './writer';

export interface MirrorProgress {
  /** Bytes of all blobs handled so far (skipped and mounted blobs count in full). */
  bytesDone: number;
  bytesTotal: number;
  /** The blob this event is about. */
  blob: BlobProgress;
}

export interface MirrorOptions extends BlobReadOptions {
  /** Copy only these platforms of an index (`linux/arm64`, ...); the result is then a new index. */
  platforms?: (string | Platform)[];
  onProgress?: (progress: MirrorProgress) => void;
  /** Blobs copied at once. Default 4. */
  concurrency?: number;
  /**
   * Also copy what is attached to the image (signatures, SBOMs, attestations, and what is attached to those),
   * so that the target lists the same referrers: see referrers/copy.ts. Default false.
   */
  referrers?: boolean;
  /** How deep to follow referrers of referrers. Default 4 (DEFAULT_MAX_REFERRER_DEPTH). */
  referrerDepth?: number;
}

export interface MirrorResult {
  /** Digest of what the target's tag now points at. */
  digest: string;
  /** Digest of what the source's tag pointed at. */
  sourceDigest: string;
  mediaType: string;
  /** True when a subset of platforms was copied: a new index was written, with a new digest. */
  rewritten: boolean;
  /** Image manifests copied, with their platforms when they came from an index. */
  images: { digest: string; platform?: string }[];
  /** Blob digests by what happened to them. */
  copied: string[];
  skipped: string[];
  mounted: string[];
  /** Bytes actually transferred (copied blobs). */
  bytesCopied: number;
  /** With `referrers`: what came along, breadth first. */
  referrers?: MirroredReferrer[];
  /** With `referrers`: what was left as it was on the target, or could not come along, in words. */
  referrerNotes?: string[];
}

export async function mirror(
  source: Client,
  sourceTag: string,
  target: Client,
  targetTag: string,
  opts: MirrorOptions = {},
): Promise<MirrorResult> {
  const targetRef = parseReference(targetTag);
  const top = await source.getManifest(sourceTag, { signal: opts.signal });
  const plan = await planMirror(source, top, opts);
  if (targetRef.kind === 'digest' && targetRef.digest !== plan.digest) {
    throw new InvalidReferenceError(`Cannot store ${plan.digest} under digest ${targetRef.digest}: a digest names its own bytes`);
  }

  const referrers = opts.referrers
    ? await ReferrerCopy.forMirror(source, top, plan, { signal: opts.signal, maxDepth: opts.referrerDepth })
    : undefined;

  const writer = writerOf(target);
  const progress = new MirrorByteTotals([...plan.images.flatMap(imageBlobs), ...(referrers?.blobs ?? [])], opts.onProgress);
  const copyOptions = {
    signal: opts.signal,
    concurrency: opts.concurrency,
    onBlobProgress: (p: BlobProgress) => progress.update(p),
    ...(opts.onResume ? { onResume: opts.onResume } : {}),
  };
  const blobs = await copyBlobs(writer, plan.images, copyOptions);

  // Children by digest, then what is attached, then the top manifest under the tag.
  for (const image of plan.images) {
    if (plan.top !== image) await writer.putManifest(image.digest, image.rawManifest, image.mediaType, opts.signal);
  }
  let copiedReferrers: MirroredReferrers | undefined;
  if (referrers) {
    // By digest first: a referrers index may list the image itself (a loop), and only what exists can be listed.
    if (!referrers.isEmpty) await writer.putManifest(plan.digest, plan.raw, plan.mediaType, opts.signal);
    copiedReferrers = await referrers.write(target, copyOptions);
  }
  await writer.putManifest(referencePath(targetRef), plan.raw, plan.mediaType, opts.signal);

  const byOutcome = (o: BlobOutcome) => blobs.filter((b) => b.outcome === o).map((b) => b.descriptor.digest);
  return {
    digest: plan.digest,
    sourceDigest: top.descriptor.digest,
    mediaType: plan.mediaType,
    rewritten: plan.digest !== top.descriptor.digest,
    images: plan.images.map((i) => ({ digest: i.digest, ...(i.platform ? { platform: formatPlatform(i.platform) } : {}) })),
    copied: byOutcome('uploaded'),
    skipped: byOutcome('exists'),
    mounted: byOutcome('mounted'),
    bytesCopied: blobs.filter((b) => b.outcome === 'uploaded').reduce((n, b) => n + b.descriptor.size, 0),
    ...(copiedReferrers ? { referrers: copiedReferrers.referrers, referrerNotes: copiedReferrers.notes } : {}),
  };
}

interface MirrorPlan {
  /** The image itself when the source is a single image. */
  top?: Image;
  images: Image[];
  raw: Uint8Array;
  mediaType: string;
  digest: string;
}

async function planMirror(source: Client, top: ManifestResult, opts: MirrorOptions): Promise<MirrorPlan> {
  if (!top.isIndex()) {
    const image = await source.getImage(`@${top.descriptor.digest}`, { signal: opts.signal });
    if (opts.platforms?.length) {
      // A single image either is one of the asked platforms or the request cannot be met.
      const config = await image.getConfig({ signal: opts.signal });
      const own: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
      if (!opts.platforms.some((p) => platformMatches(own, parsePlatform(p)))) {
        const asked = opts.platforms.map((p) => formatPlatform(parsePlatform(p))).join(', ');
        throw new ImageNotFoundError(`The source is a single ${formatPlatform(normalizePlatform(own))} image, not ${asked}`);
      }
    }
    return { top: image, images: [image], raw: top.raw, mediaType: top.mediaType, digest: top.descriptor.digest };
  }

  const index = top.getIndexManifest();
  let entries = index.manifests;
  let raw = top.raw;
  if (opts.platforms?.length) {
    const wanted = opts.platforms.map((p) => parsePlatform(p));
    const kept: Descriptor[] = [];
    for (const w of wanted) {
      const match = index.manifests.find((d) => d.platform && !isAttestation(d) && platformMatches(d.platform, w));
      if (!match) {
        const available = listPlatforms(index.manifests).map(formatPlatform).join(', ');
        throw new ImageNotFoundError(`The source index has no ${formatPlatform(w)} image (available: ${available})`);
      }
      if (!kept.includes(match)) kept.push(match);
    }
    // Attestations travel with the images they describe, and only with them.
    const keptDigests = new Set(kept.map((d) => d.digest));
    for (const d of index.manifests) {
      const ref = d.annotations?.['vnd.docker.reference.digest'];
      if (isAttestation(d) && ref && keptDigests.has(ref)) kept.push(d);
    }
    entries = index.manifests.filter((d) => kept.includes(d));
    if (entries.length !== index.manifests.length) {
      const subset: IndexManifest = { ...index, manifests: entries };
      raw = new TextEncoder().encode(JSON.stringify(subset));
    }
  }
  const images: Image[] = [];
  for (const entry of entries) {
    const child = await source.getManifest(`@${entry.digest}`, { signal: opts.signal });
    if (child.isIndex()) {
      throw new InvalidReferenceError(`${entry.digest} is a nested index; mirroring nested indexes is not supported`);
    }
    const image = await source.getImage(`@${entry.digest}`, { signal: opts.signal });
    if (entry.platform) image.platform = entry.platform;
    images.push(image);
  }
  return { images, raw, mediaType: top.mediaType, digest: raw === top.raw ? top.descriptor.digest : digestOf(raw) };
}

/** The bytes a mirror has moved, over all its blobs: per-blob progress summed, every blob counted once. */
class MirrorByteTotals {
  private readonly done = new Map<string, number>();
  private readonly total: number;

  constructor(
    blobs: Descriptor[],
    private readonly listener?: (p: MirrorProgress) => void,
  ) {
    const sizes = new Map<string, number>();
    for (const b of blobs) sizes.set(b.digest, b.size);
    this.total = [...sizes.values()].reduce((a, b) => a + b, 0);
  }

  update(blob: BlobProgress): void {
    this.done.set(blob.digest, blob.done);
    if (!this.listener) return;
    let sum = 0;
    for (const v of this.done.values()) sum += v;
    this.listener({ bytesDone: sum, bytesTotal: this.total, blob });
  }
}
