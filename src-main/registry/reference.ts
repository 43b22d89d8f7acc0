/**
 * Names: hosts, repository paths, tags and digests, checked against the OCI
 * distribution grammar before any request is made, so a typo is a clear error
 * and never a broken URL.
 */
import { InvalidReferenceError } from './errors';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;
const SHA512_HEX = /^[a-f0-9]{128}$/;
/** host, host:port, [v6]:port; lower-case letters, digits, dots, dashes. */
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;
/** distribution refuses longer repository names. */
const MAX_REPOSITORY_LENGTH = 255;

// The one module of src-shared the library imports: it has no imports of its own (see test/unit/import-direction.test.ts).
export { DOCKER_HUB_API_HOST, isDockerHub } from '../../src-shared/docker-hub';

export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: string };

/** Splits `host[:port][/path...]`, accepting and removing an `https://` or `http://` prefix. */
export function parseHost(input: string): { host: string; path: string[]; plainHttp: boolean } {
  let rest = input.trim();
  let plainHttp = false;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'http' && name !== 'https') {
      throw new InvalidReferenceError(
        `Registry host "${input}" has scheme "${name}://"; use a host name such as "ghcr.io" or "localhost:5000"`,
      );
    }
    plainHttp = name === 'http';
    rest = rest.slice(scheme[0].length);
  }
  rest = rest.replace(/\/+$/, '');
  const [host = '', ...path] = rest.split('/');
  if (!host || !HOST.test(host)) {
    throw new InvalidReferenceError(`Registry host "${input}" is not a valid host name (expected e.g. "ghcr.io" or "localhost:5000")`);
  }
  const port = /:(\d+)$/.exec(host);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) {
    throw new InvalidReferenceError(`Registry host "${input}" has an invalid port ${port[1]}`);
  }
  return { host: host.toLowerCase(), path: normalizeSegments(path), plainHttp };
}

/**
 * Trims slashes from each segment, splits embedded slashes, and checks every
 * path component against the OCI grammar.
 */
export function normalizeSegments(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== 'string') {
      throw new InvalidReferenceError(`Repository path segment must be a string, got ${typeof segment}`);
    }
    const trimmed = segment.replace(/^\/+|\/+$/g, '');
    if (trimmed === '') {
      throw new InvalidReferenceError(`Repository path segment "${segment}" is empty`);
    }
    for (const component of trimmed.split('/')) {
      if (!PATH_COMPONENT.test(component)) {
        throw new InvalidReferenceError(
          `Repository path component "${component}" is invalid: use lower-case letters, digits and single separators (. _ __ -), e.g. "my-app"`,
        );
      }
      out.push(component);
    }
  }
  if (out.join('/').length > MAX_REPOSITORY_LENGTH) {
    throw new InvalidReferenceError(`Repository path "${out.join('/')}" is longer than ${MAX_REPOSITORY_LENGTH} characters`);
  }
  return out;
}

/** Docker Hub keeps official images under `library/`: `alpine` means `library/alpine`. */
export function dockerHubPath(path: string[]): string[] {
  return path.length === 1 ? ['library', path[0]!] : path;
}

/** A tag (`v1.2`) or a digest (`@sha256:...` or `sha256:...`). */
export function parseReference(ref: string): Reference {
  if (typeof ref !== 'string' || ref === '') {
    throw new InvalidReferenceError('A tag or digest is required, e.g. "latest" or "sha256:..."');
  }
  const value = ref.startsWith('@') ? ref.slice(1) : ref;
  if (value.includes(':')) {
    return { kind: 'digest', digest: parseDigest(value) };
  }
  if (!TAG.test(value)) {
    throw new InvalidReferenceError(`Tag "${ref}" is invalid: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`);
  }
  return { kind: 'tag', tag: value };
}

/** Validates `algorithm:hex`; sha256 and sha512 must have their exact lengths. */
export function parseDigest(value: string): string {
  const match = DIGEST.exec(value);
  if (!match) throw new InvalidReferenceError(`Digest "${value}" is invalid: expected "sha256:" and 64 hex digits`);
  const [, algorithm, hex] = match;
  if (algorithm === 'sha256' && !SHA256_HEX.test(hex!)) {
    throw new InvalidReferenceError(`Digest "${value}" is invalid: sha256 needs 64 lower-case hex digits`);
  }
  if (algorithm === 'sha512' && !SHA512_HEX.test(hex!)) {
    throw new InvalidReferenceError(`Digest "${value}" is invalid: sha512 needs 128 lower-case hex digits`);
  }
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new InvalidReferenceError(`Digest "${value}" uses ${algorithm}; only sha256 and sha512 are supported`);
  }
  return value;
}

export function isValidTag(value: unknown): value is string {
  return typeof value === 'string' && TAG.test(value);
}

export function isValidRepositoryName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_REPOSITORY_LENGTH &&
    value.split('/').every((c) => PATH_COMPONENT.test(c))
  );
}

/** How a reference appears in a URL path: the tag, or the digest. */
export function referencePath(ref: Reference): string {
  return ref.kind === 'tag' ? ref.tag : ref.digest;
}

export function formatReference(repository: string, ref: Reference): string {
  return ref.kind === 'tag' ? `${repository}:${ref.tag}` : `${repository}@${ref.digest}`;
}
