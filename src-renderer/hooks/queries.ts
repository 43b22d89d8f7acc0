/**
 * The reads the UI makes, as react-query hooks. Keys start with
 * ['conn', connectionId] so that editing a connection refreshes everything
 * read through it.
 */
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import type { BrowseTagsResult } from '../../src-shared/contract';
import type { TagSort } from '../../src-shared/tag-order';
import { useLading } from '../context/lading';

/** Tags per page: large enough that a scroll rarely waits, small enough to arrive at once. */
export const TAG_PAGE_SIZE = 500;
/** Children per page of the repository tree. */
export const TREE_PAGE_SIZE = 100;

export const connKey = (connectionId: string) => ['conn', connectionId] as const;

export function useConnections() {
  const lading = useLading();
  return useQuery({ queryKey: ['connections'], queryFn: () => lading['connections.list']({}) });
}

/** One saved connection, from the list already read (undefined while it loads, or when it was removed). */
export function useConnection(connectionId: string | undefined) {
  return useConnections().data?.find((c) => c.id === connectionId);
}

export function useCredentialsStatus() {
  const lading = useLading();
  return useQuery({ queryKey: ['credentials-status'], queryFn: () => lading['credentials.status']({}), staleTime: Infinity });
}

export function useImportCandidates(enabled = true) {
  const lading = useLading();
  return useQuery({ queryKey: ['import-candidates'], queryFn: () => lading['connections.importCandidates']({}), enabled });
}

export function useChildren(connectionId: string, namespace: string, filter: string, enabled = true) {
  const lading = useLading();
  return useInfiniteQuery({
    queryKey: [...connKey(connectionId), 'children', namespace, filter],
    queryFn: ({ pageParam }) =>
      lading['browse.children']({
        connectionId,
        namespace,
        limit: TREE_PAGE_SIZE,
        ...(pageParam ? { last: pageParam } : {}),
        ...(filter ? { filter } : {}),
      }),
    initialPageParam: '',
    getNextPageParam: (page) => page.next,
    enabled,
    placeholderData: keepPreviousData,
  });
}

/**
 * Pages of tags, fetched one after another as the list scrolls. `refresh()`
 * re-reads the registry (the service otherwise reuses its list for a while).
 * A sorted list pages by position (`offset`): the date order changes as
 * dates arrive, and a page that starts where the last one ended stays whole.
 */
export function useTags(connectionId: string, repository: string, filter: string, sort: TagSort = 'name') {
  const lading = useLading();
  const refreshNext = useRef(false);
  const query = useInfiniteQuery({
    queryKey: [...connKey(connectionId), 'tags', repository, filter, sort],
    queryFn: ({ pageParam }): Promise<BrowseTagsResult> => {
      const refresh = pageParam === 0 && refreshNext.current;
      refreshNext.current = false;
      return lading['browse.tags']({
        connectionId,
        repository,
        limit: TAG_PAGE_SIZE,
        sort,
        ...(pageParam ? { offset: pageParam } : {}),
        ...(filter ? { filter } : {}),
        ...(refresh ? { refresh: true } : {}),
      });
    },
    initialPageParam: 0,
    getNextPageParam: (page) => page.nextOffset,
    ...(filter ? { placeholderData: keepPreviousData } : {}),
  });
  const client = useQueryClient();
  const refresh = () => {
    refreshNext.current = true;
    void client.resetQueries({ queryKey: [...connKey(connectionId), 'tags', repository] });
  };
  return { ...query, refresh };
}

export function useManifest(connectionId: string, repository: string, reference: string) {
  const lading = useLading();
  return useQuery({
    queryKey: [...connKey(connectionId), 'manifest', repository, reference],
    queryFn: () => lading['browse.manifest']({ connectionId, repository, reference }),
    // A digest's manifest never changes; a tag's may move, but not while one looks at it.
    staleTime: 5 * 60_000,
  });
}

export function useImageConfig(connectionId: string, repository: string, reference: string, platform: string | undefined, enabled = true) {
  const lading = useLading();
  return useQuery({
    queryKey: [...connKey(connectionId), 'config', repository, reference, platform ?? ''],
    queryFn: () => lading['browse.config']({ connectionId, repository, reference, ...(platform ? { platform } : {}) }),
    staleTime: 5 * 60_000,
    enabled,
  });
}
