/**
 * The tags of a repository as a table, virtualized: only the rows in view (and
 * a few around them) are in the DOM, whatever the count. The scrollbar is sized
 * for every tag from the first page on (the registry says how many); pages
 * are fetched one after another while the rows in view are not loaded yet.
 * The facts of the rows in view (digest, created, size, platforms) are asked
 * for as they scroll into view (useTagFacts). Sorted by name (natural), by
 * version or by date (TagDatesBar reads the dates it misses).
 * Keyboard (useListKeyboard): Up/Down, PageUp/PageDown, Home/End move; Enter opens the tag.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TagSort } from '../../../src-shared/tag-order';
import { useNavigation } from '../../context/navigation';
import { useUi } from '../../context/ui';
import { useTags } from '../../hooks/queries';
import { useDebounced } from '../../hooks/useDebounced';
import { useListKeyboard } from '../../hooks/useListKeyboard';
import { useTagFacts } from '../../hooks/useTagFacts';
import { formatCount } from '../../lib/format';
import { rowsPerPage } from '../../lib/list-keys';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { TagDatesBar } from './TagDatesBar';
import { TagRow } from './TagRow';

const SORT_LABELS: Record<TagSort, string> = { name: 'Name', version: 'Version (highest first)', created: 'Created (newest first)' };

export const TAG_ROW_HEIGHT = 24;

interface Props {
  connectionId: string;
  repository: string;
  host: string;
}

export function TagList({ connectionId, repository, host }: Props) {
  const [filter, setFilter] = useState('');
  const debounced = useDebounced(filter.trim(), 200);
  const [sort, setSort] = useState<TagSort>('name');
  const query = useTags(connectionId, repository, debounced, sort);
  const facts = useTagFacts(connectionId, repository);
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

  // The facts of the rows in view (the overscan included), these and no others.
  const firstInView = items.length ? items[0]!.index : 0;
  const inView = useMemo(() => tags.slice(firstInView, lastInView + 1), [tags, firstInView, lastInView]);
  useEffect(() => facts.loader.show(inView), [facts.loader, inView]);

  // A new filter or order starts at the top, once its first page is there (the list is hidden until then).
  const hasRows = first !== undefined;
  useEffect(() => {
    setActive(0);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [debounced, sort, hasRows]);

  const { refetch } = query;
  const datesArrived = useCallback(() => {
    void refetch();
    facts.loader.reloadCached();
  }, [refetch, facts.loader]);

  // The reference bar asked to show the selected tag: once per ask (not again when the order changes).
  const revealed = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!state.reference || revealed.current === state.revealTag) return;
    const i = tags.indexOf(state.reference);
    if (i >= 0) {
      revealed.current = state.revealTag;
      setActive(i);
      virtualizer.scrollToIndex(i, { align: 'center' });
    }
    // Only when asked, not on every page that arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.revealTag, first !== undefined]);

  const open = useCallback(
    (index: number) => {
      const tag = tags[index];
      setActive(index);
      if (tag !== undefined) dispatch({ type: 'openReference', connectionId, repository, reference: tag });
    },
    [tags, dispatch, connectionId, repository],
  );

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
        <button
          type="button"
          className="small-button"
          title="Read the tag list from the registry again"
          onClick={() => {
            query.refresh();
            facts.loader.recheck();
          }}
        >
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
        <div className="tag-tools-line">
          <span className="tag-count" data-testid="tag-count" aria-live="polite">
            {loadedText}
            {(query.isFetching || isFetchingNextPage) && <span className="spinner small" aria-label="Loading" />}
          </span>
          <select aria-label="Sort tags" value={sort} onChange={(e) => setSort(e.target.value as TagSort)}>
            {(Object.keys(SORT_LABELS) as TagSort[]).map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        {facts.loader.rateLimit && (
          <span className="tag-rate-limit" data-testid="rate-limit" title={`As the registry said at ${facts.loader.rateLimit.seenAt}`}>
            Pull limit: {formatCount(facts.loader.rateLimit.remaining)} of {formatCount(facts.loader.rateLimit.limit)} left
            {facts.loader.rateLimit.windowSeconds ? ` per ${Math.round(facts.loader.rateLimit.windowSeconds / 3600)} h` : ''}
          </span>
        )}
      </div>
      {sort === 'created' && first && (
        <TagDatesBar connectionId={connectionId} repository={repository} missing={first.missingFacts ?? 0} onProgress={datesArrived} />
      )}
      {first && total > 0 && (
        <div className="tag-head" aria-hidden="true">
          <span className="tag-cell tag-name-cell">Tag</span>
          <span className="tag-cell tag-digest">Digest</span>
          <span className="tag-cell tag-created">Created</span>
          <span className="tag-cell tag-size">Size</span>
          <span className="tag-cell tag-platforms">Platforms</span>
        </div>
      )}
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
            return (
              <TagRow
                key={item.key}
                index={item.index}
                tag={tag}
                fact={tag === undefined ? undefined : facts.loader.fact(tag)}
                start={item.start}
                height={TAG_ROW_HEIGHT}
                active={item.index === active}
                selected={tag !== undefined && tag === selectedTag}
                onOpen={open}
              />
            );
          })}
        </div>
      </div>
      {query.isFetchNextPageError && <ErrorNotice compact error={query.error} onRetry={() => void fetchNextPage()} />}
    </div>
  );
}
