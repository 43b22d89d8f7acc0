/**
 * What the tags code needs of the place it works on (a registry repository or
 * an OCI layout): its manifest reads (with their checks and their words for
 * errors), its blobs, its writer, a look at a manifest that tells its digest
 * without reading it (a HEAD on a registry), and the summary cache of its
 * client family. Deleting needs the registry itself (RegistryTagsAccess).
 */
import { repositoryScope } from '../auth/scope';
import type { BlobSource } from '../image';
import type { ManifestResult } from '../manifest';
import { MANIFEST_ACCEPT, normalizeMediaType } from '../mediatypes';
import { referencePath, type Reference } from '../reference';
import type { Session } from '../session';
import { discardBody, header, type HttpResponse } from '../transport/http';
import type { CallOptions, Descriptor } from '../types';
import type { ImageWriter } from '../writer';
import { summaryCacheOf, type SummaryCache } from './summary-cache';

export interface ManifestHead {
  digest: string;
  mediaType: string;
}

export interface TagsAccess {
  /** Host and repository (or `oci:<dir>`), for messages. */
  readonly name: string;
  /** The repository path, which tags are remembered under. */
  readonly repository: string;
  /** Where the blobs are read from (verified). */
  readonly blobs: BlobSource;
  /** Manifest GETs count as pulls here (Docker Hub, or any registry reporting a rate limit): look with HEAD first. */
  readonly countsPulls: boolean;
  readonly cache: SummaryCache;
  /** The digest `ref` names, without reading the manifest; undefined when the answer does not say (the GET then tells why). */
  headManifest(ref: Reference, opts: CallOptions): Promise<ManifestHead | undefined>;
  /** The manifest `ref` names; `entry`, the index entry that led here, is checked against what is read. */
  readManifest(ref: Reference, opts: CallOptions, entry?: Descriptor): Promise<ManifestResult>;
  writer(): ImageWriter;
}

export interface RegistryTagsAccess extends TagsAccess {
  readonly session: Session;
}

export interface RegistryTagsAccessInit {
  session: Session;
  repository: string;
  name: string;
  blobs: BlobSource;
  /** Docker Hub: manifest GETs are pulls, counted against a rate limit. */
  hub: boolean;
  readManifest: TagsAccess['readManifest'];
  writer: () => ImageWriter;
}

/** A registry repository as the tags code sees it; its summary cache is the session's (one per client family). */
export function registryTagsAccess(init: RegistryTagsAccessInit): RegistryTagsAccess {
  const { session, repository } = init;
  return {
    session,
    repository,
    name: init.name,
    blobs: init.blobs,
    countsPulls: init.hub || session.rateLimit !== undefined,
    cache: summaryCacheOf(session),
    readManifest: init.readManifest,
    writer: init.writer,
    headManifest: async (ref, opts) => {
      const res = await session.request(
        {
          method: 'HEAD',
          url: `${session.origin}/v2/${repository}/manifests/${referencePath(ref)}`,
          headers: { accept: MANIFEST_ACCEPT },
          signal: opts.signal,
        },
        [repositoryScope(repository, ['pull'])],
      );
      // A probe: a HEAD answer has no body to carry the registry's error codes; the GET that follows tells.
      await discardBody(res);
      if (res.status < 200 || res.status >= 300) return undefined;
      const mediaType = normalizeMediaType(header(res, 'content-type'));
      if (ref.kind === 'digest') return { digest: ref.digest, mediaType };
      const digest = header(res, 'docker-content-digest');
      return digest && /^sha256:[a-f0-9]{64}$/.test(digest) ? { digest, mediaType } : undefined;
    },
  };
}

/** DELETE of a manifest by tag or digest; the caller holds the answer to its statuses (Session.check). */
export function sendDelete(access: RegistryTagsAccess, ref: Reference, opts: CallOptions): Promise<HttpResponse> {
  const { session, repository } = access;
  return session.request(
    { method: 'DELETE', url: `${session.origin}/v2/${repository}/manifests/${referencePath(ref)}`, signal: opts.signal },
    [repositoryScope(repository, ['delete'])],
  );
}
