/**
 * skopeo as an independent second opinion: fixtures are pushed with it, and
 * tests cross-check the client's digests, tag lists and configs against it.
 * Loopback registries are plain HTTP, hence `--tls-verify=false` everywhere;
 * `--insecure-policy` so the machine's policy.json cannot change results.
 */
import { sha256Digest } from './digest.js';
import { requireTool, run, runRaw } from './tools.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface PlatformOverride {
  os?: string;
  architecture?: string;
  variant?: string;
}

export interface InspectOptions {
  creds?: Credentials;
  /** Which child of an index `--config` reads (skopeo defaults to the host's platform). */
  platform?: PlatformOverride;
}

function skopeo(): string {
  return requireTool('skopeo', 'skopeo');
}

/** 'host/repo:tag' or 'host/repo@sha256:...' becomes 'docker://...'; other transports pass through. */
export function dockerRef(ref: string): string {
  return /^(docker:\/\/|oci:|oci-archive:|dir:|docker-archive:)/.test(ref) ? ref : `docker://${ref}`;
}

function credArgs(flag: string, noCredsFlag: string, creds: Credentials | undefined): string[] {
  return creds ? [flag, `${creds.username}:${creds.password}`] : [noCredsFlag];
}

function platformArgs(platform: PlatformOverride | undefined): string[] {
  const args: string[] = [];
  if (platform?.os) args.push('--override-os', platform.os);
  if (platform?.architecture) args.push('--override-arch', platform.architecture);
  if (platform?.variant) args.push('--override-variant', platform.variant);
  return args;
}

/** `skopeo list-tags`: every tag of `host/repo` (skopeo follows the pagination). */
export async function skopeoListTags(host: string, repo: string, creds?: Credentials): Promise<string[]> {
  const { stdout } = await run(skopeo(), [
    '--insecure-policy',
    'list-tags',
    '--tls-verify=false',
    ...credArgs('--creds', '--no-creds', creds),
    `docker://${host}/${repo}`,
  ]);
  return (JSON.parse(stdout) as { Tags: string[] | null }).Tags ?? [];
}

/** `skopeo inspect --raw`: the manifest (or index) bytes exactly as served. */
export async function skopeoRawManifest(ref: string, opts: InspectOptions = {}): Promise<Buffer> {
  const { stdout } = await runRaw(skopeo(), [
    '--insecure-policy',
    'inspect',
    '--raw',
    '--tls-verify=false',
    ...credArgs('--creds', '--no-creds', opts.creds),
    dockerRef(ref),
  ]);
  return stdout;
}

/** The digest of the top-level manifest or index: sha256 of the raw bytes. */
export async function skopeoDigest(ref: string, opts: InspectOptions = {}): Promise<string> {
  return sha256Digest(await skopeoRawManifest(ref, opts));
}

/** `skopeo inspect --config`: the image config (from the platform's child for an index). */
export async function skopeoConfig(ref: string, opts: InspectOptions = {}): Promise<Record<string, unknown>> {
  const { stdout } = await run(skopeo(), [
    '--insecure-policy',
    ...platformArgs(opts.platform),
    'inspect',
    '--config',
    '--tls-verify=false',
    ...credArgs('--creds', '--no-creds', opts.creds),
    dockerRef(ref),
  ]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

export interface CopyOptions {
  /** Copy an index with every child (`--all`). */
  all?: boolean;
  /** Convert the manifest: 'v2s2' = Docker schema 2 media types. */
  format?: 'oci' | 'v2s2';
  srcCreds?: Credentials;
  destCreds?: Credentials;
  /** Recompress every layer (`--dest-compress-format`); the layer digests change, so no --preserve-digests. */
  compressFormat?: 'zstd' | 'gzip';
}

/** `skopeo copy` between any two transports; registries on loopback are plain HTTP. */
export async function skopeoCopy(src: string, dest: string, opts: CopyOptions = {}): Promise<void> {
  const args = ['--insecure-policy', 'copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--quiet'];
  if (opts.all) args.push('--all');
  if (opts.format) args.push('--format', opts.format);
  if (opts.compressFormat) args.push('--dest-compress', '--dest-compress-format', opts.compressFormat);
  // Without a format change skopeo must not rewrite the manifest: fail instead.
  if (!opts.format && !opts.compressFormat) args.push('--preserve-digests');
  const srcRef = dockerRef(src);
  const destRef = dockerRef(dest);
  if (srcRef.startsWith('docker://')) args.push(...credArgs('--src-creds', '--src-no-creds', opts.srcCreds));
  if (destRef.startsWith('docker://')) args.push(...credArgs('--dest-creds', '--dest-no-creds', opts.destCreds));
  await run(skopeo(), [...args, srcRef, destRef]);
}
