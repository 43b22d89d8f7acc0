/**
 * Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...), the
 * format `skopeo copy oci:DIR:TAG` reads. Blobs are content-addressed, so
 * writing the same blob twice is harmless.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest } from './digest.js';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** The annotation skopeo matches `oci:DIR:TAG` against. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export class OciLayoutWriter {
  private readonly refs: Descriptor[] = [];

  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OciLayoutWriter> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    return new OciLayoutWriter(dir);
  }

  /** Stores bytes as a blob and returns its descriptor. */
  async writeBlob(mediaType: string, bytes: Uint8Array): Promise<Descriptor> {
    const digest = sha256Digest(bytes);
    await writeFile(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /**
   * Serialises a JSON document once and stores exactly those bytes, so the
   * digest in the descriptor is the digest of what a registry will serve.
   */
  async writeJson(mediaType: string, doc: unknown): Promise<{ descriptor: Descriptor; bytes: Buffer }> {
    const bytes = Buffer.from(JSON.stringify(doc));
    return { descriptor: await this.writeBlob(mediaType, bytes), bytes };
  }

  /** Names a manifest or index in index.json under `tag`. */
  addRef(tag: string, descriptor: Descriptor): void {
    this.refs.push({ ...descriptor, annotations: { ...descriptor.annotations, [REF_NAME_ANNOTATION]: tag } });
  }

  async finish(): Promise<void> {
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: this.refs };
    await writeFile(join(this.dir, 'index.json'), JSON.stringify(index));
  }
}
