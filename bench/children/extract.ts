/**
 * Lading's side of bench/extract.ts: extractToDirectory() of the image, read
 * from a registry (`--host --repo`) or from an OCI layout (`--layout`).
 */
import { createClient, extractToDirectory, openLayout } from '../../src-main/registry/index';
import { args, measure, need } from './report';

const a = args();

await measure(async () => {
  const client =
    a.layout !== undefined
      ? openLayout(a.layout)
      : createClient(need(a, 'host'), { insecure: true }).withSegment(...need(a, 'repo').split('/'));
  const image = await client.getImage(need(a, 'tag'));
  const result = await extractToDirectory(image, need(a, 'dest'));
  return { skipped: result.skipped.length, counts: { ...result, skipped: undefined } };
});
