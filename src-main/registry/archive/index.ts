/**
 * Archives: an image as one tar file that `docker load`, `podman load` and
 * skopeo take (the `docker save` layout), or an image or a whole index as an
 * OCI image layout in a tar (`oci-archive`).
 */
export {
  saveArchive,
  saveReferenceArchive,
  type SaveArchiveOptions,
  type SaveArchiveProgress,
  type SaveArchiveResult,
  type SaveReferenceArchiveOptions,
} from './save-archive';
export { ArchiveError } from './errors';
export { MAX_ARCHIVE_MANIFESTS } from './contents';
export type { ArchiveFormat } from './layouts';
