/**
 * Lading's side of bench/layers.ts: one pass over every layer of the image in
 * an OCI layout, oldest first, as one of
 * - `stream`: Image.extract(), the flattened tar stream, read to its end;
 * - `save`: saveLayer(..., {decompress: true}) of each layer to `--dest`;
 * - `list`: readLayerEntries() of each layer, headers only (what a file index reads).
 */
import { join } from 'node:path';
import { openLayout, saveLayer } from '../../src-main/registry/index';
import { readLayerEntries } from '../../src-main/registry/extract/layer-entries';
import { args, measure, need } from './report';

const a = args();

await measure(async () => {
  const image = await openLayout(need(a, 'layout')).getImage(need(a, 'tag'));
  switch (need(a, 'op')) {
    case 'stream': {
      let bytes = 0;
      for await (const chunk of image.extract()) bytes += (chunk as Buffer).length;
      return { bytes };
    }
    case 'save': {
      let bytes = 0;
      for (const layer of image.layers) {
        bytes += (await saveLayer(layer, join(need(a, 'dest'), `${layer.digest.slice('sha256:'.length)}.tar`), { decompress: true })).bytes;
      }
      return { bytes };
    }
    case 'list': {
      let entries = 0;
      for (const layer of image.layers) {
        for await (const entry of readLayerEntries(layer)) {
          if (entry.header.name) entries++;
        }
      }
      return { entries };
    }
    default:
      throw new Error(`unknown --op ${a.op}`);
  }
});
