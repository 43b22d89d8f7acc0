/**
 * What goes into an archive, as a list: the blobs (each once, in the order
 * they are written) and the top manifest. An image gives its config and
 * layers; an index is walked down through its children (images, attestation
 * manifests, nested indexes), each manifest read by digest and checked
 * against its entry. The walk is bounded: a hostile index cannot make it
 * read without end.
 */
import type { Readable } from 'node:stream';
import type { Client } from '../client';
import { InvalidManifestError } from '../errors';
import type { Image } from '../image';
import type { ManifestResult } from '../manifest';
import { isForeignLayer } from '../push';
import type { BlobReadOptions, Descriptor } from '../types';
import { ArchiveError } from './errors';

/** Far above any real index (the largest multi-arch images list a few dozen manifests). */
export const MAX_ARCHIVE_MANIFESTS = 1000;
/** An index may hold indexes; more than this many levels is not a real image. */
const MAX_INDEX_DEPTH = 4;

export interface ArchiveBlob {
  digest: string;
  size: number;
  mediaType: string;
  /** Small documents (manifests) are in hand; everything else is streamed, verified, from its source. */
  bytes?: Uint8Array;
  open?: (opts: BlobReadOptions) => Promise<Readable>;
}

export interface ArchiveContents {
  /** The top manifest or index, as stored. */
  top: { digest: string; mediaType: string; size: number; raw: Uint8Array };
  /** Every blob, each once: configs and layers, and the manifests below the top (the top one too for OCI). */
  blobs: ArchiveBlob[];
  /** The image manifests it holds, with their platforms when they came from an index. */
  images: { digest: string; platform?: Descriptor['platform'] }[];
  /** For a single image: its config and its layers in order, repeats kept (what docker's manifest.json lists). */
  image?: { config: string; layers: string[] };
}

class BlobList {
  readonly blobs: ArchiveBlob[] = [];
  private readonly seen = new Set<string>();

  add(blob: ArchiveBlob): void {
    if (this.seen.has(blob.digest)) return;
    this.seen.add(blob.digest);
    this.blobs.push(blob);
  }
}

/** Refuses what an archive cannot carry: layers a registry does not serve (Windows base layers live at their own URLs). */
function requireDistributable(layers: Descriptor[], subject: string): void {
  const foreign = layers.find(isForeignLayer);
  if (foreign) {
    throw new ArchiveError(
      `${subject} has a non-distributable layer (${foreign.digest}, ${foreign.mediaType}), which cannot be saved to an archive`,
    );
  }
}

/** The contents of one image: its config and layers, its manifest on top. */
export function imageContents(image: Image): ArchiveContents {
  const list = new BlobList();
  requireDistributable(image.manifest.layers, `Image ${image.digest}`);
  for (const d of [image.configDescriptor, ...image.manifest.layers]) {
    list.add({ digest: d.digest, size: d.size, mediaType: d.mediaType, open: (opts) => image.openBlob(d, opts) });
  }
  return {
    top: { digest: image.digest, mediaType: image.mediaType, size: image.rawManifest.length, raw: image.rawManifest },
    blobs: list.blobs,
    images: [{ digest: image.digest, ...(image.platform ? { platform: image.platform } : {}) }],
    image: { config: image.configDescriptor.digest, layers: image.manifest.layers.map((l) => l.digest) },
  };
}

/** The contents of an index, whole: every child manifest and every blob below it. */
export async function indexContents(client: Client, index: ManifestResult, opts: BlobReadOptions = {}): Promise<ArchiveContents> {
  const list = new BlobList();
  const images: ArchiveContents['images'] = [];
  let manifests = 0;
  const walk = async (result: ManifestResult, depth: number): Promise<void> => {
    if (depth > MAX_INDEX_DEPTH)
      throw new InvalidManifestError(
        `${client.getRegistry()}@${index.descriptor.digest}: indexes nested more than ${MAX_INDEX_DEPTH} deep`,
      );
    for (const entry of result.getIndexManifest().manifests) {
      if (++manifests > MAX_ARCHIVE_MANIFESTS) {
        throw new ArchiveError(
          `${client.getRegistry()}@${index.descriptor.digest} lists more than ${MAX_ARCHIVE_MANIFESTS} manifests; not saving it`,
        );
      }
      opts.signal?.throwIfAborted();
      const child = await client.getManifest(`@${entry.digest}`, { ...(opts.signal ? { signal: opts.signal } : {}) });
      if (child.raw.length !== entry.size) {
        throw new InvalidManifestError(
          `${client.getRegistry()}@${entry.digest} is ${child.raw.length} bytes, but its index entry says ${entry.size}`,
        );
      }
      if (child.isIndex()) {
        await walk(child, depth + 1);
      } else {
        const manifest = child.getManifest();
        requireDistributable(manifest.layers, `${client.getRegistry()}@${entry.digest}`);
        for (const d of [manifest.config, ...manifest.layers]) {
          list.add({ digest: d.digest, size: d.size, mediaType: d.mediaType, open: (o) => client.openBlob(d, o) });
        }
        images.push({ digest: entry.digest, ...(entry.platform ? { platform: entry.platform } : {}) });
      }
      list.add({ digest: entry.digest, size: child.raw.length, mediaType: child.mediaType, bytes: child.raw });
    }
  };
  await walk(index, 1);
  return {
    top: { digest: index.descriptor.digest, mediaType: index.mediaType, size: index.raw.length, raw: index.raw },
    blobs: list.blobs,
    images,
  };
}
