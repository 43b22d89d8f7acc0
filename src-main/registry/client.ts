/**
 * The Client: a registry scoped to a repository path by withSegment(). All
 * state that matters (connections, tokens) lives in the shared Session, so a
 * client is cheap to derive and safe to use from concurrent calls.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { CATALOG_SCOPE, repositoryScope } from './auth/scope';
import {
  AccessDeniedError,
  CatalogNotSupportedError,
  DigestMismatchError,
  ImageNotFoundError,
  InvalidManifestError,
  InvalidReferenceError,
  RegistryError,
  RepositoryNotFoundError,
} from './errors';
import type { BlobLocation, BlobSource, Image } from './image';
import { MANIFEST_ACCEPT } from './mediatypes';
import { MAX_MANIFEST_BYTES, parseManifest, type ManifestResult } from './manifest';
import { comparePaths, pageSize, parseNextLink, walkPages } from './pagination';
import { pushImage } from './push';
import {
  DOCKER_HUB_API_HOST,
  dockerHubPath,
  formatReference,
  isDockerHub,
  isValidRepositoryName,
  isValidTag,
  normalizeSegments,
  parseHost,
  parseReference,
  referencePath,
  type Reference,
} from './reference';
import { readImage, readImageConfig, type ManifestReader } from './select-image';
import { Session } from './session';
import { discardBody, header, toConnectionError, type HttpResponse } from './transport/http';
import { ResumableBody } from './transport/resumable';
import type { BlobReadOptions, CallOptions, ClientOptions, ConfigFile, Descriptor, ImageOptions, ListOptions, PushOptions } from './types';
import { RepositoryWriter } from './upload';
import { OPEN_WRITER, type WritableClient } from './writer';
import { listReferrers } from './referrers/list';
import { REFERRERS_ACCESS, RegistryAccess, type ReferrersAccessible } from './referrers/registry-access';
import type { ListReferrersOptions, Referrer } from './referrers/types';
import type { RateLimit } from './rate-limit';
import { deleteImage, getImageSummary, tagImage } from './tags/index';
import { registryTagsAccess, type RegistryTagsAccess } from './tags/repository-access';
import type { DeleteImageOptions, DeleteImageResult, ImageSummary, TagImageResult } from './tags/types';
import { VerifyingStream, readBounded } from './verify';

export interface Client {
  /** A new client scoped below this one; this one is unchanged. */
  withSegment(...segments: string[]): Client;
  /** Host plus scope path, e.g. `ghcr.io/org/app`. */
  getRegistry(): string;
  getDigest(tag: string, opts?: CallOptions): Promise<string>;
  getManifest(tag: string, opts?: CallOptions): Promise<ManifestResult>;
  getImageConfig(tag: string, opts?: ImageOptions): Promise<ConfigFile>;
  /** Resolves when the tag or digest exists; rejects with ImageNotFoundError otherwise. */
  checkImageExists(tag: string, opts?: CallOptions): Promise<void>;
  /** The image for `tag`; from an index, the one for `opts.platform` (default linux/amd64). */
  getImage(tag: string, opts?: ImageOptions): Promise<Image>;
  /** Uploads the image's blobs (skipping or mounting what it can), then its manifest under `tag`. */
  pushImage(tag: string, image: Image, opts?: PushOptions): Promise<void>;
  listTags(opts?: ListOptions): Promise<string[]>;
  /** Repositories below this client's scope, named relative to it. */
  listRepositories(opts?: ListOptions): Promise<string[]>;
  /** Signatures, SBOMs and attestations that point at `digest`, from every place tools put them (see referrers/). */
  listReferrers(digest: string, opts?: ListReferrersOptions): Promise<Referrer[]>;
  /** Opens a blob of this repository as a verified stream; a connection that breaks mid-blob is resumed with Range. */
  openBlob(descriptor: Descriptor, opts?: BlobReadOptions): Promise<Readable>;
  /**
   * Digest, media type, size, created and platforms of what `tag` names: one HEAD when its
   * digest's summary is known already, otherwise as few reads as possible (tags/summary.ts).
   */
  getImageSummary(tag: string, opts?: CallOptions): Promise<ImageSummary>;
  /** Puts the manifest `source` (a tag or digest of this repository) names under `newTag`, byte for byte. */
  tagImage(source: string, newTag: string, opts?: CallOptions): Promise<TagImageResult>;
  /**
   * Deletes a manifest by digest, or a tag where the registry deletes tags; a refusal is a
   * DeleteNotSupportedError that says what is possible instead (tags/delete.ts).
   */
  deleteImage(reference: string, opts?: DeleteImageOptions): Promise<DeleteImageResult>;
  /** The pull rate limit the registry reported last (Docker Hub sends it with manifests); undefined where none was. */
  readonly rateLimit: RateLimit | undefined;
  /** Releases connections. The client and its children cannot be used afterwards. */
  close(): Promise<void>;
}

export function createClient(host: string, options: ClientOptions = {}): Client {
  if (typeof host !== 'string') throw new InvalidReferenceError('Registry host must be a string, e.g. "ghcr.io"');
  const parsed = parseHost(host);
  const hub = isDockerHub(parsed.host);
  const session = new Session({
    apiHost: hub ? DOCKER_HUB_API_HOST : parsed.host,
    displayHost: hub ? 'docker.io' : parsed.host,
    plainHttp: parsed.plainHttp || options.insecure === true,
    options,
  });
  return new RegistryClient(session, parsed.path, hub);
}

const MAX_TAG_LIST_PAGE_BYTES = 64 * 1024 * 1024;

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class RegistryClient implements Client, BlobSource, WritableClient, ReferrersAccessible {
  /** The repository path as the registry knows it (`library/` added on Docker Hub). */
  private readonly repository: string;
  /** What getImage reads manifests with (select-image.ts); kept off the public surface. */
  private readonly manifests: ManifestReader = {
    parseTag: parseReference,
    describe: (ref) => this.subject(ref),
    readManifest: (ref, opts, entry) => this.fetchManifest(ref, opts, entry),
  };

  constructor(
    private readonly session: Session,
    private readonly path: string[],
    private readonly hub: boolean,
  ) {
    this.repository = (hub ? dockerHubPath(path) : path).join('/');
  }

  withSegment(...segments: string[]): Client {
    return new RegistryClient(this.session, [...this.path, ...normalizeSegments(segments)], this.hub);
  }

  getRegistry(): string {
    return this.repository ? `${this.session.displayHost}/${this.repository}` : this.session.displayHost;
  }

  /** BlobSource's name, for messages. */
  get name(): string {
    return this.getRegistry();
  }

  /** BlobSource's location: a push into this same registry mounts blobs from here. */
  get location(): BlobLocation | undefined {
    return this.repository ? { origin: this.session.origin, repository: this.repository } : undefined;
  }

  close(): Promise<void> {
    return this.session.close();
  }

  async getDigest(tag: string, opts: CallOptions = {}): Promise<string> {
    const ref = parseReference(tag);
    const res = await this.headManifest(ref, opts);
    if (res) {
      if (ref.kind === 'digest') return ref.digest;
      const digest = header(res, 'docker-content-digest');
      if (digest && /^sha256:[a-f0-9]{64}$/.test(digest)) return digest;
    }
    // No usable header, or an error whose body HEAD cannot carry: GET tells.
    return (await this.getManifest(tag, opts)).descriptor.digest;
  }

  async checkImageExists(tag: string, opts: CallOptions = {}): Promise<void> {
    const ref = parseReference(tag);
    if (await this.headManifest(ref, opts)) return;
    await this.getManifest(tag, opts);
  }

  async getManifest(tag: string, opts: CallOptions = {}): Promise<ManifestResult> {
    return this.fetchManifest(parseReference(tag), opts);
  }

  async getImageConfig(tag: string, opts: ImageOptions = {}): Promise<ConfigFile> {
    return readImageConfig(this, this.manifests, tag, opts);
  }

  async getImage(tag: string, opts: ImageOptions = {}): Promise<Image> {
    return readImage(this, this.manifests, tag, opts);
  }

  async pushImage(tag: string, image: Image, opts: PushOptions = {}): Promise<void> {
    return pushImage(this[OPEN_WRITER](), tag, image, opts);
  }

  /** Writes into this repository: how pushImage and mirror() reach it (see writer.ts). */
  [OPEN_WRITER](): RepositoryWriter {
    this.requireRepository();
    return new RepositoryWriter(this.session, this.repository, this.getRegistry());
  }

  async openBlob(descriptor: Descriptor, opts: BlobReadOptions = {}): Promise<Readable> {
    this.requireRepository();
    const subject = `blob ${descriptor.digest} of ${this.getRegistry()}`;
    const scopes = [repositoryScope(this.repository, ['pull'])];
    const url = this.url(`blobs/${descriptor.digest}`);
    const res = await this.session.request({ method: 'GET', url, signal: opts.signal }, scopes);
    await this.session.check(res, [200], { subject, notFound: 'other', readBody: true });
    const length = header(res, 'content-length');
    if (length !== undefined && Number(length) !== descriptor.size) {
      // undici's body errors with "Request aborted" when destroyed unread; unheard, that error would crash the process.
      res.body.on('error', () => undefined);
      res.body.destroy();
      throw new DigestMismatchError(
        `${subject} is ${length} bytes on the registry, but the manifest says ${descriptor.size}`,
        descriptor.digest,
        `unknown (${length} bytes)`,
        { method: 'GET', url: res.url },
      );
    }
    // A connection that breaks mid-blob is picked up again with Range (transport/resumable.ts).
    const body = new ResumableBody({
      digest: descriptor.digest,
      size: descriptor.size,
      first: res,
      subject,
      signal: opts.signal,
      reopen: (offset) => this.session.request({ method: 'GET', url, headers: { range: `bytes=${offset}-` }, signal: opts.signal }, scopes),
      reject: async (answer) => {
        await this.session.check(answer, [200, 206], { subject, notFound: 'other' });
        throw new RegistryError(`${subject}: unexpected answer ${answer.status} on resuming`, { status: answer.status, url: answer.url });
      },
      // A cancelled download surfaces as the caller's abort reason, a lost connection as a ConnectionError
      // (every error the client throws is a RegistryError).
      describe: (err, answer) =>
        opts.signal?.aborted
          ? (opts.signal.reason as Error)
          : err instanceof RegistryError
            ? err
            : toConnectionError(err, { method: 'GET', url: answer.url }, this.session.timeoutMs),
      onResume: (event) => {
        this.session.logger?.warn(`${subject}: the connection broke at byte ${event.offset} of ${event.size} (${event.reason}); resumed`, {
          digest: event.digest,
          offset: event.offset,
          attempt: event.attempt,
          restarted: event.restarted,
        });
        opts.onResume?.(event);
      },
    });
    const verifier = new VerifyingStream(descriptor.digest, descriptor.size, subject);
    pipeline(body, verifier, () => undefined);
    return verifier;
  }

  async listTags(opts: ListOptions = {}): Promise<string[]> {
    this.requireRepository();
    const tags: string[] = [];
    const seen = new Set<string>();
    const first = new URL(this.url('tags/list'));
    first.searchParams.set('n', String(pageSize(opts.limit, 0)));
    if (opts.last) first.searchParams.set('last', opts.last);
    const subject = `repository ${this.getRegistry()}`;
    await walkPages(
      first,
      {
        fetch: async (url) => {
          const body = await this.getJson(url, [repositoryScope(this.repository, ['pull'])], subject, 'repository', opts);
          const raw = (body.json as { tags?: unknown }).tags;
          let entries = Array.isArray(raw) ? raw.filter(isValidTag) : [];
          if (url === first && !parseNextLink(body.link, url.toString())) {
            // The whole list in one answer (distribution 2.8 ignores n and last,
            // and does not sort): sort it, so limit and last mean the same
            // everywhere, and drop what comes up to `last`.
            entries.sort(byteOrder);
            if (opts.last) entries = entries.filter((t) => t > opts.last!);
          }
          return { entries, link: body.link };
        },
      },
      (entries) => {
        let fresh = 0;
        for (const tag of entries) {
          if (seen.has(tag)) continue;
          seen.add(tag);
          tags.push(tag);
          fresh++;
          if (opts.limit !== undefined && tags.length >= opts.limit) return false;
        }
        // A page with nothing new means the registry is going around in circles.
        return fresh > 0 || entries.length === 0;
      },
      opts.signal,
    );
    return tags;
  }

  async listRepositories(opts: ListOptions = {}): Promise<string[]> {
    const prefix = this.repository ? `${this.repository}/` : '';
    const repos: string[] = [];
    let inside = false;
    const first = new URL(`${this.session.origin}/v2/_catalog`);
    first.searchParams.set('n', String(pageSize(opts.limit, 0)));
    const start = prefix + (opts.last ?? '');
    if (start) first.searchParams.set('last', start);
    try {
      await walkPages(
        first,
        {
          fetch: async (url) => {
            const body = await this.getJson(url, [CATALOG_SCOPE], `the catalog of ${this.session.displayHost}`, 'other', opts);
            const raw = (body.json as { repositories?: unknown }).repositories;
            return { entries: Array.isArray(raw) ? raw.filter(isValidRepositoryName) : [], link: body.link };
          },
        },
        (entries) => {
          for (const name of entries) {
            if (!name.startsWith(prefix)) {
              // The catalog is sorted: once a name is beyond the scope in both plain
              // and path-wise order, nothing later can be inside it. And a scope's
              // names are contiguous in either order, so an outside name after an
              // inside one ends the scope too (distribution lists `ns1/...` before
              // `ns1-other/...`, which plain order would put first).
              if (prefix && (inside || (name > prefix && comparePaths(name, prefix) > 0))) {
                return false;
              }
              continue;
            }
            inside = true;
            const relative = name.slice(prefix.length);
            if (opts.last && relative <= opts.last && comparePaths(relative, opts.last) <= 0) continue;
            if (repos.includes(relative)) continue;
            repos.push(relative);
            if (opts.limit !== undefined && repos.length >= opts.limit) return false;
          }
          return entries.length > 0;
        },
        opts.signal,
      );
    } catch (err) {
      throw await this.catalogError(err);
    }
    return repos;
  }

  listReferrers(digest: string, opts: ListReferrersOptions = {}): Promise<Referrer[]> {
    return listReferrers(this, digest, opts, this[REFERRERS_ACCESS]());
  }

  /** The Referrers API and HEAD probes of this repository: how listReferrers and a mirror's referrer copy reach it. */
  [REFERRERS_ACCESS](): RegistryAccess {
    this.requireRepository();
    return new RegistryAccess(this.session, this.repository, this.getRegistry());
  }

  getImageSummary(tag: string, opts: CallOptions = {}): Promise<ImageSummary> {
    return getImageSummary(this.tags(), tag, opts);
  }

  tagImage(source: string, newTag: string, opts: CallOptions = {}): Promise<TagImageResult> {
    return tagImage(this.tags(), source, newTag, opts);
  }

  deleteImage(reference: string, opts: DeleteImageOptions = {}): Promise<DeleteImageResult> {
    return deleteImage(this.tags(), reference, opts);
  }

  get rateLimit(): RateLimit | undefined {
    return this.session.rateLimit;
  }

  // ---- internals ----

  /** This repository as the tags code (summaries, tagging, deleting) reaches it. */
  private tags(): RegistryTagsAccess {
    this.requireRepository();
    return registryTagsAccess({
      session: this.session,
      repository: this.repository,
      name: this.getRegistry(),
      blobs: this,
      hub: this.hub,
      readManifest: (ref, opts, entry) => this.fetchManifest(ref, opts, entry),
      writer: () => this[OPEN_WRITER](),
    });
  }

  private subject(ref: Reference): string {
    return `image ${formatReference(this.getRegistry(), ref)}`;
  }

  private url(path: string): string {
    return `${this.session.origin}/v2/${this.repository}/${path}`;
  }

  private requireRepository(): void {
    if (!this.repository) {
      throw new InvalidReferenceError(
        `No repository: scope the client to one with withSegment(), e.g. client.withSegment("library/alpine")`,
      );
    }
  }

  /**
   * A probe: the HEAD answer when it says the manifest is there (2xx);
   * undefined otherwise, and the GET that follows tells why (a HEAD answer has
   * no body to carry the registry's error codes).
   */
  private async headManifest(ref: Reference, opts: CallOptions): Promise<HttpResponse | undefined> {
    this.requireRepository();
    const res = await this.session.request(
      { method: 'HEAD', url: this.url(`manifests/${referencePath(ref)}`), headers: { accept: MANIFEST_ACCEPT }, signal: opts.signal },
      [repositoryScope(this.repository, ['pull'])],
    );
    await discardBody(res);
    return res.status >= 200 && res.status < 300 ? res : undefined;
  }

  private async fetchManifest(ref: Reference, opts: CallOptions, from?: Descriptor): Promise<ManifestResult> {
    this.requireRepository();
    const subject = this.subject(ref);
    const res = await this.session.request(
      { method: 'GET', url: this.url(`manifests/${referencePath(ref)}`), headers: { accept: MANIFEST_ACCEPT }, signal: opts.signal },
      [repositoryScope(this.repository, ['pull'])],
    );
    await this.session.check(res, [200], { subject, notFound: 'image', readBody: true }).catch(async (error: unknown) => {
      throw await this.refineNotFound(error, opts);
    });
    const bytes = await this.readBody(
      res,
      MAX_MANIFEST_BYTES,
      opts,
      () => new InvalidManifestError(`Manifest of ${subject} is larger than 4 MiB; refusing to read it`, { method: 'GET', url: res.url }),
    );
    const headerDigest = header(res, 'docker-content-digest');
    const result = parseManifest({
      bytes,
      contentType: header(res, 'content-type'),
      expectedDigest: ref.kind === 'digest' ? ref.digest : undefined,
      platform: from?.platform,
      annotations: from?.annotations,
      subject,
    });
    if (headerDigest && headerDigest !== result.descriptor.digest && headerDigest.startsWith('sha256:')) {
      // Some registries send the digest of another representation; the bytes are what count.
      this.session.logger?.warn(`${subject}: Docker-Content-Digest ${headerDigest} differs from the bytes' ${result.descriptor.digest}`);
    }
    if (from && from.size !== bytes.length) {
      throw new DigestMismatchError(
        `${subject} is ${bytes.length} bytes, but its index entry says ${from.size}`,
        from.digest,
        result.descriptor.digest,
      );
    }
    return result;
  }

  /**
   * distribution answers MANIFEST_UNKNOWN for a repository that does not
   * exist at all; its tag list tells the two cases apart.
   */
  private async refineNotFound(error: unknown, opts: CallOptions): Promise<unknown> {
    if (!(error instanceof ImageNotFoundError) || error instanceof RepositoryNotFoundError) return error;
    const res = await this.session
      .request({ method: 'GET', url: this.url('tags/list?n=1'), signal: opts.signal }, [repositoryScope(this.repository, ['pull'])])
      .catch(() => undefined);
    if (!res) return error;
    // A probe: only a 404 says something here; any other answer leaves the error as it was.
    await discardBody(res);
    if (res.status !== 404) return error;
    return new RepositoryNotFoundError(`Not found: repository ${this.getRegistry()}`, {
      status: 404,
      errors: error.errors,
      method: error.method,
      url: error.url,
    });
  }

  /** Reads a small body whole; a connection lost mid-body is a ConnectionError, not undici's raw error. */
  private async readBody(res: HttpResponse, limit: number, opts: CallOptions, tooLarge: () => Error): Promise<Uint8Array> {
    try {
      return await readBounded(res.body, limit, header(res, 'content-length'), tooLarge);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (err instanceof RegistryError) throw err;
      throw toConnectionError(err, { method: 'GET', url: res.url }, this.session.timeoutMs);
    }
  }

  private async getJson(url: URL, scopes: string[], subject: string, notFound: 'repository' | 'other', opts: CallOptions) {
    const res = await this.session.request(
      { method: 'GET', url: url.toString(), headers: { accept: 'application/json' }, signal: opts.signal },
      scopes,
    );
    await this.session.check(res, [200], { subject, notFound, readBody: true });
    const bytes = await this.readBody(
      res,
      MAX_TAG_LIST_PAGE_BYTES,
      opts,
      () => new RegistryError(`The answer for ${subject} is larger than 64 MiB`, { method: 'GET', url: res.url }),
    );
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new RegistryError(`The registry answered ${subject} with something other than JSON`, {
        method: 'GET',
        url: res.url,
        status: res.status,
      });
    }
    if (!json || typeof json !== 'object') json = {};
    return { json: json as object, link: res.headers.link };
  }

  /** 401/403/404 on the catalog means "not offered here" unless the credentials themselves are wrong. */
  private async catalogError(err: unknown): Promise<unknown> {
    if (!(err instanceof RegistryError) || err instanceof CatalogNotSupportedError) return err;
    const status = err.status;
    if (status !== 401 && status !== 403 && status !== 404) return err;
    if (status === 401 && this.session.auth.hasCredentials && !(await this.credentialsAccepted())) {
      return new AccessDeniedError(`${this.session.displayHost} rejected the credentials`, {
        status,
        errors: err.errors,
        method: err.method,
        url: err.url,
      });
    }
    return new CatalogNotSupportedError(
      `${this.session.displayHost} does not offer a repository catalog to this account (${status}); open a repository by name instead`,
      { status, errors: err.errors, method: err.method, url: err.url, cause: err },
    );
  }

  /** Does `GET /v2/` accept our credentials? (Basic auth answers 401 to wrong ones.) */
  private async credentialsAccepted(): Promise<boolean> {
    try {
      const res = await this.session.request({ method: 'GET', url: `${this.session.origin}/v2/` }, []);
      // A probe: every status is an answer, and only 401 means no.
      await discardBody(res);
      return res.status !== 401;
    } catch (err) {
      return !(err instanceof AccessDeniedError);
    }
  }
}
