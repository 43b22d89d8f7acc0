/**
 * OCI images built from scratch, without network or docker: layer tarballs
 * from entry lists, a config, a manifest, optionally a multi-arch index with
 * buildx-style attestation manifests, all written as an OCI image layout and
 * pushed with skopeo.
 */
import { buildLayer, type BuiltLayer, type LayerSpec } from './layers.js';
import { MediaType } from './media-types.js';
import { OciLayoutWriter, type Descriptor, type Platform } from './oci-layout.js';
import { buildkitProvenancePredicate, buildkitSbomPredicate } from './referrer-specs.js';
import { skopeoCopy, type Credentials } from './skopeo.js';

export interface ImageSpec {
  architecture: string;
  os: string;
  variant?: string;
  env?: string[];
  labels?: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  /** RFC 3339; fixed by default so digests do not depend on the clock. */
  created?: string;
  layers: LayerSpec[];
  /** History entries without a layer (ENV, CMD...), appended after the layers' ones. */
  emptyLayerHistory?: string[];
  /** Manifest annotations. */
  annotations?: Record<string, string>;
}

export interface ImageConfigFile {
  architecture: string;
  os: string;
  variant?: string;
  created: string;
  config: {
    Env?: string[];
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: { created: string; created_by: string; comment?: string; empty_layer?: boolean }[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface BuiltImageLayer extends BuiltLayer {
  mediaType: string;
  spec: LayerSpec;
}

export interface BuiltImage {
  spec: ImageSpec;
  platform: Platform;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  /** The manifest's descriptor (with `platform` when it sits in an index). */
  descriptor: Descriptor;
  config: ImageConfigFile;
  configBytes: Buffer;
  configDescriptor: Descriptor;
  layers: BuiltImageLayer[];
}

export interface BuiltLayout {
  /** The OCI layout directory; `oci:${dir}:${tag}` for skopeo and umoci. */
  dir: string;
  tag: string;
}

export interface BuiltImageLayout extends BuiltLayout {
  image: BuiltImage;
}

export interface BuiltAttestation {
  /** The platform image it attests. */
  subject: Descriptor;
  manifestBytes: Buffer;
  descriptor: Descriptor;
}

export interface BuiltIndexLayout extends BuiltLayout {
  index: ImageIndex;
  indexBytes: Buffer;
  descriptor: Descriptor;
  images: BuiltImage[];
  attestations: BuiltAttestation[];
}

export const FIXED_CREATED = '2024-01-01T00:00:00Z';

/** The annotations buildx puts on an attestation manifest's index entry. */
export const ATTESTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';
export const ATTESTATION_REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST = 'attestation-manifest';

function platformOf(spec: ImageSpec): Platform {
  return spec.variant
    ? { architecture: spec.architecture, os: spec.os, variant: spec.variant }
    : { architecture: spec.architecture, os: spec.os };
}

async function writeImage(writer: OciLayoutWriter, spec: ImageSpec): Promise<BuiltImage> {
  const built: BuiltLayer[] = [];
  // Sequential: each layer spawns tar; the fixtures are small.
  for (const layer of spec.layers) built.push(await buildLayer(layer));
  const created = spec.created ?? FIXED_CREATED;

  const config: ImageConfigFile = {
    architecture: spec.architecture,
    os: spec.os,
    ...(spec.variant ? { variant: spec.variant } : {}),
    created,
    config: {
      ...(spec.env ? { Env: spec.env } : {}),
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      ...(spec.labels ? { Labels: spec.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: built.map((l) => l.diffId) },
    history: [
      ...spec.layers.map((l) => ({
        created,
        created_by: l.createdBy,
        ...(l.comment ? { comment: l.comment } : {}),
      })),
      ...(spec.emptyLayerHistory ?? []).map((createdBy) => ({ created, created_by: createdBy, empty_layer: true })),
    ],
  };
  const { descriptor: configDescriptor, bytes: configBytes } = await writer.writeJson(MediaType.ociConfig, config);

  const layers: BuiltImageLayer[] = [];
  for (const [i, layer] of built.entries()) {
    await writer.writeBlob(MediaType.ociLayerGzip, layer.blob);
    layers.push({ ...layer, mediaType: MediaType.ociLayerGzip, spec: spec.layers[i] as LayerSpec });
  }

  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const { descriptor, bytes: manifestBytes } = await writer.writeJson(MediaType.ociManifest, manifest);
  const platform = platformOf(spec);
  return {
    spec,
    platform,
    manifest,
    manifestBytes,
    descriptor: { ...descriptor, platform },
    config,
    configBytes,
    configDescriptor,
    layers,
  };
}

/**
 * An attestation manifest as buildx writes it: an OCI manifest whose in-toto
 * layers (SLSA provenance, then an SPDX SBOM) describe the subject, listed in
 * the index as unknown/unknown.
 */
async function writeAttestation(writer: OciLayoutWriter, subject: BuiltImage): Promise<BuiltAttestation> {
  const about = [{ name: 'lading-fixture', digest: { sha256: subject.descriptor.digest.slice('sha256:'.length) } }];
  const platform = [subject.platform.os, subject.platform.architecture, subject.platform.variant].filter(Boolean).join('/');
  const statements = [
    {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: about,
      predicate: buildkitProvenancePredicate(),
    },
    {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://spdx.dev/Document',
      subject: about,
      predicate: buildkitSbomPredicate(platform),
    },
  ];
  const layers: Descriptor[] = [];
  for (const statement of statements) {
    const { descriptor } = await writer.writeJson(MediaType.inToto, statement);
    layers.push({ ...descriptor, annotations: { 'in-toto.io/predicate-type': statement.predicateType } });
  }
  const config = {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
  const configDesc = await writer.writeJson(MediaType.ociConfig, config);
  const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc.descriptor, layers };
  const { descriptor, bytes } = await writer.writeJson(MediaType.ociManifest, manifest);
  return {
    subject: subject.descriptor,
    manifestBytes: bytes,
    descriptor: {
      ...descriptor,
      annotations: {
        [ATTESTATION_REFERENCE_DIGEST]: subject.descriptor.digest,
        [ATTESTATION_REFERENCE_TYPE]: ATTESTATION_MANIFEST,
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  };
}

/** Writes a single-image OCI layout to `dir`, tagged `tag`. */
export async function buildImageLayout(dir: string, spec: ImageSpec, tag = 'latest'): Promise<BuiltImageLayout> {
  const writer = await OciLayoutWriter.create(dir);
  const image = await writeImage(writer, spec);
  // index.json names the manifest without a platform, as `docker save`-style layouts do.
  const { platform: _platform, ...plain } = image.descriptor;
  writer.addRef(tag, plain);
  await writer.finish();
  return { dir, tag, image };
}

export interface IndexLayoutOptions {
  tag?: string;
  /** One buildx-style attestation manifest per platform image (default true). */
  attestations?: boolean;
  annotations?: Record<string, string>;
}

/** Writes a multi-platform OCI index layout: the images, then their attestations. */
export async function buildIndexLayout(dir: string, platforms: ImageSpec[], opts: IndexLayoutOptions = {}): Promise<BuiltIndexLayout> {
  const tag = opts.tag ?? 'latest';
  const writer = await OciLayoutWriter.create(dir);
  const images: BuiltImage[] = [];
  for (const spec of platforms) images.push(await writeImage(writer, spec));
  const attestations: BuiltAttestation[] = [];
  if (opts.attestations ?? true) {
    for (const image of images) attestations.push(await writeAttestation(writer, image));
  }
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [...images.map((i) => i.descriptor), ...attestations.map((a) => a.descriptor)],
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const { descriptor, bytes: indexBytes } = await writer.writeJson(MediaType.ociIndex, index);
  writer.addRef(tag, descriptor);
  await writer.finish();
  return { dir, tag, index, indexBytes, descriptor, images, attestations };
}

export interface PushOptions {
  /** Push an index with all its children. */
  all?: boolean;
  /** 'v2s2' converts to Docker schema 2 media types. */
  format?: 'oci' | 'v2s2';
  creds?: Credentials;
}

/** `skopeo copy oci:DIR:TAG docker://DEST` where DEST is 'host/repo:tag'. */
export async function pushLayout(layout: BuiltLayout, destination: string, opts: PushOptions = {}): Promise<void> {
  await skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${destination}`, {
    ...(opts.all ? { all: true } : {}),
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.creds ? { destCreds: opts.creds } : {}),
  });
}
