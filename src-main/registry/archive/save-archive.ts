/**
 * saveArchive(): one image as one tar file, in the `docker save` layout or as
 * an OCI image layout (layouts.ts); saveReferenceArchive(): whatever a
 * reference names, an index included. Blobs stream from the registry into
 * the tar one after another, each verified (length and digest) while it
 * passes, never whole in memory; the file is written under a temporary name
 * and renamed only when complete (tar-file.ts): a failure, a full disk or a
 * cancel leaves nothing.
 */
import { byteCounter } from '../byte-counter';
import type { Client } from '../client';
import { diskError } from '../disk/failure-words';
import type { Image } from '../image';
import { DOCKER_CONFIG, OCI_CONFIG } from '../mediatypes';
import { formatPlatform, parsePlatform } from '../platform';
import type { BlobReadOptions, Platform } from '../types';
import { imageContents, indexContents, type ArchiveBlob, type ArchiveContents } from './contents';
import { ArchiveError } from './errors';
import {
  OCI_LAYOUT_FILE,
  blobName,
  dockerManifestJson,
  ociIndexJson,
  parseRepoTag,
  repositoriesJson,
  type ArchiveFormat,
  type RepoTag,
} from './layouts';
import { TarFile } from './tar-file';

export interface SaveArchiveProgress {
  /** Bytes of blobs written so far, and of all the archive's blobs. */
  bytesDone: number;
  bytesTotal: number;
  /** The blob this event is about. */
  blob: { digest: string; size: number; done: number };
}

export interface SaveArchiveOptions extends BlobReadOptions {
  /** `docker` (the `docker save` layout, the default) or `oci` (an OCI image layout in a tar). */
  format?: ArchiveFormat;
  /** The image's name in the archive, `name:tag` (a bare name gets `:latest`): docker's RepoTags, OCI's ref.name. */
  tag?: string;
  onProgress?: (progress: SaveArchiveProgress) => void;
}

export interface SaveReferenceArchiveOptions extends SaveArchiveOptions {
  /**
   * For an index: the platform to save. A docker archive holds one image
   * (default linux/amd64); an OCI archive holds the whole index unless one
   * platform is named here.
   */
  platforms?: (string | Platform)[];
}

export interface SaveArchiveResult {
  path: string;
  format: ArchiveFormat;
  /** The manifest or index saved. */
  digest: string;
  mediaType: string;
  /** The name it was saved under, `name:tag`, if any. */
  tag?: string;
  images: { digest: string; platform?: string }[];
  /** Blobs written (configs, layers, and for OCI the manifests). */
  blobs: number;
  /** The archive file's size. */
  bytes: number;
}

export async function saveArchive(image: Image, file: string, opts: SaveArchiveOptions = {}): Promise<SaveArchiveResult> {
  const format = formatOf(opts.format);
  const repoTag = opts.tag === undefined ? undefined : parseRepoTag(opts.tag);
  if (format === 'docker') requireContainerImage(image);
  // A docker archive lists the image's own config and layers (imageContents gives them); an index is OCI only.
  return writeArchive(file, imageContents(image), format, repoTag, opts);
}

/** The archive of what `reference` names in `client`: an image, or an index (whole as OCI, one platform as docker). */
export async function saveReferenceArchive(
  client: Client,
  reference: string,
  file: string,
  opts: SaveReferenceArchiveOptions = {},
): Promise<SaveArchiveResult> {
  const format = formatOf(opts.format);
  const repoTag = opts.tag === undefined ? undefined : parseRepoTag(opts.tag);
  const platforms = (opts.platforms ?? []).map((p) => formatPlatform(parsePlatform(p)));
  const call = opts.signal ? { signal: opts.signal } : {};
  const top = await client.getManifest(reference, call);
  if (top.isIndex() && platforms.length > 1) {
    throw new ArchiveError(
      format === 'docker'
        ? `A docker archive holds a single image: pick one platform (asked for ${platforms.join(', ')}), or save as OCI to keep the whole index`
        : `An OCI archive holds the whole index or one platform (asked for ${platforms.join(', ')}): pick one, or none for the whole index`,
    );
  }
  if (top.isIndex() && format === 'oci' && platforms.length === 0) {
    return writeArchive(file, await indexContents(client, top, call), format, repoTag, opts);
  }
  const image = await client.getImage(`@${top.descriptor.digest}`, { ...call, ...(platforms[0] ? { platform: platforms[0] } : {}) });
  return saveArchive(image, file, opts);
}

function formatOf(format: ArchiveFormat | undefined): ArchiveFormat {
  if (format === undefined || format === 'docker' || format === 'oci') return format ?? 'docker';
  throw new ArchiveError(`Unknown archive format ${JSON.stringify(format)}: use "docker" or "oci"`);
}

/** docker load makes a container image of whatever it is given: an artifact (a Helm chart, an SBOM) would fail there, not here. */
function requireContainerImage(image: Image): void {
  const type = image.configDescriptor.mediaType;
  if (type !== OCI_CONFIG && type !== DOCKER_CONFIG) {
    throw new ArchiveError(`${image.digest} is not a container image (its config is ${type}): save it as an OCI archive instead`);
  }
}

async function writeArchive(
  file: string,
  contents: ArchiveContents,
  format: ArchiveFormat,
  repoTag: RepoTag | undefined,
  opts: SaveArchiveOptions,
): Promise<SaveArchiveResult> {
  opts.signal?.throwIfAborted();
  const progress = progressOf(contents.blobs, opts.onProgress);
  const tar = new TarFile(file, opts.signal);
  try {
    if (format === 'oci') tar.addBytes('oci-layout', OCI_LAYOUT_FILE);
    tar.addFolder('blobs');
    for (const algorithm of new Set(contents.blobs.map((b) => b.digest.split(':')[0]!))) tar.addFolder(`blobs/${algorithm}`);
    for (const blob of contents.blobs) {
      await writeBlob(tar, blob, opts, progress);
    }
    if (format === 'oci') {
      tar.addBytes(blobName(contents.top.digest), contents.top.raw);
      tar.addBytes('index.json', ociIndexJson(contents.top, repoTag));
    } else {
      const { config, layers } = contents.image!;
      tar.addBytes('manifest.json', dockerManifestJson(config, layers, repoTag));
      if (repoTag) tar.addBytes('repositories', repositoriesJson(repoTag, config));
    }
    const bytes = await tar.commit();
    return {
      path: file,
      format,
      digest: contents.top.digest,
      mediaType: contents.top.mediaType,
      ...(repoTag ? { tag: `${repoTag.name}:${repoTag.tag}` } : {}),
      images: contents.images.map((i) => ({ digest: i.digest, ...(i.platform ? { platform: formatPlatform(i.platform) } : {}) })),
      blobs: contents.blobs.length + (format === 'oci' ? 1 : 0),
      bytes,
    };
  } catch (err) {
    await tar.discard(err);
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw diskError(err, { verb: 'save', path: file });
  }
}

async function writeBlob(
  tar: TarFile,
  blob: ArchiveBlob,
  opts: SaveArchiveOptions,
  progress: (digest: string, done: number) => void,
): Promise<void> {
  const name = blobName(blob.digest);
  if (blob.bytes) {
    tar.addBytes(name, blob.bytes);
    progress(blob.digest, blob.size);
    return;
  }
  const source = await blob.open!({ signal: tar.signal, ...(opts.onResume ? { onResume: opts.onResume } : {}) });
  const counted = source.pipe(byteCounter((done) => progress(blob.digest, done)));
  // pipe() does not pass errors on: a blob that fails verification must fail the entry.
  source.once('error', (err) => counted.destroy(err));
  await tar.addStream(name, blob.size, counted);
}

/** Per-blob progress summed over the archive, every blob counted once. */
function progressOf(blobs: ArchiveBlob[], listener: SaveArchiveOptions['onProgress']): (digest: string, done: number) => void {
  const sizes = new Map(blobs.map((b) => [b.digest, b.size]));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const done = new Map<string, number>();
  let sum = 0;
  return (digest, bytes) => {
    sum += bytes - (done.get(digest) ?? 0);
    done.set(digest, bytes);
    listener?.({ bytesDone: sum, bytesTotal: total, blob: { digest, size: sizes.get(digest) ?? 0, done: bytes } });
  };
}
