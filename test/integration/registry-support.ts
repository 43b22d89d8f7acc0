/**
 * Small helpers shared by the read-path and write-path integration tests
 * (read, auth, pagination, errors, push-mirror, save-layer): clients that are
 * closed after the file, a logger that records what the client says, a
 * "settles within N ms" guard for no-hang checks, stream hashing, counts of
 * what is read from each layer, and the paths of blobs in distribution's
 * filesystem storage.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createClient, type Client, type ClientOptions, type Image, type Logger } from '../../src-main/registry/index';
import { buildImageLayout, pushLayout, type BuiltImageLayout } from '../harness/images.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';

/** Every line the client logged, with its fields, as one string each. */
export interface RecordingLogger extends Logger {
  lines: string[];
  /** The URL of every request the transport logged (method and status stripped). */
  urls: string[];
  /** `METHOD URL` of every request the transport logged. */
  requests: string[];
  clear(): void;
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const urls: string[] = [];
  const requests: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    if (fields && typeof fields.url === 'string') {
      urls.push(fields.url);
      requests.push(`${String(fields.method)} ${fields.url}`);
    }
  };
  return {
    lines,
    urls,
    requests,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    clear() {
      lines.length = 0;
      urls.length = 0;
      requests.length = 0;
    },
  };
}

/** Creates plain-HTTP clients and closes them all at the end of a file. */
export class ClientPool {
  private readonly clients: Client[] = [];

  open(host: string, options: ClientOptions = {}): Client {
    const client = createClient(host, { insecure: true, ...options });
    this.clients.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close().catch(() => undefined)));
  }
}

export class DidNotSettle extends Error {
  override name = 'DidNotSettle';
}

/** The promise's outcome, or a DidNotSettle rejection once `ms` have passed (the no-hang guard). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DidNotSettle(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The error `promise` rejects with, asserting it rejects (not resolves) within
 * `ms`. A hang fails as DidNotSettle, a success as a plain Error.
 */
export async function rejectionWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let settled: { ok: true } | { ok: false; error: unknown };
  try {
    await within(promise, ms);
    settled = { ok: true };
  } catch (error) {
    if (error instanceof DidNotSettle) throw error;
    settled = { ok: false, error };
  }
  if (settled.ok) throw new Error('expected a rejection, but the call succeeded');
  return settled.error;
}

export async function sha256OfStream(stream: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** How often each layer of an image was opened, and how many stored bytes were read from it. */
export interface LayerReads {
  opens: number[];
  bytes: number[];
}

/**
 * Counts each layer's open() calls and the bytes read from them. The layers
 * are wrapped in place: Image.extract() reads the image object it was made
 * with, so a copy would not be seen.
 */
export function probeLayers(image: Image): LayerReads {
  const reads: LayerReads = { opens: image.layers.map(() => 0), bytes: image.layers.map(() => 0) };
  image.layers.forEach((layer, i) => {
    const open = layer.open.bind(layer);
    layer.open = async (opts) => {
      reads.opens[i] = (reads.opens[i] ?? 0) + 1;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          reads.bytes[i] = (reads.bytes[i] ?? 0) + chunk.length;
          callback(null, chunk);
        },
      });
      // pipeline: the source's errors (a wrong digest) reach the reader, and destroying the counter closes the source.
      pipeline(await open(opts), counter, () => undefined);
      return counter;
    };
  });
  return reads;
}

/** A whole stream, in memory (small test files only). */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `newFolder(name)`: a new folder `NN-name` under `root()`, numbered in the order of the calls. */
export function numberedFolders(root: () => string): (name: string) => Promise<string> {
  let count = 0;
  return async (name) => {
    const dir = join(root(), `${String(++count).padStart(2, '0')}-${name}`);
    await mkdir(dir);
    return dir;
  };
}

/** A repository name no other test (or run) uses: `lading-it/<what>-<random>`. */
export function uniqueRepository(what: string): string {
  return `lading-it/${what}-${randomBytes(4).toString('hex')}`;
}

/** Where distribution's filesystem driver keeps a blob's bytes. */
export function blobDataPath(storageRoot: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return join(storageRoot, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

/** Where distribution keeps a repository's metadata (links to blobs, tags, revisions). */
export function repositoryStoragePath(storageRoot: string, repository: string): string {
  return join(storageRoot, 'docker', 'registry', 'v2', 'repositories', ...repository.split('/'));
}

/**
 * Builds an image whose layers are random (incompressible, and shared with no
 * other image, so a test may corrupt its blobs in storage) and pushes it with
 * skopeo to `host/repository:tag`. The layout goes under `workDir`.
 */
export async function pushRandomImage(
  workDir: string,
  host: string,
  repository: string,
  layerBytes: number[],
  tag = 'v1',
): Promise<BuiltImageLayout> {
  const layout = await buildImageLayout(
    join(workDir, 'it-layouts', repository.replaceAll('/', '_')),
    {
      architecture: 'amd64',
      os: 'linux',
      env: [`LADING_RANDOM_IMAGE=${repository}`],
      layers: layerBytes.map((size, i) => ({
        createdBy: `COPY blob-${i}.bin /`,
        entries: [{ path: `blob-${i}.bin`, type: 'file' as const, content: randomBytes(size) }],
      })),
    },
    tag,
  );
  await pushLayout(layout, `${host}/${repository}:${tag}`);
  return layout;
}

/** An anonymous registry over a storage root of its own, and that root. */
export interface IsolatedRegistry {
  registry: RunningRegistry;
  storageRoot: string;
}

/**
 * Starts an anonymous registry whose storage (under `workDir`) nothing else
 * shares. Tests that write (push, corrupt blobs) use one, so the shared
 * registries keep exactly the fixtures other test files compare against.
 */
export async function startIsolatedRegistry(workDir: string, name: string): Promise<IsolatedRegistry> {
  const storageRoot = join(workDir, `${name}-storage`);
  return { registry: await startRegistry({ auth: 'none', rootDirectory: storageRoot }), storageRoot };
}
