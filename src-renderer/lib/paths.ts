/**
 * Target paths typed into the action dialogs: checked as main will check
 * them, and the names proposed for a new folder. The path is on the machine
 * running Lading, which may not be the browser's.
 */
import { absolutePathSchema } from '../../src-shared/schemas';
import { shortDigest } from './format';
import { isDigest } from './reference';

/** What is wrong with a typed path, or undefined when main would take it. */
export function checkPath(value: string): string | undefined {
  const result = absolutePathSchema.safeParse(value.trim());
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** `/a/b/` + `name` -> `/a/b/name`; nothing when there is no folder yet. */
export function joinPath(dir: string, name: string): string {
  if (!dir) return '';
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** The folder a path is in (Windows separators too: the web bridge may run there). */
export function parentOf(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i > 0 ? trimmed.slice(0, i) : trimmed;
}

/** A name for the image's files and folders: `app-v1.2`, or `app-0123456789ab` for a digest (its first 12 hex digits, as docker shows). */
export function imageBaseName(image: { repository: string; reference: string }): string {
  const repo = image.repository.split('/').pop() || 'image';
  return `${repo}-${isDigest(image.reference) ? shortDigest(image.reference) : image.reference}`;
}
