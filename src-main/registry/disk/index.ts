/**
 * Writing to the local disk safely: files and folders that appear whole or
 * not at all, one naming scheme for their temporaries (with their owner, so a
 * crash's leftovers can be told and swept), the checks on a job's
 * target folder, and one table of words for file-system failures. The
 * library writes with these; the app imports them from here (the library
 * imports nothing of the app).
 */
export {
  TEMP_MARKER,
  isTemporaryFor,
  isTemporaryName,
  makeTemporaryFolder,
  parseTemporaryName,
  temporaryPath,
  type TemporaryName,
} from './temporary';
export { formatOwner, ownerStatus, parseOwner, thisOwner, type OwnerStatus, type TemporaryOwner } from './owner';
export {
  OWNERLESS_STALE_AFTER_MS,
  diskUsage,
  findTemporaries,
  removeStaleTemporaries,
  removeTemporary,
  staleReason,
  type DiskUsage,
  type FindTemporariesOptions,
  type FoundTemporary,
  type SweepResult,
} from './stale-temporaries';
export { removeTree } from './remove-tree';
export { syncDirectory, writeFileAtomically, writeStreamAtomically, type AtomicWriteOptions } from './atomic-file';
export { stageFolder, type StagedFolder } from './staged-folder';
export {
  TargetFolderError,
  inspectTarget,
  requireFolder,
  requireNewOrEmptyFolder,
  type FolderProblem,
  type TargetState,
} from './target-folder';
export { describeDiskFailure, diskError, type DiskAction } from './failure-words';
