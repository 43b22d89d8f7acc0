/**
 * The renderer's entry: one bridge client (Electron preload or the web
 * bridge's WebSocket), react-query, and the app.
 */
import { QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getLadingClient } from './bridge';
import { App } from './components/layout/App';
import { AppProviders } from './context/AppProviders';
import { isPermanent } from './lib/errors';
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
      <AppProviders lading={getLadingClient()} queryClient={queryClient}>
        <App />
      </AppProviders>
    </StrictMode>,
  );
}
