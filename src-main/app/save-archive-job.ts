/**
 * The save-as-archive job: saveReferenceArchive() of an image (or an index:
 * one platform as docker, whole or one platform as OCI) into one tar file,
 * with per-blob progress and resumed downloads noted; the result says the
 * command that loads the file. An existing file is not overwritten.
 */
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ParsedInputOf, SaveArchiveJobResult } from '../../src-shared/contract';
import { requireFolder } from '../registry/disk/index';
import { saveReferenceArchive } from '../registry/index';
import { AppFailure } from './errors';
import type { JobRunner } from './jobs';
import type { RunnerDeps } from './job-runners';

/** A path as one shell word: left as it is when it is plainly safe, else in single quotes. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** How to load the archive: `docker load` (or podman) for both formats; Docker 25+ and podman read OCI archives too. */
export function loadCommand(format: 'docker' | 'oci', path: string): string {
  return format === 'docker' ? `docker load -i ${shellWord(path)}` : `podman load -i ${shellWord(path)}`;
}

async function requireNewFile(path: string): Promise<void> {
  await requireFolder(dirname(path));
  const taken = await lstat(path).then(
    () => true,
    (err: unknown) => {
      if ((err as { code?: string }).code === 'ENOENT') return false;
      throw err;
    },
  );
  if (taken) throw new AppFailure('exists', `${path} already exists: choose another file name, or remove it first`, { path });
}

export function saveArchiveJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.saveArchive'>): JobRunner<SaveArchiveJobResult> {
  return (ctx) =>
    deps.pool.use(input.connectionId, async (client) => {
      await requireNewFile(input.file);
      const result = await saveReferenceArchive(client.withSegment(input.repository), input.reference, input.file, {
        format: input.format,
        signal: ctx.signal,
        ...(input.name ? { tag: input.name } : {}),
        ...(input.platform ? { platforms: [input.platform] } : {}),
        onProgress: (p) => {
          ctx.progress.setTotal(p.bytesTotal);
          ctx.progress.update(p.blob.digest, p.blob.size, p.blob.done, p.blob.done >= p.blob.size ? 'done' : 'running');
        },
        onResume: (e) => ctx.progress.noteResume(e),
      });
      return {
        kind: 'saveArchive',
        path: result.path,
        format: result.format,
        digest: result.digest,
        ...(result.tag ? { name: result.tag } : {}),
        images: result.images,
        bytesWritten: result.bytes,
        loadCommand: loadCommand(result.format, result.path),
      };
    });
}
