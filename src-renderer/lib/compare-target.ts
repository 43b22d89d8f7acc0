/**
 * What a person types as the image to compare with: a tag or digest of the
 * same repository (`v2`, `sha256:…`), a repository of the same connection
 * (`team/app:v2`), or a full reference on any saved connection
 * (`ghcr.io/org/app:v1`).
 */
import type { Connection } from '../../src-shared/contract';
import { DIGEST_PATTERN, TAG_PATTERN } from '../../src-shared/schemas';
import type { CompareWith } from './nav-state';
import { parseReference, resolveReference } from './reference';

export type CompareTarget = { ok: true; value: CompareWith } | { ok: false; message: string };

function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || /^\[.*\]$/.test(component);
}

export function compareTarget(
  text: string,
  current: { connectionId: string; repository: string },
  connections: readonly Connection[],
): CompareTarget {
  const input = text.trim();
  if (!input) return { ok: false, message: 'Type a tag of this repository, or a reference such as host/repository:tag' };
  if (DIGEST_PATTERN.test(input) || TAG_PATTERN.test(input))
    return { ok: true, value: { connectionId: current.connectionId, repository: current.repository, reference: input } };
  const parsed = parseReference(input);
  if (!parsed.ok) return parsed;
  const first = input.replace(/^(docker:\/\/|https?:\/\/)/i, '').split('/')[0] ?? '';
  if (!input.includes('/') || !looksLikeHost(first)) {
    // No host: a repository of this connection.
    return { ok: true, value: { connectionId: current.connectionId, repository: parsed.value.path, reference: parsed.value.reference } };
  }
  const resolved = resolveReference(parsed.value, connections);
  if (!resolved) return { ok: false, message: `No saved connection for ${parsed.value.host}: add one first` };
  return { ok: true, value: { connectionId: resolved.connection.id, repository: resolved.repository, reference: resolved.reference } };
}
