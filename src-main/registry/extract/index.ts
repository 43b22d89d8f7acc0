/**
 * Extraction of an image's flattened filesystem: as a tar stream
 * (Image.extract()) and to a directory (extractToDirectory()).
 */
export { extractToDirectory, type ExtractProgress, type ExtractResult, type ExtractToDirectoryOptions } from './to-directory';
export type { SkippedEntry } from './safe-writer';
export { extractImage } from './tar-output';
export { ExtractError, LayerFormatError } from './errors';
