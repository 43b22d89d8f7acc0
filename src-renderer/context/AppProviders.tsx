/**
 * Every context the panes read, in one place and in the order they need each
 * other: the bridge client first (react-query's reads and the jobs store call
 * it), then the query cache, the open dialog, where the person is, and the
 * jobs (whose start closes the dialog and opens the panel).
 */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { LadingClient } from '../bridge';
import { LadingProvider } from './lading';
import { JobsProvider } from './jobs';
import { NavigationProvider } from './navigation';
import { UiProvider } from './ui';

interface AppProvidersProps {
  lading: LadingClient;
  queryClient: QueryClient;
  children: ReactNode;
}

export function AppProviders({ lading, queryClient, children }: AppProvidersProps) {
  return (
    <LadingProvider client={lading}>
      <QueryClientProvider client={queryClient}>
        <UiProvider>
          <NavigationProvider>
            <JobsProvider>{children}</JobsProvider>
          </NavigationProvider>
        </UiProvider>
      </QueryClientProvider>
    </LadingProvider>
  );
}
