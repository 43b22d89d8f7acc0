/** Lading's side of bench/mirror.ts: mirror(source, tag, target, tag). */
import { createClient, mirror } from '../../src-main/registry/index';
import { args, measure, need } from './report';

const a = args();

await measure(async () => {
  const source = createClient(need(a, 'src-host'), { insecure: true }).withSegment(...need(a, 'src-repo').split('/'));
  const target = createClient(need(a, 'dst-host'), { insecure: true }).withSegment(...need(a, 'dst-repo').split('/'));
  const result = await mirror(source, need(a, 'tag'), target, need(a, 'tag'));
  return {
    digest: result.digest,
    copied: result.copied.length,
    mounted: result.mounted.length,
    skipped: result.skipped.length,
    bytesCopied: result.bytesCopied,
  };
});
