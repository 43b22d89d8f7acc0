/**
 * Static files of the built renderer, and nothing else: a request path is
 * refused when it has `..` or `.` segments (raw or percent-encoded), a NUL,
 * a backslash, or a hidden name; what is left must resolve (symlinks
 * followed) to a regular file inside the root.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved =
  { kind: 'file'; path: string; size: number; contentType: string } | { kind: 'refused'; reason: string } | { kind: 'missing' };

/**
 * Maps the raw request target (`/assets/x.js?v=1`) to a file under `root`
 * (an absolute, already real path). `/` is index.html.
 */
export async function resolveStatic(root: string, rawTarget: string): Promise<Resolved> {
  const rawPath = rawTarget.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return { kind: 'refused', reason: 'not an absolute path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'refused', reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused', reason: 'NUL or backslash in path' };
  const segments = decoded.split('/').slice(1);
  for (const [i, s] of segments.entries()) {
    if (s === '..' || s === '.') return { kind: 'refused', reason: 'dot segment in path' };
    if (s === '' && i < segments.length - 1) return { kind: 'refused', reason: 'empty segment in path' };
    if (s.startsWith('.')) return { kind: 'refused', reason: 'hidden file' };
  }
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  if (relative.endsWith('/') || relative === '') return { kind: 'missing' };
  const candidate = join(root, ...relative.split('/'));
  if (!candidate.startsWith(root + sep)) return { kind: 'refused', reason: 'outside the root' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'missing' };
  }
  if (!real.startsWith(root + sep)) return { kind: 'refused', reason: 'a link leads outside the root' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', path: real, size: info.size, contentType: contentTypeOf(real) };
}
