/**
 * Not Lading: the same reads with undici, a sha256 Transform and files, and
 * nothing else. The floor of what a Node process pays for this work.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { args, measure, need } from './report';

const a = args();
const concurrency = Number(a.concurrency ?? 4);

await measure(async () => {
  const dispatcher = new Agent({ connections: 16 });
  const base = `http://${need(a, 'host')}/v2/${need(a, 'repo')}`;
  const accept = 'application/vnd.oci.image.manifest.v1+json';
  const res = await request(`${base}/manifests/${need(a, 'tag')}`, { dispatcher, headers: { accept } });
  const manifest = (await res.body.json()) as { config: { digest: string }; layers: { digest: string }[] };
  const digests = [manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let d = digests[next++]; d !== undefined; d = digests[next++]) {
      const r = await request(`${base}/blobs/${d}`, { dispatcher });
      const hash = createHash('sha256');
      const verify = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
        flush(cb) {
          cb(`sha256:${hash.digest('hex')}` === d ? null : new Error(`digest mismatch ${d}`));
        },
      });
      await pipeline(r.body, verify, createWriteStream(join(need(a, 'dest'), d.replace(':', '-'))));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, digests.length) }, worker));
  await dispatcher.close();
});
