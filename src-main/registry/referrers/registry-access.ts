/**
 * The only place where the referrers code speaks HTTP itself (everything else
 * goes through the public Client): the OCI 1.1 Referrers API, and HEAD probes
 * of the tags where referrers may live, so that looking for `.sig`, `.att`,
 * `.sbom` and `sha256-<hex>` costs no manifest GET (which Docker Hub counts
 * as a pull) when they are not there.
 *
 * How "this registry has no Referrers API" is told, after what
 * go-containerregistry (remote/referrers.go), oras-go (registry/remote) and
 * regclient do, and what real registries answer:
 * - 200 with Content-Type `application/vnd.oci.image.index.v1+json`: the API.
 *   Its body must then be a JSON index; anything else is an error, not a
 *   fallback (a registry that claims the API and sends junk is broken).
 * - 200 with another Content-Type (a web page some front ends serve for any
 *   path), 404 (distribution 2.8 answers a plain-text "404 page not found";
 *   GitLab, older Harbor and Quay a 404 too), 400, 405, 406 (seen in the wild,
 *   go-containerregistry#1962), 501: no API.
 * - A redirect: no API. GHCR answers 303 to a rate-limited page of
 *   github.com (artifacthub/hub#4785); it is never followed.
 * - 401, 403, 429 and 5xx after retries: the error, as for any other call.
 * Pages are followed by `Link` (pagination.ts: same host, no loops), within
 * MAX_REFERRER_PAGES and MAX_REFERRERS.
 */
import { repositoryScope } from '../auth/scope';
import type { Client } from '../client';
import { InvalidManifestError, RegistryError } from '../errors';
import { MAX_MANIFEST_BYTES } from '../manifest';
import { MANIFEST_ACCEPT, OCI_INDEX, isIndexType, normalizeMediaType } from '../mediatypes';
import { walkPages } from '../pagination';
import { parseDigest } from '../reference';
import type { Session } from '../session';
import { discardBody, header, toConnectionError, type HttpResponse } from '../transport/http';
import type { CallOptions, Descriptor } from '../types';
import { readBounded } from '../verify';
import { ReferrersLimitError } from './errors';

/** Pages of one Referrers API answer we follow; far above what any registry sends. */
export const MAX_REFERRER_PAGES = 1000;
/** Referrers of one manifest; a signed image re-signed daily for years has a few thousand. */
export const MAX_REFERRERS = 10_000;

const NO_API_STATUSES = new Set([400, 404, 405, 406, 501]);

export type ReferrersApiAnswer = { supported: false; why: string } | { supported: true; referrers: Descriptor[] };

/** A manifest's existence as a HEAD tells it, without reading it. */
export type ManifestPresence = { exists: false } | { exists: true; mediaType: string } | { exists: undefined };

export class RegistryAccess {
  constructor(
    private readonly session: Session,
    private readonly repository: string,
    /** Host and repository, for messages. */
    private readonly registry: string,
  ) {}

  private get scopes(): string[] {
    return [repositoryScope(this.repository, ['pull'])];
  }

  private url(path: string): string {
    return `${this.session.origin}/v2/${this.repository}/${path}`;
  }

  /**
   * HEAD of a manifest: whether it exists, and its media type. `undefined`
   * when the answer says neither (an error: the caller's GET tells what it is).
   */
  async manifestPresence(reference: string, opts: CallOptions = {}): Promise<ManifestPresence> {
    const res = await this.session.request(
      { method: 'HEAD', url: this.url(`manifests/${reference}`), headers: { accept: MANIFEST_ACCEPT }, signal: opts.signal },
      this.scopes,
    );
    await discardBody(res);
    if (res.status === 404) return { exists: false };
    if (res.status >= 200 && res.status < 300) return { exists: true, mediaType: normalizeMediaType(header(res, 'content-type')) };
    return { exists: undefined };
  }

  /** Every referrer of `digest` the Referrers API lists, all pages, filtered by `artifactType` when asked. */
  async referrers(digest: string, opts: CallOptions & { artifactType?: string } = {}): Promise<ReferrersApiAnswer> {
    const subject = `the referrers of ${this.registry}@${digest}`;
    const first = new URL(this.url(`referrers/${parseDigest(digest)}`));
    if (opts.artifactType) first.searchParams.set('artifactType', opts.artifactType);
    let noApi: string | undefined;
    let pages = 0;
    const found: Descriptor[] = [];
    await walkPages<{ descriptor: Descriptor; wanted: boolean }>(
      first,
      {
        fetch: async (url) => {
          if (++pages > MAX_REFERRER_PAGES) {
            throw new ReferrersLimitError(
              `The Referrers API of ${this.registry} sent more than ${MAX_REFERRER_PAGES} pages for ${digest}; stopped following them`,
              MAX_REFERRER_PAGES,
              { method: 'GET', url: url.toString() },
            );
          }
          const res = await this.session.request(
            // Never followed: GHCR redirects this path to a web page on another host.
            { method: 'GET', url: url.toString(), headers: { accept: OCI_INDEX }, signal: opts.signal, followRedirects: false },
            this.scopes,
          );
          if (pages === 1) {
            noApi = this.noApiReason(res);
            if (noApi) {
              await discardBody(res);
              return { entries: [], link: undefined };
            }
          }
          await this.session.check(res, [200], { subject, notFound: 'other', readBody: true });
          const contentType = normalizeMediaType(header(res, 'content-type'));
          if (contentType !== OCI_INDEX) {
            await discardBody(res);
            throw new InvalidManifestError(
              `The Referrers API of ${this.registry} answered a later page for ${digest} with ${contentType || 'no Content-Type'}, not an OCI index`,
              { method: 'GET', url: res.url, status: res.status },
            );
          }
          const index = await this.readIndex(res, digest, opts);
          // Filtered here too, whether or not the registry says it filtered (OCI-Filters-Applied):
          // one that did loses nothing by it, one that says so wrongly is caught.
          return {
            entries: index.manifests.map((d) => ({ descriptor: d, wanted: !opts.artifactType || d.artifactType === opts.artifactType })),
            link: res.headers.link,
          };
        },
      },
      (entries) => {
        for (const e of entries) if (e.wanted) found.push(e.descriptor);
        if (found.length > MAX_REFERRERS) {
          throw new ReferrersLimitError(
            `The Referrers API of ${this.registry} lists more than ${MAX_REFERRERS} referrers for ${digest}; refusing to read more`,
            MAX_REFERRERS,
          );
        }
        return true;
      },
      opts.signal,
    );
    if (noApi) {
      this.session.logger?.debug(`${this.registry}: no Referrers API (${noApi}); using the referrers tag schema`);
      return { supported: false, why: noApi };
    }
    return { supported: true, referrers: found };
  }

  /** Why a first answer means "no Referrers API here"; undefined when it is the API. */
  private noApiReason(res: HttpResponse): string | undefined {
    if (res.status >= 300 && res.status < 400) return `it redirects the Referrers API (${res.status})`;
    if (NO_API_STATUSES.has(res.status)) return `it answered ${res.status}`;
    if (res.status === 200) {
      const contentType = normalizeMediaType(header(res, 'content-type'));
      if (contentType !== OCI_INDEX) return `it answered 200 with ${contentType || 'no Content-Type'}`;
    }
    return undefined;
  }

  private async readIndex(
    res: HttpResponse,
    digest: string,
    opts: CallOptions,
  ): Promise<{ manifests: Descriptor[]; annotations?: Record<string, string> }> {
    const where = `The Referrers API of ${this.registry} answered for ${digest}`;
    const init = { method: 'GET', url: res.url, status: res.status };
    let bytes: Uint8Array;
    try {
      bytes = await readBounded(
        res.body,
        MAX_MANIFEST_BYTES,
        header(res, 'content-length'),
        () => new InvalidManifestError(`${where} with an index larger than 4 MiB; refusing to read it`, init),
      );
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (err instanceof RegistryError) throw err;
      throw toConnectionError(err, { method: 'GET', url: res.url }, this.session.timeoutMs);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      throw new InvalidManifestError(`${where} with something that is not JSON (${(err as Error).message})`, init);
    }
    return checkReferrersIndex(doc, where, init);
  }
}

/**
 * How the referrers code reaches a registry client's RegistryAccess (a mirror
 * asks its target whether it has the Referrers API): a symbol, kept off the
 * public Client as OPEN_WRITER is (writer.ts). A layout has none.
 */
export const REFERRERS_ACCESS = Symbol('lading.referrersAccess');

export interface ReferrersAccessible {
  [REFERRERS_ACCESS](): RegistryAccess;
}

/** The client's RegistryAccess, or undefined when it is not a registry (an OCI layout). */
export function accessOf(client: Client): RegistryAccess | undefined {
  const open = (client as Partial<ReferrersAccessible>)[REFERRERS_ACCESS];
  return typeof open === 'function' ? open.call(client) : undefined;
}

/** The index of a Referrers API answer or a tag-schema tag, checked entry by entry. */
export function checkReferrersIndex(
  doc: unknown,
  where: string,
  init: { method?: string; url?: string; status?: number } = {},
): { manifests: Descriptor[]; annotations?: Record<string, string> } {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray((doc as { manifests?: unknown }).manifests)) {
    throw new InvalidManifestError(`${where} with JSON that is not an index (no "manifests" list)`, init);
  }
  const index = doc as { manifests: unknown[]; annotations?: unknown; mediaType?: unknown };
  if (index.mediaType !== undefined && (typeof index.mediaType !== 'string' || !isIndexType(normalizeMediaType(index.mediaType)))) {
    throw new InvalidManifestError(`${where} with a document of media type ${JSON.stringify(index.mediaType)}, not an index`, init);
  }
  const manifests = index.manifests.map((entry, i) => checkEntry(entry, `${where}: manifests[${i}]`, init));
  const annotations = isStringRecord(index.annotations) ? index.annotations : undefined;
  return annotations ? { manifests, annotations } : { manifests };
}

function checkEntry(value: unknown, where: string, init: { method?: string; url?: string; status?: number }): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object') throw new InvalidManifestError(`${where} is not an object`, init);
  if (typeof d.digest !== 'string' || !/^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/.test(d.digest)) {
    throw new InvalidManifestError(`${where} has an invalid digest ${JSON.stringify(d.digest)}`, init);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new InvalidManifestError(`${where} has an invalid size ${JSON.stringify(d.size)}`, init);
  }
  if (typeof d.mediaType !== 'string') throw new InvalidManifestError(`${where} has no mediaType`, init);
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (typeof d.artifactType === 'string') out.artifactType = d.artifactType;
  if (isStringRecord(d.annotations)) out.annotations = d.annotations;
  if (d.platform && typeof d.platform === 'object') out.platform = d.platform;
  return out;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
