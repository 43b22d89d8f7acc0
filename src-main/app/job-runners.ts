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
import {
  extractToDirectory, formatPlatform, formatReference, mirror, openLayout, parseReference, saveLayer, type Image, type Layer,
  type MirrorProgress,
} from '../registry/index';
import { inspectTarget, requireFolder, requireNewOrEmptyFolder, stageFolder, type StagedFolder } from '../registry/disk/index';
import type { ClientPool, Lease } from './clients';
import { AppFailure } from './errors';
import type { JobContext, JobRunner } from './jobs';
import type { BlobState } from './progress';

export type ExtractToDirectory = typeof extractToDirectory;

export interface RunnerDeps {
  pool: ClientPool;
  /** Layers saved at once. Default 3. */
  layerConcurrency?: number;
  /** Default: the library's extractToDirectory. */
  extract?: ExtractToDirectory;
}

async function withLease<T>(pool: ClientPool, id: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = await pool.acquire(id);
  try {
    return await fn(lease);
  } finally {
    lease.release();
  }
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

async function runLimited<T>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const local = new AbortController();
  const both = AbortSignal.any([signal, local.signal]);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        both.throwIfAborted();
        await fn(item, both);
      } catch (error) {
        if (!failure) {
          failure = { error };
          // The siblings stop their downloads and writes at once.
          local.abort(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw signal.aborted ? signal.reason : failure.error;
}

// ---- save layers ----

export function saveLayersJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.saveLayers'>): JobRunner<SaveLayersResult> {
  return (ctx) =>
    withLease(deps.pool, input.connectionId, async ({ client }) => {
      const repo = client.withSegment(input.repository);
      const image = await repo.getImage(input.reference, { signal: ctx.signal, ...(input.platform ? { platform: input.platform } : {}) });
      let layers = dedupe(image.layers);
      if (input.layers) {
        const byDigest = new Map(layers.map((l) => [l.digest, l]));
        layers = input.layers.map((digest) => {
          const layer = byDigest.get(digest);
          if (!layer) throw new AppFailure('not-found', `Layer ${digest} is not part of ${describeImage(repo.getRegistry(), input.reference)} (${image.digest})`);
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
      const files: SaveLayersResult['files'] = [];
      try {
        await runLimited(planned, deps.layerConcurrency ?? 3, ctx.signal, async ({ layer, path }, signal) => {
          ctx.progress.update(layer.digest, layer.size, 0, 'running');
          try {
            const saved = await saveLayer(layer, path, {
              decompress,
              signal,
              onProgress: (done) => ctx.progress.update(layer.digest, layer.size, done, 'running'),
            });
            files.push({ digest: layer.digest, path: saved.path, bytes: saved.bytes });
            ctx.progress.update(layer.digest, layer.size, layer.size, 'done');
          } catch (err) {
            ctx.progress.update(layer.digest, layer.size, 0, 'failed');
            throw err;
          }
        });
      } catch (err) {
        // All or nothing: the layers already saved by this job go too.
        await Promise.all(files.map((f) => rm(f.path, { force: true }).catch(() => undefined)));
        throw err;
      }
      const order = new Map(planned.map((p, i) => [p.layer.digest, i]));
      files.sort((a, b) => order.get(a.digest)! - order.get(b.digest)!);
      return { kind: 'saveLayers', digest: image.digest, files };
    });
}

function dedupe(layers: Layer[]): Layer[] {
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.digest) && !!seen.add(l.digest));
}

// ---- mirror and save as OCI layout (both copy through mirror()) ----

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
    withLease(deps.pool, input.source.connectionId, (src) =>
      withLease(deps.pool, input.target.connectionId, async (dst) => {
        const from = src.client.withSegment(input.source.repository);
        const to = dst.client.withSegment(input.target.repository);
        const result = await mirror(from, input.source.reference, to, targetTag, {
          signal: ctx.signal,
          onProgress: mirrorProgress(ctx),
          ...(input.platforms?.length ? { platforms: input.platforms } : {}),
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
    withLease(deps.pool, input.connectionId, async ({ client }) => {
      const from = client.withSegment(input.repository);
      const target = await layoutTarget(input.targetDir);
      try {
        const result = await mirror(from, input.reference, openLayout(target.path), tag, {
          signal: ctx.signal,
          onProgress: mirrorProgress(ctx),
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
    withLease(deps.pool, input.connectionId, async ({ client }) => {
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
