/**
 * The benchmark image: about 350 MB of gzip layers (5 of them) made from
 * directories on this machine, as an OCI image layout, built once and cached
 * under `.bench-cache/` (git-ignored).
 *
 * The files come from a walk of /usr/lib, /usr/share, ... in byte order (so a
 * machine builds the same image every time). Each layer is GNU tar reading
 * the walk's paths (`-T -`), gzipped at level 6 (what docker's Go gzip uses by
 * default); a layer ends once its compressed size reaches its share of the
 * total, and the next layer continues the walk. Layers are of uneven sizes,
 * as real images' are, and hold a mix of large binaries and small files.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { OciLayoutWriter } from '../../test/harness/oci-layout.js';
import { requireTool } from '../../test/harness/tools.js';
import { cacheDir } from './paths.js';

export const BENCH_TAG = 'bench';
const MiB = 1024 * 1024;
/** Compressed total, and each layer's share of it (oldest first). */
const TOTAL_BYTES = 350 * MiB;
const LAYER_SHARES = [0.31, 0.26, 0.2, 0.14, 0.09];
/**
 * Where the files come from: layers take turns between two walks, one of
 * many small files (like a base system) and one of large binaries (like an
 * application); a layer whose walk is used up continues from the other.
 */
const WALKS = [
  ['/usr/share', '/usr/include', '/usr/libexec'],
  ['/usr/lib', '/usr/bin', '/usr/sbin'],
];
/** How far (uncompressed bytes) the path list may run ahead of what tar has written. */
const MAX_LAG = 8 * MiB;
const CACHE_NAME = 'image-350m-5l-v2';
const CREATED = '2024-01-01T00:00:00Z';

export interface BenchBlob {
  digest: string;
  size: number;
  mediaType: string;
}

export interface BenchLayer extends BenchBlob {
  diffId: string;
  uncompressedSize: number;
  /** First and last path of the walk that went into it. */
  from: string;
  to: string;
}

export interface BenchImage {
  /** The OCI image layout, tagged BENCH_TAG. */
  layoutDir: string;
  tag: string;
  manifest: BenchBlob;
  config: BenchBlob;
  layers: BenchLayer[];
  /** config + layers */
  blobs: BenchBlob[];
  /** Sum of config and layer sizes. */
  totalBytes: number;
  uncompressedBytes: number;
}

type Marker = Omit<BenchImage, 'layoutDir' | 'blobs'>;

function blobPath(layoutDir: string, digest: string): string {
  return join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

function withDerived(layoutDir: string, marker: Marker): BenchImage {
  const blobs = [marker.config, ...marker.layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType }))];
  return { ...marker, layoutDir, blobs };
}

/** The cached image, built first if it is missing or incomplete. */
export async function benchImage(log: (line: string) => void = console.log): Promise<BenchImage> {
  const layoutDir = join(cacheDir, CACHE_NAME);
  const cached = await readCached(layoutDir);
  if (cached) return cached;
  await mkdir(cacheDir, { recursive: true });
  await rm(layoutDir, { recursive: true, force: true });
  const building = await mkdtemp(join(cacheDir, `${CACHE_NAME}.building-`));
  try {
    const started = Date.now();
    log(`building the benchmark image (once; cached in ${layoutDir}) ...`);
    const marker = await build(building, log);
    await writeFile(join(building, 'bench-image.json'), `${JSON.stringify(marker, null, 2)}\n`);
    await rename(building, layoutDir);
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return withDerived(layoutDir, marker);
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    throw err;
  }
}

async function readCached(layoutDir: string): Promise<BenchImage | undefined> {
  let marker: Marker;
  try {
    marker = JSON.parse(await readFile(join(layoutDir, 'bench-image.json'), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
  const image = withDerived(layoutDir, marker);
  for (const blob of [image.manifest, ...image.blobs]) {
    try {
      if ((await stat(blobPath(layoutDir, blob.digest))).size !== blob.size) return undefined;
    } catch {
      return undefined;
    }
  }
  return image;
}

async function build(layoutDir: string, log: (line: string) => void): Promise<Marker> {
  const layout = await OciLayoutWriter.create(layoutDir);
  const walks = WALKS.map((roots) => new Walk(roots));
  const layers: BenchLayer[] = [];
  let done = 0;
  for (let i = 0; i < LAYER_SHARES.length; i++) {
    const share = LAYER_SHARES[i] ?? 0;
    // The last layer takes up what the others' overshoot left.
    const target = i === LAYER_SHARES.length - 1 ? TOTAL_BYTES - done : Math.round(TOTAL_BYTES * share);
    const order = [walks[i % walks.length], ...walks].filter((w): w is Walk => w !== undefined);
    const layer = await buildLayer(order, target, layoutDir);
    if (layer === undefined) throw new Error(`not enough files under ${WALKS.flat().join(', ')} for a ${TOTAL_BYTES / MiB} MB image`);
    layers.push(layer);
    done += layer.size;
    log(`  layer ${i + 1}: ${mb(layer.size)} MB gzip (${mb(layer.uncompressedSize)} MB tar), ${layer.from} .. ${layer.to}`);
  }
  const configDoc = {
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((l, i) => ({ created: CREATED, created_by: `bench layer ${i + 1}: ${l.from} .. ${l.to}` })),
  };
  const config = await layout.writeJson('application/vnd.oci.image.config.v1+json', configDoc);
  const manifestDoc = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: config.descriptor,
    layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
  };
  const manifest = await layout.writeJson('application/vnd.oci.image.manifest.v1+json', manifestDoc);
  layout.addRef(BENCH_TAG, manifest.descriptor);
  await layout.finish();
  return {
    tag: BENCH_TAG,
    manifest: manifest.descriptor,
    config: config.descriptor,
    layers,
    totalBytes: config.descriptor.size + layers.reduce((n, l) => n + l.size, 0),
    uncompressedBytes: layers.reduce((n, l) => n + l.uncompressedSize, 0),
  };
}

export function mb(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

interface WalkEntry {
  /** Relative to /, e.g. usr/lib/x */
  rel: string;
  kind: 'dir' | 'file' | 'symlink';
  size: number;
  /** dev:ino of a file with more than one link (tar stores the later ones as links). */
  inode?: string;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A depth-first walk in byte order; directories before their contents. */
class Walk {
  private readonly stack: string[];
  private readonly returned: WalkEntry[] = [];

  constructor(roots: string[]) {
    this.stack = roots.map((r) => r.replace(/^\/+/, '')).reverse();
  }

  /** Gives an entry back: next() returns it again. */
  unshift(entry: WalkEntry): void {
    this.returned.push(entry);
  }

  async next(): Promise<WalkEntry | undefined> {
    const back = this.returned.pop();
    if (back !== undefined) return back;
    for (;;) {
      const rel = this.stack.pop();
      if (rel === undefined) return undefined;
      let info;
      try {
        info = await lstat(`/${rel}`);
      } catch {
        continue;
      }
      if (info.isDirectory()) {
        let names: string[];
        try {
          names = await readdir(`/${rel}`);
        } catch {
          continue;
        }
        names.sort(byteOrder);
        for (let i = names.length - 1; i >= 0; i--) this.stack.push(`${rel}/${names[i]}`);
        return { rel, kind: 'dir', size: 0 };
      }
      if (info.isSymbolicLink()) return { rel, kind: 'symlink', size: 0 };
      if (info.isFile()) {
        return { rel, kind: 'file', size: info.size, ...(info.nlink > 1 ? { inode: `${info.dev}:${info.ino}` } : {}) };
      }
      // sockets, FIFOs, devices: not image material
    }
  }
}

/** Counts and hashes what passes through. */
class Tap extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private readonly waiters = new Set<() => void>();

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    for (const l of this.waiters) l();
    this.waiters.clear();
    cb(null, chunk);
  }

  /** Resolves on the next chunk, or after `ms`. */
  progress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve();
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(done);
    });
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** Text and binaries here compress about this much; used only to avoid overshooting a layer's size. */
const EXPECTED_RATIO = 2.5;

/** One layer from the first walk that has files left; undefined when none has. */
async function buildLayer(walks: Walk[], target: number, layoutDir: string): Promise<BenchLayer | undefined> {
  let walk: Walk | undefined;
  let first: WalkEntry | undefined;
  for (const w of walks) {
    first = await w.next();
    if (first !== undefined) {
      walk = w;
      break;
    }
  }
  if (walk === undefined || first === undefined) return undefined;
  const tarBin = requireTool('tar', 'tar');
  const tar = spawn(
    tarBin,
    ['-C', '/', '-cf', '-', '--owner=0', '--group=0', '--numeric-owner', '--no-recursion', '--null', '--verbatim-files-from', '-T', '-'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  tar.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) => resolve(code));
  });
  const uncompressed = new Tap();
  const compressed = new Tap();
  const tmpFile = join(layoutDir, `layer-${process.pid}-${Date.now()}.tmp`);
  const written = pipeline(tar.stdout, uncompressed, createGzip({ level: 6 }), compressed, createWriteStream(tmpFile));
  written.catch(() => undefined);

  let listed = 0;
  const seenInodes = new Set<string>();
  const list = async (rel: string): Promise<void> => {
    if (!tar.stdin.write(`${rel}\0`)) await new Promise((r) => tar.stdin.once('drain', r));
  };
  // The parents of the first path, so the layer is a tree of its own.
  const parts = first.rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    await list(parts.slice(0, i).join('/'));
    listed += 512;
  }
  let entry: WalkEntry | undefined = first;
  let last = first.rel;
  while (entry !== undefined) {
    // A big file that would overshoot a nearly full layer starts the next one.
    const expected = compressed.bytes + (listed - uncompressed.bytes + entry.size) / EXPECTED_RATIO;
    if (entry !== first && compressed.bytes > target * 0.8 && expected > target * 1.03) {
      walk.unshift(entry);
      break;
    }
    await list(entry.rel);
    last = entry.rel;
    listed += 512;
    if (entry.kind === 'file' && !(entry.inode && seenInodes.has(entry.inode))) listed += Math.ceil(entry.size / 512) * 512;
    if (entry.inode) seenInodes.add(entry.inode);
    // Let tar catch up, so the compressed count says how big the layer is now.
    let stalled = 0;
    while (listed - uncompressed.bytes > MAX_LAG && stalled < 10) {
      const before = uncompressed.bytes;
      await uncompressed.progress(50);
      stalled = uncompressed.bytes === before ? stalled + 1 : 0;
    }
    if (compressed.bytes >= target) break;
    entry = await walk.next();
  }
  tar.stdin.end();
  const code = await exited;
  await written;
  // 1: "some files differ" (changed while read): harmless here.
  if (code !== 0 && code !== 1) throw new Error(`tar failed (${String(code)}): ${stderr}`);
  const digest = compressed.digest();
  await rename(tmpFile, blobPath(layoutDir, digest));
  return {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest,
    size: compressed.bytes,
    diffId: uncompressed.digest(),
    uncompressedSize: uncompressed.bytes,
    from: posix.join('/', first.rel),
    to: posix.join('/', last),
  };
}
