/** Mirroring a whole repository (or some of its tags) from one registry to another. */
export {
  mirrorRepository,
  type MirrorRepositoryOptions,
  type MirrorRepositoryProgress,
  type MirrorRepositoryResult,
  type MirroredTag,
  type TagState,
} from './mirror-repository';
export { MAX_LISTED_TAGS, selectTags, type TagSelection } from './tag-selection';
export type { BlobCounts } from './shared-blobs';
