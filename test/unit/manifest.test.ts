import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DigestMismatchError, InvalidManifestError, mediaTypes } from '../../src-main/registry/index';
import { MAX_MANIFEST_BYTES, parseManifest } from '../../src-main/registry/manifest';
import { readBounded } from '../../src-main/registry/verify';

const sha = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const d = (n: number, mediaType: string) => ({ mediaType, size: n, digest: `sha256:${String(n).padStart(64, '0')}` });

const imageDoc = {
  schemaVersion: 2,
  config: d(1, mediaTypes.OCI_CONFIG),
  layers: [d(2, 'application/vnd.oci.image.layer.v1.tar+gzip')],
};
const indexDoc = {
  schemaVersion: 2,
  manifests: [{ ...d(3, mediaTypes.OCI_MANIFEST), platform: { os: 'linux', architecture: 'amd64' } }],
};
const bytes = (doc: unknown) => new Uint8Array(Buffer.from(JSON.stringify(doc)));
const parse = (doc: unknown, contentType?: string, more: { expectedDigest?: string } = {}) =>
  parseManifest({
    bytes: typeof doc === 'string' ? new Uint8Array(Buffer.from(doc)) : bytes(doc),
    contentType,
    subject: 'reg/app:v1',
    ...more,
  });

describe('media type', () => {
  it('comes from Content-Type with parameters and case stripped', () => {
    const r = parse(imageDoc, 'Application/VND.OCI.Image.Manifest.v1+JSON; charset=utf-8');
    expect(r.mediaType).toBe(mediaTypes.OCI_MANIFEST);
    expect(r.descriptor.mediaType).toBe(mediaTypes.OCI_MANIFEST);
    expect(parse(imageDoc, ' application/vnd.docker.distribution.manifest.v2+json ;q=1').mediaType).toBe(mediaTypes.DOCKER_MANIFEST);
    expect(parse(indexDoc, 'application/vnd.docker.distribution.manifest.list.v2+json; charset=UTF-8').mediaType).toBe(
      mediaTypes.DOCKER_MANIFEST_LIST,
    );
  });

  it("falls back to the body's mediaType when Content-Type is generic or missing", () => {
    for (const ct of ['application/json', 'text/plain; charset=utf-8', 'application/octet-stream', undefined]) {
      expect(parse({ ...imageDoc, mediaType: mediaTypes.DOCKER_MANIFEST }, ct).mediaType).toBe(mediaTypes.DOCKER_MANIFEST);
      expect(parse({ ...indexDoc, mediaType: mediaTypes.OCI_INDEX }, ct).mediaType).toBe(mediaTypes.OCI_INDEX);
    }
  });

  it("reads the body's mediaType without regard to case or parameters", () => {
    expect(parse({ ...imageDoc, mediaType: 'Application/vnd.oci.image.manifest.v1+json; x=y' }, 'application/json').mediaType).toBe(
      mediaTypes.OCI_MANIFEST,
    );
  });

  it('infers the type from the shape when neither names one', () => {
    expect(parse(imageDoc, 'application/json').mediaType).toBe(mediaTypes.OCI_MANIFEST);
    expect(parse(indexDoc, undefined).mediaType).toBe(mediaTypes.OCI_INDEX);
  });

  it('tells an index from an image manifest', () => {
    const index = parse(indexDoc, mediaTypes.OCI_INDEX);
    expect(index.isIndex()).toBe(true);
    expect(index.getIndexManifest().manifests[0]?.platform?.architecture).toBe('amd64');
    expect(() => index.getManifest()).toThrow(InvalidManifestError);
    const image = parse(imageDoc, mediaTypes.OCI_MANIFEST);
    expect(image.isIndex()).toBe(false);
    expect(image.getManifest().layers).toHaveLength(1);
    expect(() => image.getIndexManifest()).toThrow(InvalidManifestError);
  });

  it('refuses a body whose mediaType is not a manifest type', () => {
    expect(() => parse({ ...imageDoc, mediaType: 'application/vnd.oci.image.config.v1+json' }, 'application/json')).toThrow(
      /not an image manifest or index/,
    );
  });

  it('refuses a document that is neither', () => {
    expect(() => parse({ schemaVersion: 2, hello: 'world' }, 'application/json')).toThrow(InvalidManifestError);
  });
});

describe('schema 1', () => {
  const schema1 = { schemaVersion: 1, name: 'app', tag: 'v1', architecture: 'amd64', fsLayers: [], history: [] };

  it('is refused with a clear message, whatever says so', () => {
    for (const [doc, ct] of [
      [schema1, 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
      [schema1, 'application/json'],
      [{ ...imageDoc, schemaVersion: 2 }, 'application/vnd.docker.distribution.manifest.v1+json'],
      [{ ...imageDoc, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, undefined],
    ] as const) {
      const err = (() => {
        try {
          parse(doc, ct);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(InvalidManifestError);
      expect((err as Error).message).toMatch(/schema 1.*not supported/);
      expect((err as Error).message).toMatch(/push the image again/);
    }
  });

  it('other schema versions are refused too', () => {
    expect(() => parse({ ...imageDoc, schemaVersion: 3 }, mediaTypes.OCI_MANIFEST)).toThrow(/schemaVersion 3/);
    expect(() => parse({ ...imageDoc, schemaVersion: undefined }, mediaTypes.OCI_MANIFEST)).toThrow(InvalidManifestError);
  });
});

describe('structure', () => {
  it.each([
    ['a config without digest', { ...imageDoc, config: { mediaType: 'x', size: 1 } }],
    ['a layer with a negative size', { ...imageDoc, layers: [{ ...d(2, 'x'), size: -1 }] }],
    ['a layer with a fractional size', { ...imageDoc, layers: [{ ...d(2, 'x'), size: 1.5 }] }],
    ['a layer without mediaType', { ...imageDoc, layers: [{ size: 1, digest: d(2, 'x').digest }] }],
    ['layers that are not a list', { ...imageDoc, layers: {} }],
    ['a null layer', { ...imageDoc, layers: [null] }],
    ['a digest with spaces', { ...imageDoc, config: { ...imageDoc.config, digest: 'sha256: x' } }],
  ])('refuses an image manifest with %s', (_what, doc) => {
    expect(() => parse(doc, mediaTypes.OCI_MANIFEST)).toThrow(InvalidManifestError);
  });

  it('refuses an index without a manifests list', () => {
    expect(() => parse({ schemaVersion: 2, mediaType: mediaTypes.OCI_INDEX }, undefined)).toThrow(/no "manifests"/);
  });
});

describe('malformed JSON', () => {
  it.each([
    ['truncated', '{"schemaVersion": 2, "config": '],
    ['not JSON', '<html>502 Bad Gateway</html>'],
    ['empty', ''],
  ])('is an InvalidManifestError when %s', (_what, text) => {
    expect(() => parse(text, mediaTypes.OCI_MANIFEST)).toThrow(InvalidManifestError);
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['a number', '2'],
  ])('is an InvalidManifestError for %s', (_what, text) => {
    expect(() => parse(text, mediaTypes.OCI_MANIFEST)).toThrow(/not a JSON object/);
  });
});

describe('digest', () => {
  it('is computed from the exact bytes', () => {
    const text = `  ${JSON.stringify(imageDoc)}\n`;
    const r = parse(text, mediaTypes.OCI_MANIFEST);
    expect(r.descriptor.digest).toBe(sha(text));
    expect(r.descriptor.size).toBe(Buffer.byteLength(text));
    expect(Buffer.from(r.raw).toString()).toBe(text);
  });

  it('must match a digest reference', () => {
    const text = JSON.stringify(imageDoc);
    expect(parse(text, mediaTypes.OCI_MANIFEST, { expectedDigest: sha(text) }).descriptor.digest).toBe(sha(text));
    const wrong = `sha256:${'0'.repeat(64)}`;
    let err: unknown;
    try {
      parse(text, mediaTypes.OCI_MANIFEST, { expectedDigest: wrong });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as DigestMismatchError).expected).toBe(wrong);
    expect((err as DigestMismatchError).actual).toBe(sha(text));
  });

  it('is checked with sha512 when the reference is sha512', () => {
    const text = JSON.stringify(imageDoc);
    const sha512 = `sha512:${createHash('sha512').update(text).digest('hex')}`;
    expect(parse(text, mediaTypes.OCI_MANIFEST, { expectedDigest: sha512 }).descriptor.digest).toBe(sha512);
  });

  it('carries the platform and annotations it was picked with', () => {
    const r = parseManifest({
      bytes: bytes(imageDoc),
      contentType: mediaTypes.OCI_MANIFEST,
      subject: 's',
      platform: { os: 'linux', architecture: 'arm64' },
      annotations: { a: 'b' },
    });
    expect(r.descriptor.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(r.descriptor.annotations).toEqual({ a: 'b' });
  });
});

describe('4 MiB cap', () => {
  it('is 4 MiB', () => {
    expect(MAX_MANIFEST_BYTES).toBe(4 * 1024 * 1024);
  });

  it('parseManifest refuses more', () => {
    const big = new Uint8Array(MAX_MANIFEST_BYTES + 1).fill(0x20);
    expect(() => parseManifest({ bytes: big, subject: 's' })).toThrow(/larger than 4 MiB/);
  });

  function source(chunks: number, chunkSize: number) {
    let produced = 0;
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < chunks; i++) {
          produced++;
          yield Buffer.alloc(chunkSize, 0x20);
        }
      })(),
      { objectMode: false },
    );
    return { stream, produced: () => produced };
  }

  it('readBounded refuses by Content-Length without reading', async () => {
    const { stream, produced } = source(80, 64 * 1024);
    const err = new InvalidManifestError('too big');
    await expect(readBounded(stream, MAX_MANIFEST_BYTES, String(5 * 1024 * 1024), () => err)).rejects.toBe(err);
    expect(produced()).toBe(0);
    expect(stream.destroyed).toBe(true);
  });

  it('readBounded stops just past the cap without Content-Length', async () => {
    const { stream, produced } = source(160, 64 * 1024); // 10 MiB available
    await expect(readBounded(stream, MAX_MANIFEST_BYTES, undefined, () => new InvalidManifestError('too big'))).rejects.toThrow('too big');
    expect(produced()).toBeLessThanOrEqual(66);
    expect(stream.destroyed).toBe(true);
  });

  it('readBounded reads up to the cap exactly', async () => {
    const { stream } = source(64, 64 * 1024);
    expect((await readBounded(stream, MAX_MANIFEST_BYTES, undefined, () => new Error('x'))).length).toBe(MAX_MANIFEST_BYTES);
  });
});
