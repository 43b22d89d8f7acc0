/** The bridge client, handed down through React context (tests or a story could pass another). */
import { createContext, useContext, type ReactNode } from 'react';
import type { LadingClient } from '../bridge';

const ApiContext = createContext<LadingClient | null>(null);

export function ApiProvider({ client, children }: { client: LadingClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): LadingClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}
