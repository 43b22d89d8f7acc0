/**
 * What each kind of job does. Each runner takes the validated input and
 * returns the work as a JobRunner for the JobManager: it holds the
 * connections' clients for as long as it runs, reports per-blob progress,
 * stops network and disk work when its signal aborts, and leaves no partial
 * target behind (temporary names, then rename; files it created are removed
 * when it fails).
 */
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractResult, MirrorJobResult, ParsedInputOf, SaveLayersResult, SaveLayoutResult } from '../../src-shared/contract';
import { mapLimit } from '../registry/concurrency';
import {
  extractToDirectory,
  formatPlatform,
  formatReference,
  mirror,
  openLayout,
  parseReference,
  saveLayer,
  type Image,
  type Layer,
  type MirrorProgress,
} from '../registry/index';
import { inspectTarget, requireFolder, requireNewOrEmptyFolder, stageFolder, type StagedFolder } from '../registry/disk/index';
import type { ClientPool } from './clients';
import { AppFailure } from './errors';
import type { JobContext, JobRunner } from './jobs';
import type { BlobState } from './job-progress';

export type ExtractToDirectory = typeof extractToDirectory;

export interface RunnerDeps {
  pool: ClientPool;
  /** Layers saved at once. Default 3. */
  layerConcurrency?: number;
  /** Default: the library's extractToDirectory. */
  extract?: ExtractToDirectory;
}

/** `host/repo:tag` or `host/repo@sha256:...`. */
export function describeImage(registry: string, reference: string): string {
  return formatReference(registry, parseReference(reference));
}

const isDigest = (reference: string) => parseReference(reference).kind === 'digest';

function platformOf(image: Image): string | undefined {
  return image.platform ? formatPlatform(image.platform) : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
}

/** The file name a layer is saved under: its digest's hex and an extension for its format. */
export function layerFileName(layer: Pick<Layer, 'digest' | 'mediaType'>, decompress: boolean): string {
  const hex = layer.digest.slice(layer.digest.indexOf(':') + 1);
  if (decompress) return `${hex}.tar`;
  if (/zstd/.test(layer.mediaType)) return `${hex}.tar.zst`;
  if (/gzip/.test(layer.mediaType)) return `${hex}.tar.gz`;
  if (/tar$/.test(layer.mediaType)) return `${hex}.tar`;
  return `${hex}.blob`;
}

// ---- save layers ----

export function saveLayersJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.saveLayers'>): JobRunner<SaveLayersResult> {
  return (ctx) =>
    deps.pool.use(input.connectionId, async (client) => {
      const repo = client.withSegment(input.repository);
      const image = await repo.getImage(input.reference, { signal: ctx.signal, ...(input.platform ? { platform: input.platform } : {}) });
      let layers = dedupe(image.layers);
      if (input.layers) {
        const byDigest = new Map(layers.map((l) => [l.digest, l]));
        layers = input.layers.map((digest) => {
          const layer = byDigest.get(digest);
          if (!layer)
            throw new AppFailure(
              'not-found',
              `Layer ${digest} is not part of ${describeImage(repo.getRegistry(), input.reference)} (${image.digest})`,
            );
          return layer;
        });
      }
      await requireFolder(input.targetDir);
      const decompress = input.decompress === true;
      const planned = layers.map((layer) => ({ layer, path: join(input.targetDir, layerFileName(layer, decompress)) }));
      for (const { path } of planned) {
        if (await exists(path)) throw new AppFailure('exists', `${path} already exists: choose another folder or remove it`);
      }
      ctx.progress.addBlobs(layers);
      const saved: string[] = [];
      let files: SaveLayersResult['files'];
      try {
        files = await mapLimit(
          planned,
          deps.layerConcurrency ?? 3,
          async ({ layer, path }, _index, signal) => {
            // A cancelled job starts no further layer (its blobs stay pending, not failed).
            signal.throwIfAborted();
            ctx.progress.update(layer.digest, layer.size, 0, 'running');
            try {
              const result = await saveLayer(layer, path, {
                decompress,
                signal,
                onProgress: (done) => ctx.progress.update(layer.digest, layer.size, done, 'running'),
                onResume: (e) => ctx.progress.noteResume(e),
              });
              saved.push(result.path);
              ctx.progress.update(layer.digest, layer.size, layer.size, 'done');
              return { digest: layer.digest, path: result.path, bytes: result.bytes };
            } catch (err) {
              ctx.progress.update(layer.digest, layer.size, 0, 'failed');
              throw err;
            }
          },
          ctx.signal,
        );
      } catch (err) {
        // All or nothing: the layers already saved by this job go too.
        await Promise.all(saved.map((path) => rm(path, { force: true }).catch(() => undefined)));
        throw err;
      }
      return { kind: 'saveLayers', digest: image.digest, files };
    });
}

function dedupe(layers: Layer[]): Layer[] {
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.digest) && !!seen.add(l.digest));
}

// ---- mirror and save as OCI layout (both copy through mirror()) ----

/**
 * The library's blob states in the contract's words. The contract's states
 * serve every kind of job, and a layer saved or extracted is `done`, not
 * uploaded; so the library's `uploaded` is `done` here.
 */
const BLOB_STATE: Record<MirrorProgress['blob']['state'], BlobState> = {
  pending: 'pending',
  running: 'running',
  exists: 'exists',
  mounted: 'mounted',
  uploaded: 'done',
  failed: 'failed',
};

function mirrorProgress(ctx: JobContext): (p: MirrorProgress) => void {
  return (p) => {
    ctx.progress.setTotal(p.bytesTotal);
    ctx.progress.update(p.blob.digest, p.blob.size, p.blob.done, BLOB_STATE[p.blob.state]);
  };
}

export function mirrorJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.mirror'>): JobRunner<MirrorJobResult> {
  const targetTag = input.target.tag ?? (isDigest(input.source.reference) ? undefined : input.source.reference);
  if (targetTag === undefined) {
    throw new AppFailure('invalid-input', 'The source is given by digest: name a target tag (target.tag)');
  }
  return (ctx) =>
    deps.pool.use(input.source.connectionId, (source) =>
      deps.pool.use(input.target.connectionId, async (target) => {
        const from = source.withSegment(input.source.repository);
        const to = target.withSegment(input.target.repository);
        const result = await mirror(from, input.source.reference, to, targetTag, {
          signal: ctx.signal,
          onProgress: mirrorProgress(ctx),
          onResume: (e) => ctx.progress.noteResume(e),
          ...(input.platforms?.length ? { platforms: input.platforms } : {}),
          referrers: input.referrers !== false,
        });
        return {
          kind: 'mirror',
          target: describeImage(to.getRegistry(), targetTag),
          digest: result.digest,
          sourceDigest: result.sourceDigest,
          mediaType: result.mediaType,
          rewritten: result.rewritten,
          images: result.images,
          copied: result.copied.length,
          skipped: result.skipped.length,
          mounted: result.mounted.length,
          bytesCopied: result.bytesCopied,
          ...(result.referrers ? { referrers: result.referrers, referrerNotes: result.referrerNotes ?? [] } : {}),
        };
      }),
    );
}

/**
 * Where a layout is written: a new (or empty) folder is filled under a
 * temporary sibling name and renamed at the end; an existing layout gets
 * the image added in place (blobs first, the tag in index.json last).
 */
async function layoutTarget(dir: string): Promise<StagedFolder> {
  const target = await inspectTarget(dir);
  if (target.kind !== 'filled') return stageFolder(dir);
  if (!target.entries.includes('oci-layout')) {
    throw new AppFailure('exists', `${dir} is not empty and not an OCI image layout: choose a new or empty folder, or an existing layout`);
  }
  return { path: dir, commit: async () => undefined, discard: async () => undefined };
}

export function saveLayoutJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.saveLayout'>): JobRunner<SaveLayoutResult> {
  const tag = input.tag ?? (isDigest(input.reference) ? 'latest' : input.reference);
  return (ctx) =>
    deps.pool.use(input.connectionId, async (client) => {
      const from = client.withSegment(input.repository);
      const target = await layoutTarget(input.targetDir);
      try {
        const result = await mirror(from, input.reference, openLayout(target.path), tag, {
          signal: ctx.signal,
          onProgress: mirrorProgress(ctx),
          onResume: (e) => ctx.progress.noteResume(e),
          ...(input.platforms?.length ? { platforms: input.platforms } : {}),
        });
        ctx.signal.throwIfAborted();
        await target.commit();
        return {
          kind: 'saveLayout',
          path: input.targetDir,
          tag,
          digest: result.digest,
          mediaType: result.mediaType,
          images: result.images,
          bytesWritten: result.bytesCopied,
        };
      } catch (err) {
        await target.discard().catch(() => undefined);
        throw err;
      }
    });
}

// ---- extract ----

export function extractJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.extract'>): JobRunner<ExtractResult> {
  return (ctx) =>
    deps.pool.use(input.connectionId, async (client) => {
      const extract = deps.extract ?? extractToDirectory;
      await requireNewOrEmptyFolder(input.targetDir);
      const image = await client
        .withSegment(input.repository)
        .getImage(input.reference, { signal: ctx.signal, ...(input.platform ? { platform: input.platform } : {}) });
      const layers = image.layers;
      ctx.progress.addBlobs(dedupe(layers));
      // The extractor reports compressed bytes read overall; layers are read oldest first, one at a time.
      const report = (bytesRead: number) => {
        let left = bytesRead;
        for (const layer of dedupe(layers)) {
          const done = Math.min(layer.size, left);
          left -= done;
          ctx.progress.update(layer.digest, layer.size, done, done >= layer.size ? 'done' : done > 0 ? 'running' : 'pending');
        }
      };
      const result = await extract(image, input.targetDir, {
        signal: ctx.signal,
        onProgress: (p) => report(p.bytesRead),
        onResume: (e) => ctx.progress.noteResume(e),
      });
      const platform = platformOf(image);
      return {
        kind: 'extract',
        path: input.targetDir,
        digest: image.digest,
        ...(platform ? { platform } : {}),
        entries: result.files + result.directories + result.symlinks + result.hardlinks,
        bytesWritten: result.bytes,
        skipped: result.skipped.slice(0, 1000),
      };
    });
}
