/**
 * Jobs in the contract: what a job is (kind, state, progress), what each kind
 * of job returns, the unfinished files a stopped Lading left, and the events
 * main pushes per job. Re-exported by contract.ts, which names the operations
 * that start, list and cancel jobs.
 *
 * No Node, no DOM, no electron: the renderer imports this file as is.
 */
import type { AppError } from './errors';
import type { IndexFilesResult, SaveFilesResult } from './files';
import type { MirroredReferrerView } from './referrers';

export type JobKind =
  'saveLayers' | 'saveLayout' | 'extract' | 'mirror' | 'mirrorRepository' | 'saveArchive' | 'indexFiles' | 'saveFiles' | 'tagFacts';
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface BlobProgressEntry {
  digest: string;
  size: number;
  /** Bytes handled so far (never goes back, even when an upload restarts). */
  done: number;
  state: 'pending' | 'running' | 'done' | 'exists' | 'mounted' | 'failed';
}

/** A blob download that broke and was picked up again with Range, where it went on from. */
export interface ResumeNote {
  digest: string;
  size: number;
  /** Bytes received before the break. */
  offset: number;
  /** 1 for the blob's first resume. */
  attempt: number;
  /** The registry ignored Range and sent the blob from its start again (the bytes already received were skipped). */
  restarted: boolean;
}

/** A repository mirror's tags: how many are done, and the ones in progress. */
export interface TagsProgress {
  total: number;
  done: number;
  copied: number;
  skipped: number;
  failed: number;
  active: { name: string; state: 'checking' | 'copying'; bytesDone: number; bytesTotal: number }[];
}

export interface JobProgress {
  /** The sum of the blobs' `done` (a repository mirror: of every blob of the tags started, each counted once). */
  bytesDone: number;
  bytesTotal: number;
  blobs: BlobProgressEntry[];
  /** Downloads that broke and were resumed (at most 20 are kept). */
  resumes?: ResumeNote[];
  /** A repository mirror's tags. */
  tags?: TagsProgress;
  /** For jobs that count things rather than bytes (tags whose facts are read). */
  items?: ItemProgress;
}

export interface ItemProgress {
  done: number;
  total: number;
  /** What is counted, plural: `tags`. */
  unit: string;
}

export interface SaveLayersResult {
  kind: 'saveLayers';
  /** The image manifest the layers belong to. */
  digest: string;
  files: { digest: string; path: string; bytes: number }[];
}

export interface SaveLayoutResult {
  kind: 'saveLayout';
  path: string;
  /** The name in the layout's index.json. */
  tag: string;
  digest: string;
  mediaType: string;
  images: { digest: string; platform?: string }[];
  bytesWritten: number;
}

export interface ExtractResult {
  kind: 'extract';
  path: string;
  /** The image manifest extracted. */
  digest: string;
  platform?: string;
  /** Counts as the extractor reports them. */
  entries?: number;
  bytesWritten?: number;
  /** Entries not written (device nodes, FIFOs, unsafe paths), with why. */
  skipped?: { path: string; reason: string }[];
}

export interface MirrorJobResult {
  kind: 'mirror';
  /** `host/repository:tag` written. */
  target: string;
  digest: string;
  sourceDigest: string;
  mediaType: string;
  rewritten: boolean;
  images: { digest: string; platform?: string }[];
  copied: number;
  skipped: number;
  mounted: number;
  bytesCopied: number;
  /** With referrers on: the signatures, SBOMs and attestations that came along. */
  referrers?: MirroredReferrerView[];
  /** What was left as it was on the target, or could not come along, in words. */
  referrerNotes?: string[];
}

export interface TagFactsJobResult {
  kind: 'tagFacts';
  repository: string;
  /** Tags whose facts were missing, and were looked up. */
  looked: number;
  /** Of those, how many needed their manifest and config read (the others were known digests). */
  read: number;
  failed: number;
}

export interface MirroredTagView {
  tag: string;
  /** What the target's tag points at now. */
  digest: string;
}

export interface MirrorRepositoryJobResult {
  kind: 'mirrorRepository';
  /** `host/repository` copied from and to. */
  source: string;
  target: string;
  /** The tags asked for, in words (`tags matching v1\..*`). */
  selection: string;
  copied: MirroredTagView[];
  skipped: MirroredTagView[];
  failed: { tag: string; error: AppError }[];
  /** Blobs uploaded and mounted over the run, each counted once; bytes uploaded. */
  blobsUploaded: number;
  blobsMounted: number;
  bytesCopied: number;
}

export interface SaveArchiveJobResult {
  kind: 'saveArchive';
  /** The archive file. */
  path: string;
  format: 'docker' | 'oci';
  /** The manifest or index saved. */
  digest: string;
  /** The name in the archive (`name:tag`), when one was given. */
  name?: string;
  images: { digest: string; platform?: string }[];
  bytesWritten: number;
  /** The command that loads it, e.g. `docker load -i /home/me/app.tar`. */
  loadCommand: string;
}

/** How many tags a repository mirror's selection picks, before it starts. */
export interface TagSelectionPreview {
  repository: string;
  /** Tags in the repository. */
  total: number;
  /** Tags the selection picks (for a list: those named that exist). */
  selected: number;
  /** The first few picked, byte-sorted. */
  sample: string[];
  /** For a list: tags named that the repository does not have (the first few). */
  missing: string[];
}

export type JobResult =
  | SaveLayersResult
  | SaveLayoutResult
  | ExtractResult
  | MirrorJobResult
  | MirrorRepositoryJobResult
  | SaveArchiveJobResult
  | IndexFilesResult
  | SaveFilesResult
  | TagFactsJobResult;

export interface JobInfo {
  id: string;
  kind: JobKind;
  /** For the UI, e.g. `Mirror ghcr.io/org/app:v1 to ...`. */
  title: string;
  state: JobState;
  /** ISO 8601. */
  startedAt: string;
  endedAt?: string;
  bytesDone: number;
  bytesTotal: number;
  items?: ItemProgress;
  result?: JobResult;
  error?: AppError;
  /** Downloads of the job that broke and were resumed. */
  resumes?: ResumeNote[];
}

export interface JobStarted {
  jobId: string;
  kind: JobKind;
  title: string;
}

/** A file or folder a job was writing when its Lading process stopped (a crash, a kill): never given its final name. */
export interface LeftoverFile {
  path: string;
  kind: 'file' | 'folder';
  /** Its size; a folder's, the sum of the files in it. */
  bytes: number;
  /** When it was last changed (ISO 8601): about when its process stopped. */
  modifiedAt: string;
}

/** The unfinished files of one job that a Lading process did not finish. */
export interface JobLeftover {
  /** The job's id in the run that stopped: what jobs.removeLeftovers takes. */
  jobId: string;
  kind: JobKind;
  title: string;
  /** ISO 8601. */
  startedAt: string;
  /** The folders its files are in. */
  folders: string[];
  files: LeftoverFile[];
  bytes: number;
  /** False when a folder held too many entries to count: `bytes` is then a lower bound. */
  bytesComplete: boolean;
}

export interface JobLeftoversResult {
  /** Oldest first. */
  jobs: JobLeftover[];
  bytes: number;
}

export interface RemoveLeftoversResult {
  removed: { path: string; bytes: number }[];
  bytesFreed: number;
  /** Files that could not be removed, and why. */
  failed: { path: string; message: string }[];
  /** Job ids given that have no unfinished files (already removed, or never a job that stopped). */
  notFound: string[];
}

// ---------------------------------------------------------------------------
// Job events: pushed by main to every page (transport.ts says how), per job
// in `seq` order: any number of `progress`, then exactly one of `done`,
// `failed`, `cancelled`.
// ---------------------------------------------------------------------------

interface JobEventBase {
  jobId: string;
  /** 1, 2, 3, ... per job: the order they were emitted in. */
  seq: number;
}

export type JobEvent =
  | (JobEventBase & { type: 'progress'; progress: JobProgress })
  | (JobEventBase & { type: 'done'; result: JobResult })
  | (JobEventBase & { type: 'failed'; error: AppError })
  | (JobEventBase & { type: 'cancelled' });
