/**
 * The contract between main and renderer: every operation the renderer may
 * call, with its input schema (validated in main at the boundary) and its
 * result type; the job events main pushes; the error shape. Both hosts (the
 * Electron IPC adapter and the loopback WebSocket bridge) serve exactly this
 * table, one named function per operation.
 *
 * No Node, no DOM, no electron: the renderer imports this file as is.
 */
import { z } from 'zod';
import type { AppError } from './errors';
import { publicKeySchema, type AttachmentView, type ReferrersView, type SavedAttachment, type VerificationView } from './referrers';
import { imagePathSchema, type FilePreview, type FilesDiffResult, type FilesListResult } from './files';
import {
  absolutePathSchema,
  archiveNameSchema,
  authKindSchema,
  caPemSchema,
  childNameSchema,
  connectionIdSchema,
  DEFAULT_PAGE_LIMIT,
  digestSchema,
  displayNameSchema,
  filterSchema,
  importKeySchema,
  jobIdSchema,
  limitSchema,
  namespaceSchema,
  platformSchema,
  referenceSchema,
  registryHostSchema,
  repositorySchema,
  secretSchema,
  tagSchema,
  tokenTypeSchema,
  usernameSchema,
} from './schemas';
import { tagSelectionSchema } from './tag-selection';
import type { TagSort } from './tag-order';
import type { JobInfo, JobLeftoversResult, JobStarted, RemoveLeftoversResult, TagSelectionPreview } from './jobs';

export type * from './jobs';

// ---------------------------------------------------------------------------
// Result types
// ---------------------------------------------------------------------------

export type AuthKind = z.infer<typeof authKindSchema>;
export type TokenType = z.infer<typeof tokenTypeSchema>;

/** A saved connection. The secret itself never leaves main; `secret` says whether one is kept, and where. */
export interface Connection {
  id: string;
  name: string;
  /** `host[:port][/path]`, no scheme. */
  host: string;
  authKind: AuthKind;
  /** For auth kind `token`. */
  tokenType?: TokenType;
  username?: string;
  plainHttp: boolean;
  tlsSkipVerify: boolean;
  caPem?: string;
  /** `none`: no secret kept; `keychain`: in the OS keychain; `session`: in memory until the app quits. */
  secret: 'none' | 'keychain' | 'session';
  /** Set for the profiles created on first launch. */
  preset?: 'docker-hub' | 'ghcr';
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionTestResult {
  /** Reachable, TLS fine and credentials (if any) accepted. */
  ok: boolean;
  /** `host[/path]` as the client names it. */
  registry: string;
  /** A connection was made (also when only the TLS handshake on it failed). */
  reachable: boolean;
  /** `ok`: verified; `not-verified`: skip-verify is on; `not-used`: plain HTTP; `failed`: handshake or certificate failed. */
  tls: 'ok' | 'not-verified' | 'not-used' | 'failed' | 'unknown';
  /**
   * Only when the TLS handshake failed because the server does not speak TLS: whether `GET http://<host>/v2/`
   * (sent once, without credentials) answered as a registry does, so that turning on plain HTTP would work.
   */
  plainHttpAnswers?: boolean;
  /** `anonymous`: none were given; `unknown`: could not be told (unreachable, or the registry never asked). */
  credentials: 'accepted' | 'rejected' | 'anonymous' | 'unknown';
  catalog: 'supported' | 'unsupported' | 'unknown';
  elapsedMs: number;
  /** Why it is not ok. */
  error?: AppError;
}

export interface CredentialsStatus {
  /** Where new secrets go. */
  storage: 'keychain' | 'session';
  keychainAvailable: boolean;
  /** For the UI, e.g. why there is no keychain and what that means. */
  message: string;
}

export interface ImportCandidate {
  /** Pass to connections.import. `<source>:<server as written in the file>`. */
  key: string;
  source: 'docker' | 'podman';
  /** The config file it was found in. */
  file: string;
  /** The server as written in the file, e.g. `https://index.docker.io/v1/`. */
  server: string;
  /** Normalised: `docker.io`, `ghcr.io`, `localhost:5000`. */
  host: string;
  plainHttp: boolean;
  authKind: 'basic' | 'token';
  tokenType?: TokenType;
  /** Unknown for credential helpers until the secret is fetched at import. */
  username?: string;
  /** Where the secret is: in the file, a credsStore or a credHelper. */
  via: 'file' | 'credsStore' | 'credHelper';
  /** The helper's name (`docker-credential-<helper>`). */
  helper?: string;
  /** A saved connection to the same host and user, which an import would update. */
  existing?: string;
}

export interface ImportCandidatesResult {
  candidates: ImportCandidate[];
  /** Every file looked at. */
  sources: { file: string; source: 'docker' | 'podman'; found: boolean; error?: string }[];
}

export interface ImportResult {
  imported: { key: string; connection: Connection; updated: boolean }[];
  failed: { key: string; error: AppError }[];
}

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

// ---- tags with facts ----

export interface PlatformFactView {
  /** `os/arch[/variant]`. */
  platform: string;
  digest: string;
  size: number;
  created?: string | undefined;
}

/** What a tag points at: digest, size, when it was built, its platforms (attestations left out). */
export interface TagSummaryView {
  digest: string;
  mediaType: string;
  isIndex: boolean;
  /** Bytes of manifest, config and layers (an index: of itself and all its images). */
  size: number;
  created?: string | undefined;
  platforms: PlatformFactView[];
}

export interface TagFact {
  tag: string;
  /**
   * `checked`: confirmed with the registry in this session; `cached`: from the cache on disk, not
   * confirmed yet; `unknown`: nothing read yet (asked with cachedOnly); `failed`: see `error`.
   */
  state: 'checked' | 'cached' | 'unknown' | 'failed';
  summary?: TagSummaryView;
  /** Other tags of the repository that Lading knows point at the same digest (the first 20, by name). */
  aliases?: string[];
  /** How many other tags Lading knows point at the same digest (`aliases` shows 20 at most). */
  aliasCount?: number;
  /** The tag moved: this is the digest it pointed at before (in the cache). */
  movedFrom?: string;
  error?: AppError;
}

export interface RateLimitView {
  limit: number;
  remaining: number;
  windowSeconds?: number;
  /** ISO 8601: when the registry said so. */
  seenAt: string;
}

export interface TagFactsResult {
  repository: string;
  /** In the order asked. */
  facts: TagFact[];
  /** The pull rate limit the registry reported last (Docker Hub). */
  rateLimit?: RateLimitView;
}

export interface RetagResult {
  repository: string;
  tag: string;
  digest: string;
  /** The tag existed and pointed at this other digest before. */
  movedFrom?: string;
}

/** What deleting `reference` would remove, as far as Lading knows, and what the registry did with deletes before. */
export interface DeletePlan {
  repository: string;
  reference: string;
  /** What the reference points at now (asked with one HEAD). */
  digest: string;
  summary?: TagSummaryView;
  /** Tags Lading knows to point at `digest` (the reference itself included when it is a tag), by name. */
  tagsAtDigest: string[];
  /** Tags of the repository whose digest Lading has not read: any of them may point at `digest` too. */
  uncheckedTags: number;
  /** What this registry answered to deleting a tag before, in this session. */
  tagDeletion: 'unknown' | 'supported' | 'refused';
  /** Whether it deleted anything at all before (`disabled`: it answered 405 UNSUPPORTED). */
  deletion: 'unknown' | 'enabled' | 'disabled';
}

export type DeleteHow = 'tag' | 'digest' | 'placeholder';

export interface DeleteTagResult {
  repository: string;
  reference: string;
  how: DeleteHow;
  digest: string;
  /** The tags that are gone, as far as Lading knows. */
  removedTags: string[];
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

// ---------------------------------------------------------------------------
// Input schemas
// ---------------------------------------------------------------------------

const connectionFields = {
  name: displayNameSchema,
  host: registryHostSchema,
  authKind: authKindSchema,
  tokenType: tokenTypeSchema.optional(),
  username: usernameSchema.optional(),
  plainHttp: z.boolean({ error: 'plainHttp must be true or false' }).default(false),
  tlsSkipVerify: z.boolean({ error: 'tlsSkipVerify must be true or false' }).default(false),
  caPem: caPemSchema.nullable().optional(),
  /** A string sets the secret, null removes it, absent keeps what is stored. */
  secret: secretSchema.nullable().optional(),
};

function checkAuth(
  v: { authKind: AuthKind; username?: string | undefined; tokenType?: TokenType | undefined; secret?: string | null | undefined },
  ctx: z.RefinementCtx,
): void {
  if (v.authKind === 'anonymous') {
    if (v.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'An anonymous connection has no username' });
    if (v.secret) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'An anonymous connection has no secret' });
  }
  if (v.authKind === 'basic' && !v.username) {
    ctx.addIssue({ code: 'custom', path: ['username'], message: 'Basic auth needs a username' });
  }
  if (v.authKind !== 'token' && v.tokenType !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['tokenType'], message: 'tokenType applies to auth kind "token" only' });
  }
}

export const connectionDraftSchema = z.strictObject({ id: connectionIdSchema.optional(), ...connectionFields }).superRefine(checkAuth);

const empty = z.strictObject({});

/** Tags per tags.facts call: a screenful and more. */
export const MAX_FACTS_PER_CALL = 200;

const tagSortSchema = z.enum(['name', 'version', 'created'], {
  error: 'sort must be "name", "version" or "created"',
}) satisfies z.ZodType<TagSort>;

const offsetSchema = z
  .number({ error: 'offset must be a number' })
  .int('offset must be a whole number')
  .min(0, 'offset must be at least 0')
  .max(10_000_000, 'offset is too large');

const imageRef = {
  connectionId: connectionIdSchema,
  repository: repositorySchema,
  reference: referenceSchema,
};

const uniqueList = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z
    .array(item, { error: `${what} must be a list` })
    .max(max, `At most ${max} ${what}`)
    .refine((list) => new Set(list as unknown[]).size === list.length, `${what} must not repeat`);

// ---------------------------------------------------------------------------
// The operation table
// ---------------------------------------------------------------------------

export interface OperationSpec<I extends z.ZodType, R> {
  /** `query`: reads, safe to repeat and cache; `command`: changes something or starts a job. */
  readonly kind: 'query' | 'command';
  readonly summary: string;
  readonly input: I;
  /** Phantom: carries the result type; never set at runtime. */
  readonly result?: R;
}

function operation<R>() {
  return <I extends z.ZodType>(kind: 'query' | 'command', summary: string, input: I): OperationSpec<I, R> => ({ kind, summary, input });
}

export const operations = {
  'connections.list': operation<Connection[]>()('query', 'Saved connections (the presets on first launch)', empty),
  'connections.save': operation<Connection>()(
    'command',
    'Creates (no id) or updates a connection; secret: string sets, null removes, absent keeps',
    connectionDraftSchema,
  ),
  'connections.remove': operation<{ id: string }>()(
    'command',
    'Removes a connection and its secret',
    z.strictObject({ id: connectionIdSchema }),
  ),
  'connections.test': operation<ConnectionTestResult>()(
    'command',
    'Tests a saved connection (id) or an unsaved draft: reachable, TLS, credentials, catalog',
    z
      .strictObject({ id: connectionIdSchema.optional(), draft: connectionDraftSchema.optional() })
      .refine((v) => (v.id === undefined) !== (v.draft === undefined), 'Give either "id" or "draft"'),
  ),
  'connections.importCandidates': operation<ImportCandidatesResult>()(
    'query',
    'Logins found in ~/.docker/config.json (auths, credsStore, credHelpers) and Podman auth.json; no secrets',
    empty,
  ),
  'connections.import': operation<ImportResult>()(
    'command',
    'Imports candidates by key: the secret goes to the keychain (or the session), a connection is created or updated',
    z.strictObject({ keys: uniqueList(importKeySchema, 100, 'keys').refine((k) => k.length > 0, 'Give at least one key') }),
  ),
  'credentials.status': operation<CredentialsStatus>()('query', 'Where secrets are kept: the OS keychain, or this session only', empty),

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
    z.strictObject({ ...imageRef, platform: platformSchema.optional() }),
  ),

  'jobs.saveLayers': operation<JobStarted>()(
    'command',
    'Saves layers (all, or the given digests) into an existing folder, as stored or decompressed',
    z.strictObject({
      ...imageRef,
      platform: platformSchema.optional(),
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
      platforms: uniqueList(platformSchema, 64, 'platforms').optional(),
    }),
  ),
  'jobs.extract': operation<JobStarted>()(
    'command',
    "Extracts an image's flattened filesystem into targetDir (which must not exist yet)",
    z.strictObject({ ...imageRef, platform: platformSchema.optional(), targetDir: absolutePathSchema }),
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
      platforms: uniqueList(platformSchema, 64, 'platforms').optional(),
      /** Also copy signatures, SBOMs and attestations (and what is attached to those). Default true. */
      referrers: z.boolean({ error: 'referrers must be true or false' }).optional(),
    }),
  ),
  'browse.selectTags': operation<TagSelectionPreview>()(
    'query',
    "How many of a repository's tags a selection picks (all, a list, a pattern, a semantic version range), with the first few",
    z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema, tags: tagSelectionSchema }),
  ),
  'jobs.mirrorRepository': operation<JobStarted>()(
    'command',
    "Copies a repository's tags (all, a list, a pattern or a version range) to a repository of another (or the same) connection",
    z.strictObject({
      source: z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema }),
      target: z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema }),
      tags: tagSelectionSchema,
      platforms: uniqueList(platformSchema, 64, 'platforms').optional(),
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
  'files.list': operation<FilesListResult>()(
    'query',
    "An image's flattened files, what each layer changed, total and wasted bytes, when indexed; else its layers (start jobs.indexFiles)",
    z.strictObject({ ...imageRef, platform: platformSchema.optional() }),
  ),
  'files.head': operation<FilesListResult>()(
    'query',
    "The first HEAD_ROWS entries of an image's listing with the totals of the whole (what a tree paints first), when indexed; else its layers",
    z.strictObject({ ...imageRef, platform: platformSchema.optional() }),
  ),
  'files.read': operation<FilePreview>()(
    'query',
    'The start of one file of an image for a preview: text (up to 1 MiB) or the first bytes of a binary file',
    z.strictObject({ ...imageRef, platform: platformSchema.optional(), path: imagePathSchema }),
  ),
  'files.diff': operation<FilesDiffResult>()(
    'query',
    'Two images compared (layers, config, files), when both are indexed; else which are not (start jobs.indexFiles with both)',
    z.strictObject({
      a: z.strictObject({ ...imageRef, platform: platformSchema.optional() }),
      b: z.strictObject({ ...imageRef, platform: platformSchema.optional() }),
    }),
  ),
  'jobs.indexFiles': operation<JobStarted>()(
    'command',
    "Reads an image's layers into its file index (cached), with progress per layer; two images: compares them too",
    z.strictObject({
      images: z
        .array(z.strictObject({ ...imageRef, platform: platformSchema.optional() }), { error: 'images must be a list' })
        .min(1, 'Give one image, or two to compare')
        .max(2, 'Give one image, or two to compare'),
    }),
  ),
  'jobs.saveFiles': operation<JobStarted>()(
    'command',
    'Saves one file or one folder of the flattened image (path) into targetDir (new or empty), under its own name',
    z.strictObject({ ...imageRef, platform: platformSchema.optional(), path: imagePathSchema, targetDir: absolutePathSchema }),
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

  'referrers.list': operation<ReferrersView>()(
    'query',
    'What is attached to an image or index (signatures, SBOMs, attestations) from every place tools put them; index: the index the image was opened from, for its BuildKit attestations',
    z.strictObject({ ...imageRef, index: digestSchema.optional() }),
  ),
  'referrers.read': operation<AttachmentView>()(
    'query',
    'One attachment decoded: signatures with payload and identity, in-toto statements (provenance summed up), SBOM packages',
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      digest: digestSchema,
      kind: z.enum(['signature', 'attestation', 'sbom', 'other'], { error: 'kind must be signature, attestation, sbom or other' }),
    }),
  ),
  'referrers.verify': operation<VerificationView>()(
    'query',
    'Checks each cosign signature of an image against a PEM public key: does it match the key, and is it about this image',
    z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema, digest: digestSchema, publicKey: publicKeySchema }),
  ),
  'referrers.save': operation<SavedAttachment>()(
    'command',
    "Saves a layer of an attachment (an SBOM's original document) to a new file, whole or not at all",
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      referrer: digestSchema,
      layer: digestSchema,
      path: absolutePathSchema,
    }),
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

  'tags.facts': operation<TagFactsResult>()(
    'query',
    'Facts of some tags (the rows in view): digest, size, created, platforms, aliases; cachedOnly answers from what is known without asking the registry',
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      tags: uniqueList(tagSchema, MAX_FACTS_PER_CALL, 'tags').refine((t) => t.length > 0, 'Give at least one tag'),
      cachedOnly: z.boolean().optional(),
    }),
  ),
  'tags.rateLimit': operation<RateLimitView | null>()(
    'query',
    'The pull rate limit the registry of a connection reported last (Docker Hub), or null; asks the registry nothing',
    z.strictObject({ connectionId: connectionIdSchema }),
  ),
  'tags.retag': operation<RetagResult>()(
    'command',
    'Puts the manifest a tag or digest names under another tag of the same repository, byte for byte; an existing tag moves only with move: true',
    z.strictObject({ ...imageRef, tag: tagSchema, move: z.boolean().optional() }),
  ),
  'tags.deletePlan': operation<DeletePlan>()(
    'query',
    'What deleting a tag or digest would remove: its digest now, the tags known to point at it, how many tags are unchecked',
    z.strictObject(imageRef),
  ),
  'tags.delete': operation<DeleteTagResult>()(
    'command',
    'Deletes as confirmed: the tag (the registry deletes it), the digest (and every tag at it), or the tag through a placeholder; refuses when the reference moved from the confirmed digest',
    z.strictObject({
      ...imageRef,
      digest: digestSchema,
      how: z.enum(['tag', 'digest', 'placeholder'], { error: 'how must be "tag", "digest" or "placeholder"' }),
    }),
  ),
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export const OPERATION_NAMES = Object.keys(operations) as OperationName[];

/** What the renderer sends. */
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
/** What a handler receives: validated, defaults applied. */
export type ParsedInputOf<N extends OperationName> = z.output<Operations[N]['input']>;
export type ResultOf<N extends OperationName> = Operations[N] extends OperationSpec<z.ZodType, infer R> ? R : never;

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name);
}

/** One function per operation, resolving with its result (a failure rejects): what the renderer's client offers (src-renderer/bridge). */
export type OperationCalls = { [N in OperationName]: (input: InputOf<N>) => Promise<ResultOf<N>> };
