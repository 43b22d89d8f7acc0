/** Tags with facts: summaries (digest, size, created, platforms), tagging, deleting. */
export { getImageSummary, MAX_SUMMARY_IMAGES } from './summary';
export { MAX_CACHED_SUMMARIES, MAX_REMEMBERED_TAGS } from './summary-cache';
export { tagImage } from './tag-image';
export { deleteImage } from './delete';
export { PLACEHOLDER_LABEL } from './placeholder';
export { DeleteNotSupportedError, SummaryLimitError } from './errors';
export type { DeleteImageOptions, DeleteImageResult, ImageSummary, PlatformSummary, TagImageResult } from './types';
