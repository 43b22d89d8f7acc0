/**
 * Browsing a registry: the repository tree, pages of tags, manifests and
 * configs, and how many tags a selection picks (part of the contract's table).
 */
import { z } from 'zod';
import type { TagSort } from '../tag-order';
import { tagSelectionSchema } from '../tag-selection';
import type { TagSelectionPreview } from '../jobs';
import {
  childNameSchema,
  connectionIdSchema,
  DEFAULT_PAGE_LIMIT,
  filterSchema,
  limitSchema,
  namespaceSchema,
  repositorySchema,
  tagSchema,
} from '../schemas';
import { operation, imageRef, platformImageRef } from '../operation-spec';

export interface ChildEntry {
  /** One path component. */
  name: string;
  /** Full repository path below the connection's root. */
  path: string;
  /** `both`: a repository that also has repositories below it. */
  kind: 'repository' | 'namespace' | 'both';
}

export interface BrowseChildrenResult {
  namespace: string;
  children: ChildEntry[];
  /** Pass as `last` for the next page; absent on the last page. */
  next?: string;
  /** False on registries without a catalog (Docker Hub, GHCR): open repositories by name there. */
  catalogSupported: boolean;
  message?: string;
}

export interface BrowseTagsResult {
  repository: string;
  /** Byte-sorted, or in the order `sort` asked for. */
  tags: string[];
  next?: string;
  /** Where the next page starts (pass as `offset`), when there is one. */
  nextOffset?: number;
  /** Tags matching the filter (all of them without one). */
  total: number;
  /** All tags of the repository. */
  totalUnfiltered: number;
  /** With `sort: 'created'`: tags (of all, unfiltered) whose date Lading has not read yet; they come last. */
  missingFacts?: number;
}

export interface DescriptorView {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  /** `os/arch[/variant]`. */
  platform?: string;
}

export interface IndexChildView extends DescriptorView {
  /** A buildx attestation (platform unknown/unknown). */
  attestation: boolean;
}

export interface ManifestView {
  repository: string;
  reference: string;
  kind: 'image' | 'index';
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations: Record<string, string>;
  subject?: DescriptorView;
  /** Images only. */
  config?: DescriptorView;
  layers?: DescriptorView[];
  /** Images only: the layers' stored sizes added up. */
  layersSize?: number;
  /** Indexes only. */
  manifests?: IndexChildView[];
  /** The manifest JSON, pretty-printed (2 spaces). */
  raw: string;
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  author?: string;
  comment?: string;
  emptyLayer: boolean;
}

export interface ConfigView {
  repository: string;
  reference: string;
  /** Digest of the image manifest (the platform's, when the reference is an index). */
  digest: string;
  configDigest: string;
  platform: string;
  created?: string;
  author?: string;
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workdir: string;
  user: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal?: string;
  history: HistoryEntry[];
  diffIds: string[];
  /** The config JSON, pretty-printed. */
  raw: string;
}

const tagSortSchema = z.enum(['name', 'version', 'created'], {
  error: 'sort must be "name", "version" or "created"',
}) satisfies z.ZodType<TagSort>;

const offsetSchema = z
  .number({ error: 'offset must be a number' })
  .int('offset must be a whole number')
  .min(0, 'offset must be at least 0')
  .max(10_000_000, 'offset is too large');

export const browseOperations = {
  'browse.children': operation<BrowseChildrenResult>()(
    'query',
    'Children of a namespace in the repository tree, from the catalog; paged via last, filtered by substring',
    z.strictObject({
      connectionId: connectionIdSchema,
      namespace: namespaceSchema.default(''),
      last: childNameSchema.optional(),
      limit: limitSchema.default(DEFAULT_PAGE_LIMIT),
      filter: filterSchema.optional(),
    }),
  ),
  'browse.tags': operation<BrowseTagsResult>()(
    'query',
    'A page of tags (byte-sorted, or by sort: natural name, version, created date), filtered by substring, with counts; refresh re-reads the registry',
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      last: tagSchema.optional(),
      limit: limitSchema.default(DEFAULT_PAGE_LIMIT),
      filter: filterSchema.optional(),
      refresh: z.boolean().optional(),
      sort: tagSortSchema.optional(),
      /** Where the page starts in the sorted list (instead of `last`): pages of an order that changes as facts arrive stay whole. */
      offset: offsetSchema.optional(),
    }),
  ),
  'browse.manifest': operation<ManifestView>()(
    'query',
    'A manifest or index: media type, digest, size, layers or children with platforms, annotations, subject, raw JSON',
    z.strictObject(imageRef),
  ),
  'browse.config': operation<ConfigView>()(
    'query',
    "An image's config: env, entrypoint, cmd, workdir, user, ports, labels, history (platform picks from an index; default linux/amd64)",
    z.strictObject(platformImageRef),
  ),
  'browse.selectTags': operation<TagSelectionPreview>()(
    'query',
    "How many of a repository's tags a selection picks (all, a list, a pattern, a semantic version range), with the first few",
    z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema, tags: tagSelectionSchema }),
  ),
} as const;
