/**
 * The job that reads images' layers into the file index: the Files tab runs
 * it for an image the cache does not know yet (progress per layer, Cancel),
 * the Compare tab for two. Layers are read one after another, each once;
 * a second image's layers that the first shares come from the cache. The
 * listing (or the diff) is kept for the tab to read (files.ts).
 */
import type { IndexFilesResult } from '../../src-shared/files';
import type { ParsedInputOf } from '../../src-shared/contract';
import { diffImages, listImageFiles } from '../registry/index';
import type { FilesService } from './files';
import type { JobRunner } from './jobs';
import { distinctLayers, layerByteProgress } from './layer-progress';

/** What a job indexes, as a key: asking again while it runs joins it. */
export function indexKey(input: ParsedInputOf<'jobs.indexFiles'>): string {
  return JSON.stringify(input.images.map((i) => [i.connectionId, i.repository, i.reference, i.platform ?? '']));
}

export function indexFilesJob(files: FilesService, input: ParsedInputOf<'jobs.indexFiles'>): JobRunner<IndexFilesResult> {
  return (ctx) =>
    files.withImages(input.images, ctx.signal, async (images) => {
      ctx.progress.addBlobs(distinctLayers(images.flatMap((image) => image.layers)));
      const listed: IndexFilesResult['images'] = [];
      for (const image of images) {
        const report = layerByteProgress(ctx.progress, image.layers);
        const result = await listImageFiles(image, { cache: files.cache, signal: ctx.signal, onProgress: (p) => report(p.bytesDone) });
        if (images.length === 1) files.keepListing(image, result);
        listed.push({ digest: image.digest, entries: result.entries.length });
      }
      const [a, b] = images;
      if (a && b) files.keepDiff(a, b, await diffImages(a, b, { cache: files.cache, signal: ctx.signal }));
      return { kind: 'indexFiles', images: listed };
    });
}
