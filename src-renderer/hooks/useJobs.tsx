/** The jobs store, fed by the bridge's job events; one per app. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useApi } from '../lib/api';
import { JobsStore, type JobView } from '../lib/jobs';

const JobsContext = createContext<JobsStore | null>(null);

export function JobsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [store] = useState(() => new JobsStore());
  useEffect(() => {
    const off = api.onJobEvent((event) => store.apply(event));
    // Jobs started before this page (a reload): list them once.
    api['jobs.list']({}).then(
      (list) => store.addListed(list),
      () => undefined,
    );
    return off;
  }, [api, store]);
  return <JobsContext.Provider value={store}>{children}</JobsContext.Provider>;
}

export function useJobsStore(): JobsStore {
  const store = useContext(JobsContext);
  if (!store) throw new Error('useJobsStore outside JobsProvider');
  return store;
}

export function useJobs(): JobView[] {
  const store = useJobsStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
