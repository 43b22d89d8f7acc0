/**
 * The renderer's entry: one bridge client (Electron preload or the web
 * bridge's WebSocket), react-query, and the app.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getLadingClient } from './bridge';
import { App } from './components/layout/App';
import { JobsProvider } from './hooks/useJobs';
import { ApiProvider } from './lib/api';
import { isPermanent } from './lib/errors';
import { NavigationProvider } from './lib/navigation';
import { UiProvider } from './lib/ui';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The client library already retries what is worth retrying; a wrong password or a missing tag is said at once.
      retry: (count, error) => count < 1 && !isPermanent(error),
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
    mutations: { retry: false },
  },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider client={getLadingClient()}>
        <QueryClientProvider client={queryClient}>
          <UiProvider>
            <NavigationProvider>
              <JobsProvider>
                <App />
              </JobsProvider>
            </NavigationProvider>
          </UiProvider>
        </QueryClientProvider>
      </ApiProvider>
    </StrictMode>,
  );
}
