/**
 * What `tag` means in a layout. A digest (`sha256:...`, `@sha256:...`) as on
 * a registry; otherwise the value of an entry's ref.name annotation. Layouts
 * written by other tools may use full references there
 * (`example.com/app:v1`), which the OCI ref.name grammar allows but a
 * registry tag does not, so reads accept that grammar. Writes accept tags only,
 * the same names a registry would take.
 */
import { InvalidReferenceError } from '../errors';
import { parseDigest, parseReference, type Reference } from '../reference';

/** image-spec annotations.md: `ref ::= component ("/" component)*`, separators `-._:@+` or `--`. */
const REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

export function isRefName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 1024 && REF_NAME.test(value);
}

/** For reads: a digest, a tag, or any OCI ref.name. */
export function parseLayoutReference(value: string): Reference {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidReferenceError('A tag or digest is required, e.g. "latest" or "sha256:..."');
  }
  if (value.startsWith('@') || /^sha(256|512):/.test(value)) {
    return { kind: 'digest', digest: parseDigest(value.replace(/^@/, '')) };
  }
  if (isRefName(value)) return { kind: 'tag', tag: value };
  // Tags such as `_x` or `a__b` are not ref names; anything else gets the usual message.
  return parseReference(value);
}
