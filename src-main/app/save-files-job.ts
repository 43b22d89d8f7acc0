/**
 * "Save file…" and "Save folder…": one file or one directory subtree of the
 * flattened image, written into a new (or empty) folder under its own name,
 * by extractToDirectory's `paths` with every rule of an extraction (nothing
 * outside the folder, devices skipped, nothing half-written left behind).
 */
import type { ParsedInputOf } from '../../src-shared/contract';
import type { SaveFilesResult } from '../../src-shared/files';
import { extractToDirectory } from '../registry/index';
import { requireNewOrEmptyFolder } from '../registry/disk/index';
import type { RunnerDeps } from './job-runners';
import type { JobRunner } from './jobs';
import { layerByteProgress } from './layer-progress';

export function saveFilesJob(deps: RunnerDeps, input: ParsedInputOf<'jobs.saveFiles'>): JobRunner<SaveFilesResult> {
  return (ctx) =>
    deps.pool.use(input.connectionId, async (client) => {
      const extract = deps.extract ?? extractToDirectory;
      await requireNewOrEmptyFolder(input.targetDir);
      const image = await client
        .withSegment(input.repository)
        .getImage(input.reference, { signal: ctx.signal, ...(input.platform ? { platform: input.platform } : {}) });
      const report = layerByteProgress(ctx.progress, image.layers);
      const result = await extract(image, input.targetDir, {
        signal: ctx.signal,
        paths: [input.path],
        onProgress: (p) => report(p.bytesRead),
      });
      return {
        kind: 'saveFiles',
        path: input.targetDir,
        imagePath: input.path,
        savedAs: input.path.slice(input.path.lastIndexOf('/') + 1),
        digest: image.digest,
        entries: result.files + result.directories + result.symlinks + result.hardlinks,
        bytesWritten: result.bytes,
        skipped: result.skipped.slice(0, 1000),
      };
    });
}
