/**
 * The tags of a repository, virtualized: only the rows in view (and a few
 * around them) are in the DOM, whatever the count. The scrollbar is sized
 * for every tag from the first page on (the registry says how many); pages
 * are fetched one after another while the rows in view are not loaded yet.
 * Keyboard (useListKeyboard): Up/Down, PageUp/PageDown, Home/End move; Enter opens the tag.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigation } from '../../context/navigation';
import { useUi } from '../../context/ui';
import { useTags } from '../../hooks/queries';
import { useDebounced } from '../../hooks/useDebounced';
import { useListKeyboard } from '../../hooks/useListKeyboard';
import { formatCount } from '../../lib/format';
import { rowsPerPage } from '../../lib/list-keys';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';

export const TAG_ROW_HEIGHT = 24;

interface Props {
  connectionId: string;
  repository: string;
  host: string;
}

export function TagList({ connectionId, repository, host }: Props) {
  const [filter, setFilter] = useState('');
  const debounced = useDebounced(filter.trim(), 200);
  const query = useTags(connectionId, repository, debounced);
  const { state, dispatch } = useNavigation();
  const ui = useUi();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);

  const tags = useMemo(() => query.data?.pages.flatMap((p) => p.tags) ?? [], [query.data]);
  const first = query.data?.pages[0];
  const total = first ? Math.max(first.total, tags.length) : 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TAG_ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastInView = items.length ? items[items.length - 1]!.index : -1;

  // Rows in view that are not loaded yet: fetch the next page (one at a time, in order).
  useEffect(() => {
    if (lastInView >= tags.length - 1 - 50 && hasNextPage && !isFetchingNextPage && !query.isFetchNextPageError) void fetchNextPage();
  }, [lastInView, tags.length, hasNextPage, isFetchingNextPage, fetchNextPage, query.isFetchNextPageError]);

  // A new filter starts at the top.
  useEffect(() => {
    setActive(0);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [debounced]);

  // The reference bar asked to show the selected tag.
  useEffect(() => {
    if (!state.reference) return;
    const i = tags.indexOf(state.reference);
    if (i >= 0) {
      setActive(i);
      virtualizer.scrollToIndex(i, { align: 'center' });
    }
    // Only when asked, not on every page that arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.revealTag, first !== undefined]);

  const open = (index: number) => {
    const tag = tags[index];
    if (tag !== undefined) dispatch({ type: 'openReference', connectionId, repository, reference: tag });
  };

  const keys = useListKeyboard({
    position: () => ({ count: total, active }),
    moveTo: (index) => {
      setActive(index);
      virtualizer.scrollToIndex(index, { align: 'auto' });
    },
    activate: open,
    pageSize: () => rowsPerPage(scrollRef.current?.clientHeight ?? 240, TAG_ROW_HEIGHT),
  });

  const selectedTag = state.connectionId === connectionId && state.repository === repository ? state.reference : undefined;
  const loadedText = !first
    ? ''
    : debounced
      ? `${formatCount(tags.length)} of ${formatCount(first.total)} matching loaded · ${formatCount(first.totalUnfiltered)} tags in all`
      : `${formatCount(tags.length)} of ${formatCount(first.total)} tags loaded`;

  return (
    <div className="tag-list">
      <div className="pane-header">
        <h2 title={`${host}/${repository}`}>{repository}</h2>
        <button type="button" className="small-button" title="Read the tag list from the registry again" onClick={query.refresh}>
          Refresh
        </button>
        <button
          type="button"
          className="small-button"
          aria-label="Mirror repository…"
          title="Mirror repository: copy some or all tags to another registry"
          onClick={() => ui.open({ kind: 'mirrorRepository', connectionId, repository })}
        >
          Mirror…
        </button>
      </div>
      <div className="tag-tools">
        <input
          type="search"
          value={filter}
          placeholder="Filter tags"
          aria-label="Filter tags"
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              scrollRef.current?.focus();
            }
          }}
        />
        <span className="tag-count" data-testid="tag-count" aria-live="polite">
          {loadedText}
          {(query.isFetching || isFetchingNextPage) && <span className="spinner small" aria-label="Loading" />}
        </span>
      </div>
      {query.isPending && <Loading what="tags" />}
      {query.isError && !query.isFetchNextPageError && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {first && total === 0 && <div className="empty">{debounced ? `No tag matches "${debounced}"` : 'This repository has no tags.'}</div>}
      <div
        ref={scrollRef}
        className={keys.keyboard ? 'tag-scroll keyboard' : 'tag-scroll'}
        role="listbox"
        tabIndex={0}
        aria-label={`Tags of ${repository}`}
        aria-activedescendant={total ? `tag-row-${active}` : undefined}
        onKeyDown={keys.onKeyDown}
        onMouseDown={keys.onMouseDown}
        hidden={!first || total === 0}
      >
        <div className="tag-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const tag = tags[item.index];
            const selected = tag !== undefined && tag === selectedTag;
            return (
              <div
                key={item.key}
                id={`tag-row-${item.index}`}
                role="option"
                aria-selected={selected}
                data-tag-row=""
                className={['tag-row', item.index === active ? 'active' : '', selected ? 'selected' : '', tag === undefined ? 'placeholder' : ''].join(' ')}
                style={{ transform: `translateY(${item.start}px)`, height: `${TAG_ROW_HEIGHT}px` }}
                onClick={() => {
                  setActive(item.index);
                  open(item.index);
                }}
              >
                {tag ?? '…'}
              </div>
            );
          })}
        </div>
      </div>
      {query.isFetchNextPageError && <ErrorNotice compact error={query.error} onRetry={() => void fetchNextPage()} />}
    </div>
  );
}
