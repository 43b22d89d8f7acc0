/**
 * Parsing what a person pastes into the reference bar: `host/repo:tag`,
 * `host/repo@sha256:...`, `repo:tag` (Docker Hub), `alpine` (Docker Hub's
 * library/alpine:latest), with or without `docker://` or `https://`; and
 * finding the saved connection it belongs to.
 */
import type { Connection } from '../../src-shared/contract';
import { DOCKER_HUB_HOST, isDockerHub } from '../../src-shared/docker-hub';
import { DIGEST_PATTERN, PATH_COMPONENT_PATTERN, TAG_PATTERN } from '../../src-shared/schemas';

export interface ParsedReference {
  /** Registry host as written (lower-cased), `docker.io` when none was given. */
  host: string;
  /** Repository path after the host (may still include a connection's scope path). */
  path: string;
  /** Tag or digest; `latest` when neither was given. */
  reference: string;
  /** True when the input named no tag or digest. */
  defaulted: boolean;
}

export type ParseResult = { ok: true; value: ParsedReference } | { ok: false; message: string };

export function canonicalHost(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB_HOST : host.toLowerCase();
}

function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || /^\[.*\]$/.test(component);
}

export function parseReference(input: string): ParseResult {
  let text = input.trim().replace(/^(docker:\/\/|https?:\/\/)/i, '');
  if (!text) return { ok: false, message: 'Paste a reference such as ghcr.io/org/app:v1 or registry.example.com/team/app@sha256:…' };
  if (/\s/.test(text)) return { ok: false, message: 'A reference has no spaces' };

  let reference: string | undefined;
  const at = text.indexOf('@');
  if (at >= 0) {
    reference = text.slice(at + 1);
    text = text.slice(0, at);
    if (!DIGEST_PATTERN.test(reference))
      return { ok: false, message: `"${reference}" is not a digest: expected sha256: and 64 hex digits` };
  }
  const parts = text.split('/');
  let host = 'docker.io';
  if (parts.length > 1 && looksLikeHost(parts[0]!)) host = parts.shift()!;
  let last = parts[parts.length - 1] ?? '';
  const colon = last.lastIndexOf(':');
  if (colon >= 0) {
    const tag = last.slice(colon + 1);
    last = last.slice(0, colon);
    parts[parts.length - 1] = last;
    if (reference === undefined) {
      if (!TAG_PATTERN.test(tag)) return { ok: false, message: `"${tag}" is not a valid tag` };
      reference = tag;
    }
  }
  const path = parts.join('/');
  if (!path) return { ok: false, message: 'The reference names no repository' };
  const bad = parts.find((p) => !PATH_COMPONENT_PATTERN.test(p));
  if (bad !== undefined) return { ok: false, message: `"${bad}" is not a valid repository name part (lower-case letters, digits, . _ -)` };
  return { ok: true, value: { host: canonicalHost(host), path, reference: reference ?? 'latest', defaulted: reference === undefined } };
}

export interface ResolvedReference {
  connection: Connection;
  repository: string;
  reference: string;
}

/**
 * The saved connection a reference belongs to: the one whose host (and scope
 * path, e.g. `registry.example.com/team`) is the longest prefix of the
 * reference's `host/path`. Docker Hub's one-word names get `library/`.
 */
export function resolveReference(parsed: ParsedReference, connections: readonly Connection[]): ResolvedReference | undefined {
  const full = `${parsed.host}/${parsed.path}`;
  let best: { connection: Connection; scope: string } | undefined;
  for (const connection of connections) {
    const [h = '', ...scopeParts] = connection.host.split('/');
    const scope = [canonicalHost(h), ...scopeParts].join('/');
    if (full.startsWith(`${scope}/`) && (!best || scope.length > best.scope.length)) best = { connection, scope };
  }
  if (!best) return undefined;
  let repository = full.slice(best.scope.length + 1);
  if (best.scope === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { connection: best.connection, repository, reference: parsed.reference };
}

/** The reference a person would paste for this image: `host/repo:tag` or `host/repo@sha256:...`. */
export function formatReference(host: string, repository: string, reference: string): string {
  return `${host}/${imageName(repository, reference)}`;
}

/**
 * Whether a tag-or-digest, as the contract carries it (`v1.2`, `sha256:<hex>`),
 * is a digest: by the digest's own form, never by a colon somewhere in it.
 */
export function isDigest(reference: string): boolean {
  return DIGEST_PATTERN.test(reference);
}

/** The tag a reference names, or undefined for a digest. */
export function tagOf(reference: string): string | undefined {
  return isDigest(reference) ? undefined : reference;
}

/** `repo:tag` or `repo@sha256:...`. */
export function imageName(repository: string, reference: string): string {
  return isDigest(reference) ? `${repository}@${reference}` : `${repository}:${reference}`;
}
