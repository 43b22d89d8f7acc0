/**
 * An image's files for the Files tab: the listing from main when it is
 * indexed (from memory or the cache: a second open is instant); otherwise an
 * index job is started once, its progress per layer followed in the jobs
 * store, and the listing read when it is done. Cancel stops the job; a
 * cancelled or failed index is started again only when asked.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { JobStarted } from '../../src-shared/contract';
import { useJobs, useJobsStore } from '../context/jobs';
import { useLading } from '../context/lading';
import { FileTree } from '../lib/file-tree';
import { connKey } from './queries';

export interface FilesImage {
  connectionId: string;
  repository: string;
  /** The image manifest's digest: its listing never changes. */
  digest: string;
}

export const filesKey = (image: FilesImage) => [...connKey(image.connectionId), 'files', image.repository, image.digest] as const;

/** A job of the jobs store by id, kept up to date by its events. */
export function useJob(jobId: string | undefined) {
  const jobs = useJobs();
  return jobId === undefined ? undefined : jobs.find((j) => j.id === jobId);
}

/** An image as a job names it: a tag or a digest, and the platform when the reference is an index. */
export interface IndexedImage {
  connectionId: string;
  repository: string;
  reference: string;
  platform?: string | undefined;
}

/** Starts an index job (one image, or two to compare) and follows it. */
export function useIndexJob(images: IndexedImage[]) {
  const lading = useLading();
  const store = useJobsStore();
  const [jobId, setJobId] = useState<string>();
  const job = useJob(jobId);
  const start = useMutation({
    mutationFn: (): Promise<JobStarted> =>
      lading['jobs.indexFiles']({
        images: images.map((i) => ({
          connectionId: i.connectionId,
          repository: i.repository,
          reference: i.reference,
          ...(i.platform ? { platform: i.platform } : {}),
        })),
      }),
    onSuccess: (started) => {
      store.addStarted(started);
      setJobId(started.jobId);
    },
  });
  const cancel = useMutation({ mutationFn: (id: string) => lading['jobs.cancel']({ jobId: id }) });
  return { job, start, cancel: () => jobId && cancel.mutate(jobId), cancelling: cancel.isPending };
}

/**
 * Starts the index job once, the first time main says the images are not
 * indexed, and asks again (`refetch`) when it is done; gives the job's state.
 */
export function useIndexWhenMissing(index: ReturnType<typeof useIndexJob>, notIndexed: boolean, refetch: () => Promise<unknown>) {
  const started = useRef(false);
  const { mutate: startIndex } = index.start;
  useEffect(() => {
    if (notIndexed && !started.current) {
      started.current = true;
      startIndex();
    }
  }, [notIndexed, startIndex]);
  const state = index.job?.state;
  useEffect(() => {
    if (state === 'done') void refetch();
  }, [state, refetch]);
  return state;
}

export function useImageFiles(image: FilesImage) {
  const lading = useLading();
  const queries = useQueryClient();
  const ref = { connectionId: image.connectionId, repository: image.repository, reference: image.digest };
  // The start of the listing first, small enough to paint at once; the whole listing (megabytes of JSON for a big
  // image) is asked for once it is there, and replaces it. A listing this page already holds needs no start.
  const head = useQuery({
    queryKey: [...filesKey(image), 'head'],
    queryFn: () => lading['files.head'](ref),
    staleTime: Infinity,
    enabled: queries.getQueryData(filesKey(image)) === undefined,
  });
  const list = useQuery({
    queryKey: filesKey(image),
    queryFn: () => lading['files.list'](ref),
    staleTime: Infinity,
    // After the start has come (or when it is not asked for): its answer first, then the big one.
    enabled: !head.isFetching,
  });
  const index = useIndexJob([{ connectionId: image.connectionId, repository: image.repository, reference: image.digest }]);
  const notIndexed = list.data?.indexed === false;
  const state = useIndexWhenMissing(index, notIndexed, list.refetch);
  const listing = list.data?.indexed ? list.data.listing : head.data?.indexed ? head.data.listing : undefined;
  const tree = useMemo(() => (listing ? new FileTree(listing) : undefined), [listing]);
  return {
    list,
    tree,
    index,
    /** The job finished, yet main has no listing: it could not be kept (the cache full, or unwritable). */
    lost: state === 'done' && notIndexed && !list.isFetching,
  };
}
