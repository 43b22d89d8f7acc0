/**
 * Input schemas for the names and values the contract accepts: repository
 * paths, tags and digests by the OCI distribution grammar, connection and job
 * ids of a fixed form, absolute target paths, bounded free text. Every schema
 * is strict and bounded, so whatever reaches a service is well-formed.
 * Plain zod: no Node, no DOM, usable in the renderer for form validation.
 */
import { z } from 'zod';

// ---- grammars (OCI distribution spec) ----

/** One path component: lower-case letters and digits, single separators `.`, `_`, `__`, `-`+. */
export const PATH_COMPONENT_PATTERN = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
/** `host`, `host:port`, `[v6]:port`. */
export const HOST_PATTERN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;
/** `os/arch[/variant]`, e.g. `linux/arm64/v8`. */
export const PLATFORM_PATTERN = /^[a-z0-9._-]{1,32}\/[a-z0-9._-]{1,32}(?:\/[a-z0-9._-]{1,32})?$/;
export const CONNECTION_ID_PATTERN = /^conn-[0-9a-f]{16}$/;
export const JOB_ID_PATTERN = /^job-[0-9a-f]{16}$/;

/** distribution refuses longer repository names. */
export const MAX_REPOSITORY_LENGTH = 255;
export const MAX_PATH_LENGTH = 4096;
export const MAX_SECRET_LENGTH = 16 * 1024;
export const MAX_CA_LENGTH = 256 * 1024;
export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 100;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function noDotDot(value: string): boolean {
  return !value.split(/[\\/]/).some((part) => part === '..');
}

// ---- names ----

/** `a/b/c`: each component by the OCI grammar, at most 255 characters, no `..`. */
export const repositorySchema = z
  .string({ error: 'Repository must be a string' })
  .min(1, 'Repository is required')
  .max(MAX_REPOSITORY_LENGTH, `Repository is longer than ${MAX_REPOSITORY_LENGTH} characters`)
  .refine(noDotDot, { message: 'Repository must not contain ".."', abort: true })
  .refine(
    (v) => v.split('/').every((c) => PATH_COMPONENT_PATTERN.test(c)),
    'Repository is invalid: use lower-case letters, digits and single separators (. _ __ -) between "/", e.g. "team/app"',
  );

/** A position in the repository tree: '' (the root) or a repository path. */
export const namespaceSchema = z.union([z.literal(''), repositorySchema], {
  error: 'Namespace must be "" (the root) or a repository path such as "team/apps"',
});

/** One name in the tree (a child of a namespace): a single path component. */
export const childNameSchema = z
  .string({ error: 'Child name must be a string' })
  .max(MAX_REPOSITORY_LENGTH, `Child name is longer than ${MAX_REPOSITORY_LENGTH} characters`)
  .regex(PATH_COMPONENT_PATTERN, 'Child name must be one repository path component, e.g. "apps"');

export const tagSchema = z
  .string({ error: 'Tag must be a string' })
  .regex(TAG_PATTERN, 'Tag is invalid: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"');

export const digestSchema = z
  .string({ error: 'Digest must be a string' })
  .max(200, 'Digest is too long')
  .regex(DIGEST_PATTERN, 'Digest is invalid: expected "sha256:" and 64 lower-case hex digits');

/** A tag or a digest (no `@`). */
export const referenceSchema = z
  .string({ error: 'Reference must be a string' })
  .max(200, 'Reference is too long')
  .refine(
    (v) => TAG_PATTERN.test(v) || DIGEST_PATTERN.test(v),
    'Reference must be a tag (e.g. "v1.2") or a digest ("sha256:" and 64 hex digits)',
  );

/**
 * An image's name in an archive, `[host[:port]/]path[:tag]`, as `docker load`
 * takes it in RepoTags (a name without a tag means `:latest`).
 */
export const archiveNameSchema = z
  .string({ error: 'Name must be a string' })
  .max(400, 'Name is too long')
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/,
    'Name must look like "registry.example.com/team/app:v1" (lower-case path, optional tag)',
  );

export const platformSchema = z
  .string({ error: 'Platform must be a string' })
  .regex(PLATFORM_PATTERN, 'Platform must look like "linux/amd64" or "linux/arm64/v8"');

export const connectionIdSchema = z
  .string({ error: 'Connection id must be a string' })
  .regex(CONNECTION_ID_PATTERN, 'Connection id is invalid: expected "conn-" and 16 hex digits');

export const jobIdSchema = z
  .string({ error: 'Job id must be a string' })
  .regex(JOB_ID_PATTERN, 'Job id is invalid: expected "job-" and 16 hex digits');

/**
 * A registry address: `host[:port][/path]`, optionally with `https://` or
 * `http://` (which turns plain HTTP on). The path scopes the connection, as
 * `registry.deckhouse.io/deckhouse/ce` does.
 */
export const registryHostSchema = z
  .string({ error: 'Host must be a string' })
  .trim()
  .min(1, 'Host is required, e.g. "ghcr.io" or "localhost:5000"')
  .max(300, 'Host is longer than 300 characters')
  .refine(noDotDot, 'Host must not contain ".."')
  .refine((v) => {
    const rest = v.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
    const [host = '', ...path] = rest.split('/');
    if (!HOST_PATTERN.test(host)) return false;
    const port = /:(\d+)$/.exec(host);
    if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) return false;
    return path.every((c) => PATH_COMPONENT_PATTERN.test(c));
  }, 'Host is invalid: expected e.g. "ghcr.io", "localhost:5000" or "registry.example.com/team"');

/** An absolute path (POSIX `/...`, Windows `C:\...` or `\\server\share\...`), no NUL, no `..`. */
export const absolutePathSchema = z
  .string({ error: 'Path must be a string' })
  .min(1, 'Path is required')
  .max(MAX_PATH_LENGTH, `Path is longer than ${MAX_PATH_LENGTH} characters`)
  .refine((v) => !v.includes('\0'), 'Path must not contain a NUL character')
  .refine(
    (v) => v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v) || /^\\\\[^\\]+\\[^\\]+/.test(v),
    'Path must be absolute, e.g. "/home/me/images"',
  )
  .refine(noDotDot, 'Path must not contain ".." segments');

// ---- free text ----

export const displayNameSchema = z
  .string({ error: 'Name must be a string' })
  .trim()
  .min(1, 'Name is required')
  .max(100, 'Name is longer than 100 characters')
  .refine((v) => !CONTROL.test(v), 'Name must not contain control characters');

export const usernameSchema = z
  .string({ error: 'Username must be a string' })
  .max(256, 'Username is longer than 256 characters')
  .refine((v) => !CONTROL.test(v), 'Username must not contain control characters')
  .refine((v) => !v.includes(':'), 'Username must not contain ":"');

/** A password or token. Never echoed back in any message. */
export const secretSchema = z
  .string({ error: 'Secret must be a string' })
  .min(1, 'Secret must not be empty (use null to remove it)')
  .max(MAX_SECRET_LENGTH, `Secret is longer than ${MAX_SECRET_LENGTH} characters`)
  .refine((v) => !CONTROL.test(v), 'Secret must not contain control characters');

export const caPemSchema = z
  .string({ error: 'CA certificate must be a string' })
  .max(MAX_CA_LENGTH, `CA certificate is longer than ${MAX_CA_LENGTH} characters`)
  .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'CA certificate must be PEM ("-----BEGIN CERTIFICATE-----")');

export const filterSchema = z.string({ error: 'Filter must be a string' }).max(128, 'Filter is longer than 128 characters');

export const limitSchema = z
  .number({ error: 'Limit must be a number' })
  .int('Limit must be a whole number')
  .min(1, 'Limit must be at least 1')
  .max(MAX_PAGE_LIMIT, `Limit must be at most ${MAX_PAGE_LIMIT}`);

/** How a candidate from Docker's or Podman's config is named: `<source>:<server>`. */
export const importKeySchema = z
  .string({ error: 'Import key must be a string' })
  .max(400, 'Import key is too long')
  .regex(/^(?:docker|podman):[A-Za-z0-9.:[\]/_-]{1,380}$/, 'Import key is invalid: use a key from connections.importCandidates')
  .refine(noDotDot, 'Import key must not contain ".."');

export const authKindSchema = z.enum(['anonymous', 'basic', 'token'], { error: 'Auth kind must be "anonymous", "basic" or "token"' });
/** For auth kind `token`: an OAuth2 refresh token (Docker's `identitytoken`) or a bearer token sent as is. */
export const tokenTypeSchema = z.enum(['identity', 'bearer'], { error: 'Token type must be "identity" or "bearer"' });
