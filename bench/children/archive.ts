/** Lading's side of bench/archive.ts: saveArchive(image, file, {format: docker}). */
import { createClient, saveArchive } from '../../src-main/registry/index';
import { args, measure, need } from './report';

const a = args();

await measure(async () => {
  const client = createClient(need(a, 'host'), { insecure: true }).withSegment(...need(a, 'repo').split('/'));
  const image = await client.getImage(need(a, 'tag'));
  const result = await saveArchive(image, need(a, 'file'), { format: 'docker', tag: `${need(a, 'repo')}:${need(a, 'tag')}` });
  return { bytes: result.bytes, blobs: result.blobs };
});
