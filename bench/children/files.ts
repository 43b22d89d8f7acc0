/**
 * Lading's side of bench/files.ts. Each operation runs in a fresh process
 * (first call: no JIT warm-up, no file cache in memory), reading the image
 * from a registry (`--host --repo`) or an OCI layout (`--layout`):
 *
 *   --op index   listImageFiles() with an empty cache folder (`--cache`): every layer read, hashed, indexed
 *   --op reopen  listImageFiles() from the cache folder filled by `index`: first call, then a second one
 *   --op read    readImageFile() of `--path` (its layer only, up to the file), twice (the second finds the view
 *                in memory); then, for comparison, the whole of that layer: its blob read and verified, and its
 *                blob read, decompressed and parsed with every file hashed (what reading without stopping costs)
 *
 * The times reported are of the library calls alone (getImage() before them is not counted).
 */
import { performance } from 'node:perf_hooks';
import { createClient, FileIndexCache, listImageFiles, openLayout, readImageFile, type Image } from '../../src-main/registry/index';
import { indexLayer } from '../../src-main/registry/files/layer-index';
import { args, measure, need } from './report';

const a = args();
const op = need(a, 'op');

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

await measure(async () => {
  const client =
    a.layout !== undefined
      ? openLayout(a.layout)
      : createClient(need(a, 'host'), { insecure: true }).withSegment(...need(a, 'repo').split('/'));
  const image: Image = await client.getImage(need(a, 'tag'));
  const cache = new FileIndexCache(need(a, 'cache'));
  switch (op) {
    case 'index': {
      const started = performance.now();
      const files = await listImageFiles(image, { cache });
      return { opMs: performance.now() - started, entries: files.entries.length, wastedBytes: files.wastedBytes };
    }
    case 'reopen': {
      let started = performance.now();
      const files = await listImageFiles(image, { cache });
      const firstMs = performance.now() - started;
      // The entries are made when first read: what that costs, apart (a tree that shows the first rows need not pay it).
      started = performance.now();
      const entries = files.entries.length;
      const entriesMs = performance.now() - started;
      started = performance.now();
      await listImageFiles(image, { cache });
      return { opMs: firstMs, entriesMs, secondMs: performance.now() - started, entries };
    }
    case 'read': {
      const path = need(a, 'path');
      let started = performance.now();
      const bytes = await drain(await readImageFile(image, path, { cache }));
      const readMs = performance.now() - started;
      started = performance.now();
      await drain(await readImageFile(image, path, { cache }));
      const againMs = performance.now() - started;
      const files = await listImageFiles(image, { cache });
      const layer = image.layers[files.entries.find((e) => e.path === path)?.layer ?? -1];
      if (!layer) throw new Error(`${path} is in no layer`);
      started = performance.now();
      const layerBytes = await drain(await layer.open());
      const layerMs = performance.now() - started;
      started = performance.now();
      await indexLayer(layer);
      return { opMs: readMs, bytes, againMs, layerMs, layerBytes, layerParsedMs: performance.now() - started };
    }
    default:
      throw new Error(`unknown --op ${op}`);
  }
});
