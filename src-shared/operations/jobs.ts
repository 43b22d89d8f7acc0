/**
 * The operations that start, follow, cancel and clean up after jobs (part of
 * the contract's table); the jobs' own types are in src-shared/jobs.ts.
 */
import { z } from 'zod';
import { imagePathSchema } from '../files';
import type { JobInfo, JobLeftoversResult, JobStarted, RemoveLeftoversResult } from '../jobs';
import { tagSelectionSchema } from '../tag-selection';
import {
  absolutePathSchema,
  archiveNameSchema,
  connectionIdSchema,
  digestSchema,
  jobIdSchema,
  platformSchema,
  referenceSchema,
  repositorySchema,
  tagSchema,
} from '../schemas';
import { operation, empty, imageRef, platformImageRef, platformList, uniqueList } from '../operation-spec';

export const jobOperations = {
  'jobs.saveLayers': operation<JobStarted>()(
    'command',
    'Saves layers (all, or the given digests) into an existing folder, as stored or decompressed',
    z.strictObject({
      ...platformImageRef,
      layers: uniqueList(digestSchema, 1000, 'layers').optional(),
      targetDir: absolutePathSchema,
      decompress: z.boolean().optional(),
    }),
  ),
  'jobs.saveLayout': operation<JobStarted>()(
    'command',
    'Saves an image or index (or a subset of platforms) as an OCI image layout in targetDir (new, empty, or an existing layout)',
    z.strictObject({
      ...imageRef,
      targetDir: absolutePathSchema,
      tag: tagSchema.optional(),
      platforms: platformList,
    }),
  ),
  'jobs.extract': operation<JobStarted>()(
    'command',
    "Extracts an image's flattened filesystem into targetDir (which must not exist yet)",
    z.strictObject({ ...platformImageRef, targetDir: absolutePathSchema }),
  ),
  'jobs.mirror': operation<JobStarted>()(
    'command',
    'Copies an image or index (or a subset of platforms) from one connection to another',
    z.strictObject({
      source: z.strictObject(imageRef),
      target: z.strictObject({
        connectionId: connectionIdSchema,
        repository: repositorySchema,
        /** Default: the source reference when it is a tag, else required. */
        tag: referenceSchema.optional(),
      }),
      platforms: platformList,
      /** Also copy signatures, SBOMs and attestations (and what is attached to those). Default true. */
      referrers: z.boolean({ error: 'referrers must be true or false' }).optional(),
    }),
  ),
  'jobs.mirrorRepository': operation<JobStarted>()(
    'command',
    "Copies a repository's tags (all, a list, a pattern or a version range) to a repository of another (or the same) connection",
    z.strictObject({
      source: z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema }),
      target: z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema }),
      tags: tagSelectionSchema,
      platforms: platformList,
      /** Copy signatures, SBOMs and attestations too. */
      referrers: z.boolean().optional(),
    }),
  ),
  'jobs.saveArchive': operation<JobStarted>()(
    'command',
    'Saves an image as one tar file: docker (what docker load takes; one platform of an index) or oci (an OCI layout; an index whole)',
    z.strictObject({
      ...imageRef,
      file: absolutePathSchema,
      format: z.enum(['docker', 'oci'], { error: 'Format must be "docker" or "oci"' }),
      /** The name in the archive, `name:tag`. */
      name: archiveNameSchema.optional(),
      /** For an index: the platform to save (docker: default linux/amd64; oci: the whole index without one). */
      platform: platformSchema.optional(),
    }),
  ),
  'jobs.indexFiles': operation<JobStarted>()(
    'command',
    "Reads an image's layers into its file index (cached), with progress per layer; two images: compares them too",
    z.strictObject({
      images: z
        .array(z.strictObject(platformImageRef), { error: 'images must be a list' })
        .min(1, 'Give one image, or two to compare')
        .max(2, 'Give one image, or two to compare'),
    }),
  ),
  'jobs.saveFiles': operation<JobStarted>()(
    'command',
    'Saves one file or one folder of the flattened image (path) into targetDir (new or empty), under its own name',
    z.strictObject({ ...platformImageRef, path: imagePathSchema, targetDir: absolutePathSchema }),
  ),
  'jobs.tagFacts': operation<JobStarted>()(
    'command',
    'Reads the facts (digest, date, size, platforms) of every tag of a repository whose facts are not known yet, a few at a time',
    z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema }),
  ),
  'jobs.cancel': operation<JobInfo>()(
    'command',
    'Cancels a running job; a finished job is left as it is',
    z.strictObject({ jobId: jobIdSchema }),
  ),
  'jobs.list': operation<JobInfo[]>()('query', 'Running and recent jobs, newest first', empty),
  'jobs.openFolder': operation<{ path: string }>()(
    'command',
    "Shows a finished job's target folder in the file manager (the path comes from the job, never from the caller)",
    z.strictObject({ jobId: jobIdSchema }),
  ),
  'jobs.leftovers': operation<JobLeftoversResult>()(
    'query',
    'The unfinished files of jobs a Lading process did not finish (it crashed or was killed), found through the journal of running jobs',
    empty,
  ),
  'jobs.removeLeftovers': operation<RemoveLeftoversResult>()(
    'command',
    'Removes the unfinished files of the given jobs (the paths come from the journal, never from the caller)',
    z.strictObject({ jobIds: uniqueList(jobIdSchema, 1000, 'jobIds').refine((ids) => ids.length > 0, 'Give at least one job id') }),
  ),
} as const;
