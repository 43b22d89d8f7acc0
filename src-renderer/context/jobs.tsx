/** The jobs store, fed by the bridge's job events; one per app. */
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { JobsStore, type JobView } from '../lib/jobs';
import { useApi } from './api';
import { createStrictContext } from './strict-context';

const [JobsContextProvider, useJobsStore] = createStrictContext<JobsStore>('useJobsStore');

export { useJobsStore };

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
  return <JobsContextProvider value={store}>{children}</JobsContextProvider>;
}

export function useJobs(): JobView[] {
  const store = useJobsStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
