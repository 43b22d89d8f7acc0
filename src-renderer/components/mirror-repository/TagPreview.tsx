/** How many tags the selection picks, asked of main (browse.selectTags) while the person types. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TagSelectionInput } from '../../../src-shared/tag-selection';
import { useLading } from '../../context/lading';
import { connKey } from '../../hooks/queries';
import { useDebounced } from '../../hooks/useDebounced';
import { appErrorOf } from '../../lib/errors';
import { describePreview } from './mirror-repository-form';

export function useTagPreview(connectionId: string, repository: string, selection: TagSelectionInput | undefined) {
  const lading = useLading();
  const key = useDebounced(selection ? JSON.stringify(selection) : '', 250);
  return useQuery({
    queryKey: [...connKey(connectionId), 'select-tags', repository, key],
    queryFn: () => lading['browse.selectTags']({ connectionId, repository, tags: JSON.parse(key) as TagSelectionInput }),
    enabled: key !== '',
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** "Selects 3 of 2,617 tags: t0000, t0001, t0002", or why it cannot tell. */
export function TagPreview({ preview, problem }: { preview: ReturnType<typeof useTagPreview>; problem?: string | undefined }) {
  let text: string;
  let tone = 'dim';
  if (problem) {
    text = 'The preview appears when the tags above are complete.';
  } else if (preview.isError) {
    text = appErrorOf(preview.error).message;
    tone = 'error';
  } else if (!preview.data) {
    text = 'Counting the tags it selects…';
  } else {
    text = describePreview(preview.data);
    if (preview.data.selected === 0) tone = 'error';
  }
  return (
    <p className={`tag-preview ${tone}`} data-testid="tag-preview" aria-live="polite">
      {text}
      {preview.isFetching && <span className="spinner small" aria-label="Counting" />}
    </p>
  );
}
