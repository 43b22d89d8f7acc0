/**
 * Writing to the local disk safely: files and folders that appear whole or
 * not at all, one naming scheme for their temporaries, the checks on a job's
 * target folder, and one table of words for file-system failures. The
 * library writes with these; the app imports them from here (the library
 * imports nothing of the app).
 */
export { TEMP_MARKER, isTemporaryName, makeTemporaryFolder, temporaryPath } from './temporary';
export { syncDirectory, writeFileAtomically, writeStreamAtomically, type AtomicWriteOptions } from './atomic-file';
export { stageFolder, type StagedFolder } from './staged-folder';
export {
  TargetFolderError, inspectTarget, requireFolder, requireNewOrEmptyFolder, type FolderProblem, type TargetState,
} from './target-folder';
export { describeDiskFailure, diskError, type DiskAction } from './failure-words';
