/** The bridge client, handed down through React context (tests or a story could pass another). */
import type { ReactNode } from 'react';
import type { LadingClient } from '../bridge';
import { createStrictContext } from './strict-context';

const [LadingContextProvider, useLading] = createStrictContext<LadingClient>('useLading');

export { useLading };

export function LadingProvider({ client, children }: { client: LadingClient; children: ReactNode }) {
  return <LadingContextProvider value={client}>{children}</LadingContextProvider>;
}
