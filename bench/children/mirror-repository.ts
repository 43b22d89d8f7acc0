/** Lading's side of bench/mirror-repository.ts: mirrorRepository(source, target), every tag. */
import { createClient, mirrorRepository } from '../../src-main/registry/index';
import { args, measure, need } from './report';

const a = args();

await measure(async () => {
  const source = createClient(need(a, 'src-host'), { insecure: true }).withSegment(...need(a, 'src-repo').split('/'));
  const target = createClient(need(a, 'dst-host'), { insecure: true }).withSegment(...need(a, 'dst-repo').split('/'));
  const result = await mirrorRepository(source, target);
  if (result.failed.length > 0) throw result.failed[0]!.error;
  return { copied: result.copied.length, skipped: result.skipped.length, uploaded: result.blobs.uploaded };
});
