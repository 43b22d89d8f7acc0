/** The jobs store, fed by the bridge's job events; one per app. */
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { JobsStore, type JobView } from '../lib/jobs';
import { useLading } from './lading';
import { createStrictContext } from './strict-context';

const [JobsContextProvider, useJobsStore] = createStrictContext<JobsStore>('useJobsStore');

export { useJobsStore };

export function JobsProvider({ children }: { children: ReactNode }) {
  const lading = useLading();
  const [store] = useState(() => new JobsStore());
  useEffect(() => {
    const off = lading.onJobEvent((event) => store.apply(event));
    // Jobs started before this page (a reload): list them once.
    lading['jobs.list']({}).then(
      (list) => store.addListed(list),
      () => undefined,
    );
    return off;
  }, [lading, store]);
  return <JobsContextProvider value={store}>{children}</JobsContextProvider>;
}

export function useJobs(): JobView[] {
  const store = useJobsStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
