/**
 * The files that describe an archive's contents. Both layouts keep blobs as
 * `blobs/<algorithm>/<hex>`, as `docker save` has named them since Docker 25
 * and the OCI image layout always has:
 *
 * - `docker`: `manifest.json` (`[{Config, RepoTags, Layers}]`) and the legacy
 *   `repositories`, which `docker load` (every version since 1.10), `podman
 *   load` and skopeo's `docker-archive:` read. Layers stay as the registry
 *   stores them (gzip, usually): docker load and containers/image decompress
 *   what they are given, as they do for go-containerregistry's tarballs and
 *   for the archives `docker save` writes from the containerd image store.
 *   No `index.json`: podman load tries an archive as an OCI layout before a
 *   docker one, and would then name the image from the annotation instead of
 *   RepoTags.
 * - `oci`: `oci-layout` and `index.json`, an OCI image layout in a tar
 *   (`oci-archive:`), with the manifest or index exactly as stored.
 */
import { parseDigest } from '../reference';
import { ArchiveError } from './errors';

export type ArchiveFormat = 'docker' | 'oci';

/** `sha256:abc...` -> `blobs/sha256/abc...`; the digest is checked strictly first (it becomes a path). */
export function blobName(digest: string): string {
  const [algorithm, hex] = parseDigest(digest).split(':') as [string, string];
  return `blobs/${algorithm}/${hex}`;
}

/** The tag as `docker load` takes it in RepoTags: `name:tag` (a bare name gets `:latest`). */
export interface RepoTag {
  name: string;
  tag: string;
}

const NAME = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseRepoTag(value: string): RepoTag {
  const slash = value.lastIndexOf('/');
  const colon = value.lastIndexOf(':');
  const [name, tag] = colon > slash ? [value.slice(0, colon), value.slice(colon + 1)] : [value, 'latest'];
  if (value.includes('@') || !NAME.test(name) || !TAG.test(tag) || name.length > 255) {
    throw new ArchiveError(
      `"${value.slice(0, 300)}" is not an image name for an archive: use name:tag, e.g. "registry.example.com/team/app:v1"`,
    );
  }
  return { name, tag };
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** `manifest.json` of a docker archive holding one image. */
export function dockerManifestJson(configDigest: string, layerDigests: string[], repoTag: RepoTag | undefined): Uint8Array {
  return json([
    {
      Config: blobName(configDigest),
      RepoTags: repoTag ? [`${repoTag.name}:${repoTag.tag}`] : [],
      Layers: layerDigests.map(blobName),
    },
  ]);
}

/**
 * The legacy `repositories` file: name -> tag -> image id. Loaders read it only
 * when there is no manifest.json; the id is the config's hex, the image id
 * Docker itself shows since 1.10.
 */
export function repositoriesJson(repoTag: RepoTag, configDigest: string): Uint8Array {
  return json({ [repoTag.name]: { [repoTag.tag]: configDigest.slice(configDigest.indexOf(':') + 1) } });
}

export const OCI_LAYOUT_FILE = json({ imageLayoutVersion: '1.0.0' });

/**
 * `index.json` of an OCI archive: the one manifest or index saved. Named as
 * containerd and `docker save` name it: the tag as `org.opencontainers.image.ref.name`
 * (what `oci-archive:FILE:REF` matches), the full name as `io.containerd.image.name`.
 */
export function ociIndexJson(top: { digest: string; mediaType: string; size: number }, repoTag: RepoTag | undefined): Uint8Array {
  const annotations = repoTag
    ? { 'io.containerd.image.name': `${repoTag.name}:${repoTag.tag}`, 'org.opencontainers.image.ref.name': repoTag.tag }
    : undefined;
  return json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.size, ...(annotations ? { annotations } : {}) }],
  });
}
