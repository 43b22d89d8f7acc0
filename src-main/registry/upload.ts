/**
 * Writing to one repository of a registry: blobs (HEAD first, cross-repository
 * mount when the source is another repository of the same registry, then
 * POST + PUT, with PATCH as the fallback) and manifests. A blob body is a
 * stream and is never replayed blindly: a failed upload is started again from
 * a fresh stream, a bounded number of times.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { repositoryScope } from './auth/scope';
import { byteCounter } from './byte-counter';
import { ConnectionError, RegistryError } from './errors';
import type { FailureContext, Session } from './session';
import { discardBody, header, type HttpResponse } from './transport/http';
import type { BlobLocation } from './image';
import type { Descriptor } from './types';
import type { BlobOutcome, ImageWriter, UploadOptions } from './writer';

export type { BlobOutcome, UploadOptions } from './writer';

/** How many times a blob upload is started again after a dropped connection or a 5xx. */
const UPLOAD_ATTEMPTS = 3;
/** Answers to a monolithic PUT from registries that take chunked uploads only: PATCH instead. */
const MONOLITHIC_REFUSED = [400, 405, 501];

export class RepositoryWriter implements ImageWriter {
  constructor(
    private readonly session: Session,
    readonly repository: string,
    private readonly displayName: string,
  ) {}

  private url(path: string): string {
    return `${this.session.origin}/v2/${this.repository}/${path}`;
  }

  private scopes(mountFrom?: string): string[] {
    const own = repositoryScope(this.repository, ['pull', 'push']);
    return mountFrom ? [own, repositoryScope(mountFrom, ['pull'])] : [own];
  }

  /** Is the blob already in this repository? */
  async hasBlob(descriptor: Descriptor, signal?: AbortSignal): Promise<boolean> {
    const res = await this.session.request({ method: 'HEAD', url: this.url(`blobs/${descriptor.digest}`), signal }, this.scopes());
    return (await this.session.check(res, [200, 404], this.blobContext(descriptor))) === 200;
  }

  /** Makes sure the blob is in this repository, uploading it from `open()` when it is not. */
  async putBlob(descriptor: Descriptor, open: () => Promise<Readable>, opts: UploadOptions = {}): Promise<BlobOutcome> {
    if (await this.hasBlob(descriptor, opts.signal)) return 'exists';
    let location: string | undefined;
    const mountFrom = this.mountSource(opts.from);
    if (mountFrom) {
      const mounted = await this.tryMount(descriptor, mountFrom, opts.signal);
      if (mounted === true) return 'mounted';
      location = mounted;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.upload(descriptor, open, location, opts);
        return 'uploaded';
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        const retryable = err instanceof ConnectionError || (err instanceof RegistryError && (err.status ?? 0) >= 500);
        if (!retryable || attempt >= UPLOAD_ATTEMPTS) throw err;
        this.session.logger?.warn(
          `upload of ${descriptor.digest} to ${this.displayName} failed (${(err as Error).message}); starting it again`,
        );
        location = undefined;
      }
    }
  }

  /** PUT a manifest under a tag or digest. */
  async putManifest(reference: string, raw: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.session.request(
      { method: 'PUT', url: this.url(`manifests/${reference}`), headers: { 'content-type': mediaType }, body: raw, signal },
      this.scopes(),
    );
    await this.session.check(res, [200, 201, 202], { subject: `manifest ${this.displayName}:${reference}` });
    return header(res, 'docker-content-digest');
  }

  /** The repository to mount from, when the blob lives in another repository of this same registry. */
  private mountSource(from: BlobLocation | undefined): string | undefined {
    return from && from.origin === this.session.origin && from.repository !== this.repository ? from.repository : undefined;
  }

  /** true when mounted; otherwise the upload location the registry opened instead (202), if any. */
  private async tryMount(descriptor: Descriptor, from: string, signal?: AbortSignal): Promise<true | string | undefined> {
    const url = new URL(this.url('blobs/uploads/'));
    url.searchParams.set('mount', descriptor.digest);
    url.searchParams.set('from', from);
    const res = await this.session.request({ method: 'POST', url: url.toString(), body: new Uint8Array(0), signal }, this.scopes(from));
    // A probe: every status is an answer.
    await discardBody(res);
    if (res.status === 201) return true;
    if (res.status === 202) return this.location(res);
    // A registry without mount support (or without read access to `from`): upload normally.
    this.session.logger?.debug(`mount of ${descriptor.digest} from ${from} answered ${res.status}; uploading instead`);
    return undefined;
  }

  private async startUpload(signal?: AbortSignal): Promise<string> {
    const res = await this.session.request(
      { method: 'POST', url: this.url('blobs/uploads/'), body: new Uint8Array(0), signal },
      this.scopes(),
    );
    await this.session.check(res, [202], { subject: `an upload to ${this.displayName}` });
    return this.location(res);
  }

  private location(res: HttpResponse): string {
    const value = header(res, 'location');
    if (!value)
      throw new RegistryError(`${this.displayName}: the registry opened an upload without a Location`, {
        status: res.status,
        url: res.url,
      });
    const resolved = new URL(value, res.url);
    if (resolved.origin !== new URL(this.session.origin).origin) {
      throw new RegistryError(
        `${this.displayName}: the upload location is on another host (${resolved.origin}); refusing to send it data`,
        { url: res.url },
      );
    }
    return resolved.toString();
  }

  private async upload(
    descriptor: Descriptor,
    open: () => Promise<Readable>,
    location: string | undefined,
    opts: UploadOptions,
  ): Promise<void> {
    const uploadUrl = location ?? (await this.startUpload(opts.signal));
    const source = await open();
    const body = counted(source, opts.onBytes);
    const put = new URL(uploadUrl);
    put.searchParams.set('digest', descriptor.digest);
    const res = await this.session
      .request(
        {
          method: 'PUT',
          url: put.toString(),
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
          body,
          signal: opts.signal,
          followRedirects: false,
        },
        this.scopes(),
      )
      .finally(() => {
        if (!source.destroyed && !source.readableEnded) source.destroy();
      });
    const status = await this.session.check(res, [201, 204, ...MONOLITHIC_REFUSED], this.blobContext(descriptor));
    if (MONOLITHIC_REFUSED.includes(status)) {
      // Some registries accept only chunked uploads: PATCH the bytes, then PUT the digest.
      this.session.logger?.debug(`monolithic upload refused (${status}); uploading ${descriptor.digest} in a PATCH`);
      await this.uploadChunked(descriptor, open, opts);
    }
  }

  private blobContext(descriptor: Descriptor): FailureContext {
    return { subject: `blob ${descriptor.digest} in ${this.displayName}` };
  }

  private async uploadChunked(descriptor: Descriptor, open: () => Promise<Readable>, opts: UploadOptions): Promise<void> {
    const uploadUrl = await this.startUpload(opts.signal);
    const source = await open();
    const patch = await this.session.request(
      {
        method: 'PATCH',
        url: uploadUrl,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(descriptor.size),
          'content-range': `0-${Math.max(0, descriptor.size - 1)}`,
        },
        body: counted(source, opts.onBytes),
        signal: opts.signal,
        followRedirects: false,
      },
      this.scopes(),
    );
    await this.session.check(patch, [202, 204], this.blobContext(descriptor));
    const put = new URL(this.location(patch));
    put.searchParams.set('digest', descriptor.digest);
    const res = await this.session.request(
      { method: 'PUT', url: put.toString(), body: new Uint8Array(0), signal: opts.signal },
      this.scopes(),
    );
    await this.session.check(res, [201, 204], this.blobContext(descriptor));
  }
}

/** `source`, counted on its way to the request when someone listens. */
function counted(source: Readable, onBytes?: (sent: number) => void): Readable {
  if (!onBytes) return source;
  const through = byteCounter(onBytes);
  // Errors (a digest mismatch in the source) reach the request through `through`.
  pipeline(source, through, () => undefined);
  return through;
}
