/**
 * Image.extract() works on any Image, however the module that made it was
 * reached: this file imports image.ts alone, never the package's index (which
 * once had to run first to wire extract() up). The blobs come from memory; the
 * tar code is the real one, and it starts on the stream's first read only.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { createImage, type BlobSource } from '../../src-main/registry/image';
import { parseManifest } from '../../src-main/registry/manifest';
import type { Descriptor } from '../../src-main/registry/types';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function namesIn(stream: Readable): Promise<Record<string, string>> {
  const extract = tar.extract();
  const out: Record<string, string> = {};
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c) => chunks.push(c as Buffer));
      body.on('end', () => {
        if (header.type === 'file') out[header.name] = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return out;
}

/** A one-layer image whose blobs are served from memory, counting how often one is opened. */
async function memoryImage() {
  const layer = gzipSync(await tarOf({ 'etc/hello.txt': 'hello\n', 'bin/app': '#!/bin/sh\n' }));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const blobs = new Map([
    [sha256(layer), layer],
    [sha256(config), config],
  ]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const source = {
    name: 'memory/app',
    opened: 0,
    async openBlob(d: Descriptor) {
      source.opened++;
      return Readable.from([blobs.get(d.digest)!]);
    },
  } satisfies BlobSource & { opened: number };
  const image = createImage(
    source,
    parseManifest({ bytes: manifest, contentType: 'application/vnd.oci.image.manifest.v1+json', subject: 'memory/app:v1' }),
  );
  return { image, source };
}

describe('Image.extract()', () => {
  it('works without the package index having been imported', async () => {
    const { image } = await memoryImage();
    expect(await namesIn(image.extract())).toEqual({ 'etc/hello.txt': 'hello\n', 'bin/app': '#!/bin/sh\n' });
  });

  it('opens no layer until the stream is read, and none at all when it is destroyed unread', async () => {
    const { image, source } = await memoryImage();
    const unread = image.extract();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.opened).toBe(0);
    unread.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.opened).toBe(0);

    await namesIn(image.extract());
    expect(source.opened).toBe(1);
  });
});
