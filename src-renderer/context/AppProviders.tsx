/**
 * Every context the panes read, in one place and in the order they need each
 * other: the bridge client first (react-query's reads and the jobs store call
 * it), then the query cache, the open dialog, where the person is, and the
 * jobs (whose start closes the dialog and opens the panel).
 */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { LadingClient } from '../bridge';
import { ApiProvider } from './api';
import { JobsProvider } from './jobs';
import { NavigationProvider } from './navigation';
import { UiProvider } from './ui';

interface AppProvidersProps {
  api: LadingClient;
  queryClient: QueryClient;
  children: ReactNode;
}

export function AppProviders({ api, queryClient, children }: AppProvidersProps) {
  return (
    <ApiProvider client={api}>
      <QueryClientProvider client={queryClient}>
        <UiProvider>
          <NavigationProvider>
            <JobsProvider>{children}</JobsProvider>
          </NavigationProvider>
        </UiProvider>
      </QueryClientProvider>
    </ApiProvider>
  );
}
