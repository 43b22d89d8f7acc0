/**
 * An image: a manifest plus a way to open its blobs. The blobs come from a
 * BlobSource (a registry repository or an OCI layout), so an image from one
 * place can be pushed to another without knowing where it came from.
 */
import type { Readable } from 'node:stream';
import { deferredReadable } from './deferred-readable';
import { InvalidManifestError } from './errors';
import type { ManifestResult } from './manifest';
import { raceAbort } from './transport/retry';
import { readBounded } from './verify';
import type { BlobReadOptions, CallOptions, ConfigFile, Descriptor, Manifest, Platform } from './types';

/** Configs with long histories reach a few MiB; this is far above any real one. */
const MAX_CONFIG_BYTES = 32 * 1024 * 1024;

/** A repository of a registry, as a push into that same registry can mount from it. */
export interface BlobLocation {
  origin: string;
  repository: string;
}

export interface BlobSource {
  /** Opens a blob as a digest- and length-verified stream. */
  openBlob(descriptor: Descriptor, opts?: BlobReadOptions): Promise<Readable>;
  /** Words for messages, e.g. `localhost:5000/app`. */
  readonly name: string;
  /** Where the blobs live, when on a registry: lets a push within that registry mount instead of copy. */
  readonly location?: BlobLocation | undefined;
}

export interface Layer {
  digest: string;
  size: number;
  mediaType: string;
  annotations?: Record<string, string>;
  urls?: string[];
  /** The stored (usually gzip-compressed) bytes, verified while they stream. */
  open(opts?: BlobReadOptions): Promise<Readable>;
}

export interface Image {
  /** Where its blobs come from. */
  source: BlobSource;
  /** Digest of the image manifest. */
  digest: string;
  mediaType: string;
  manifest: Manifest;
  /** The manifest's descriptor (with the platform it was picked for, when it came from an index). */
  descriptor: Descriptor;
  /** The manifest bytes, exactly as stored. */
  rawManifest: Uint8Array;
  /** The platform it was picked for, when it came from an index. */
  platform?: Platform | undefined;
  layers: Layer[];
  /** The config blob's descriptor. */
  configDescriptor: Descriptor;
  getConfig(opts?: CallOptions): Promise<ConfigFile>;
  getRawConfig(opts?: CallOptions): Promise<Uint8Array>;
  /** Opens any blob of the image (config or layer) by descriptor. */
  openBlob(descriptor: Descriptor, opts?: BlobReadOptions): Promise<Readable>;
  /** A tar stream of the flattened filesystem: layers applied oldest first, whiteouts honoured. */
  extract(opts?: CallOptions): Readable;
}

export function createImage(source: BlobSource, result: ManifestResult): Image {
  const manifest = result.getManifest();
  let rawConfig: Promise<Uint8Array> | undefined;
  let parsedConfig: Promise<ConfigFile> | undefined;
  const image: Image = {
    source,
    digest: result.descriptor.digest,
    mediaType: result.mediaType,
    manifest,
    descriptor: result.descriptor,
    rawManifest: result.raw,
    platform: result.descriptor.platform,
    configDescriptor: manifest.config,
    layers: manifest.layers.map((d) => ({
      digest: d.digest,
      size: d.size,
      mediaType: d.mediaType,
      ...(d.annotations ? { annotations: d.annotations } : {}),
      ...(d.urls ? { urls: d.urls } : {}),
      open: (opts?: BlobReadOptions) => source.openBlob(d, opts),
    })),
    openBlob: (d, opts) => source.openBlob(d, opts),
    getRawConfig(opts) {
      if (opts?.signal?.aborted) return Promise.reject(opts.signal.reason);
      if (!rawConfig) {
        // Shared by every caller: not cancelled by one caller's signal (each races its own below).
        const pending = source
          .openBlob(manifest.config)
          .then((stream) =>
            readBounded(
              stream,
              MAX_CONFIG_BYTES,
              undefined,
              () => new InvalidManifestError(`Config of ${source.name}@${result.descriptor.digest} is larger than 32 MiB`),
            ),
          );
        rawConfig = pending;
        // A failed or cancelled read is not cached: the next call tries again.
        pending.catch(() => {
          if (rawConfig === pending) rawConfig = undefined;
        });
      }
      return raceAbort(rawConfig, opts?.signal);
    },
    getConfig(opts) {
      if (opts?.signal?.aborted) return Promise.reject(opts.signal.reason);
      if (!parsedConfig) {
        const pending = image.getRawConfig().then((bytes) => parseConfig(bytes, `${source.name}@${result.descriptor.digest}`));
        parsedConfig = pending;
        pending.catch(() => {
          if (parsedConfig === pending) parsedConfig = undefined;
        });
      }
      return raceAbort(parsedConfig, opts?.signal);
    },
    extract(opts) {
      // The tar code loads on the stream's first read: reading manifests, configs and blobs never needs it.
      return deferredReadable(async () => (await import('./extract/tar-output')).extractImage(image, opts));
    },
  };
  return image;
}

export function parseConfig(bytes: Uint8Array, subject: string): ConfigFile {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new InvalidManifestError(`Config of ${subject} is not valid JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InvalidManifestError(`Config of ${subject} is not a JSON object`);
  }
  const config = doc as ConfigFile;
  if (typeof config.architecture !== 'string' || typeof config.os !== 'string') {
    throw new InvalidManifestError(`Config of ${subject} has no architecture or os`);
  }
  return config;
}
