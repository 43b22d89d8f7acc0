/**
 * The tag facts loader of a repository's table (lib/tag-facts-loader.ts),
 * one per open table. Dialogs that change tags (retag, delete) ask the live
 * loader of that repository to check its rows again.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useLading } from '../context/lading';
import { TagFactsLoader } from '../lib/tag-facts-loader';

const live = new Map<string, TagFactsLoader>();
const keyOf = (connectionId: string, repository: string) => `${connectionId}\0${repository}`;

export function useTagFacts(connectionId: string, repository: string): { loader: TagFactsLoader; version: number } {
  const lading = useLading();
  const [loader] = useState(() => new TagFactsLoader({ facts: (input) => lading['tags.facts']({ connectionId, repository, ...input }) }));
  useEffect(() => {
    const key = keyOf(connectionId, repository);
    live.set(key, loader);
    loader.start();
    return () => {
      if (live.get(key) === loader) live.delete(key);
      loader.stop();
    };
  }, [connectionId, repository, loader]);
  const version = useSyncExternalStore(loader.subscribe, loader.getVersion);
  return { loader, version };
}

/** Tags of a repository changed (a retag, a delete): its open table checks its rows again. */
export function recheckTagFacts(connectionId: string, repository: string): void {
  live.get(keyOf(connectionId, repository))?.recheck();
}
