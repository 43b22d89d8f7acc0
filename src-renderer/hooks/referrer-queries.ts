/**
 * The reads of the Referrers tab, as react-query hooks (keys under
 * ['conn', connectionId] as in queries.ts, so editing a connection refreshes
 * them): what is attached to the image shown, and one attachment decoded.
 */
import { useQuery } from '@tanstack/react-query';
import type { ReferrerKindView } from '../../src-shared/referrers';
import { useLading } from '../context/lading';
import { currentImage, useNavigation } from '../context/navigation';
import { connKey, useManifest } from './queries';

/**
 * The index the shown image was opened from, when it was: BuildKit keeps an
 * image's attestations there. The parent's manifest was read on the way in,
 * so this reads nothing new (without a parent it asks for the image's own,
 * also cached).
 */
function useParentIndex(): string | undefined {
  const { state } = useNavigation();
  const image = currentImage(state);
  const parent = state.trail.length === 0 ? undefined : (state.trail[state.trail.length - 2]?.reference ?? state.reference);
  const view = useManifest(image?.connectionId ?? '', image?.repository ?? '', parent ?? image?.reference ?? '').data;
  return parent !== undefined && view?.kind === 'index' ? view.digest : undefined;
}

/** What is attached to an image or index (and, for an image opened from an index, what the index holds about it). */
export function useReferrers(connectionId: string, repository: string, reference: string) {
  const lading = useLading();
  const index = useParentIndex();
  return useQuery({
    queryKey: [...connKey(connectionId), 'referrers', repository, reference, index ?? ''],
    queryFn: () => lading['referrers.list']({ connectionId, repository, reference, ...(index ? { index } : {}) }),
    staleTime: 60_000,
  });
}

/** One attachment, decoded (a referrer's manifest never changes: its digest names it). */
export function useAttachment(connectionId: string, repository: string, digest: string | undefined, kind: ReferrerKindView) {
  const lading = useLading();
  return useQuery({
    queryKey: [...connKey(connectionId), 'attachment', repository, digest ?? '', kind],
    queryFn: () => lading['referrers.read']({ connectionId, repository, digest: digest!, kind }),
    enabled: digest !== undefined,
    staleTime: Infinity,
  });
}
