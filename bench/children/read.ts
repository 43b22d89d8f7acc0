/**
 * Lading's side of bench/read.ts: every blob of the image (config + layers)
 * to a file, each through its digest- and length-verified stream, a few at a
 * time, as a client saving an image would.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createClient, type Descriptor } from '../../src-main/registry/index';
import { args, measure, need } from './report';

const a = args();
const concurrency = Number(a.concurrency ?? 4);

await measure(async () => {
  const client = createClient(need(a, 'host'), { insecure: true }).withSegment(...need(a, 'repo').split('/'));
  const image = await client.getImage(need(a, 'tag'));
  const jobs: { descriptor: Descriptor; open: () => Promise<NodeJS.ReadableStream> }[] = [
    { descriptor: image.configDescriptor, open: () => image.openBlob(image.configDescriptor) },
    ...image.layers.map((layer) => ({ descriptor: layer as Descriptor, open: () => layer.open() })),
  ];
  let next = 0;
  let bytes = 0;
  const worker = async (): Promise<void> => {
    for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
      const file = join(need(a, 'dest'), job.descriptor.digest.replace(':', '-'));
      await pipeline(await job.open(), createWriteStream(file));
      bytes += job.descriptor.size;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return { blobs: jobs.length, bytes };
});
