/** Which dialog is open; any pane may open one. */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Connection } from '../../src-shared/contract';

export interface ImageRef {
  connectionId: string;
  repository: string;
  reference: string;
  /** When the image was reached through an index. */
  platform?: string;
}

export interface ConnectionDraftSeed {
  host?: string;
  name?: string;
}

export type OpenDialog =
  | { kind: 'connection'; connection?: Connection; seed?: ConnectionDraftSeed }
  | { kind: 'import' }
  | { kind: 'saveLayers'; image: ImageRef; layers?: string[] }
  | { kind: 'saveLayout'; image: ImageRef }
  | { kind: 'extract'; image: ImageRef }
  | { kind: 'mirror'; image: ImageRef };

interface UiContextValue {
  dialog: OpenDialog | null;
  open(dialog: OpenDialog): void;
  close(): void;
  jobsOpen: boolean;
  setJobsOpen(open: boolean): void;
}

const UiContext = createContext<UiContextValue | null>(null);

export function UiProvider({ children }: { children: ReactNode }) {
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const [jobsOpen, setJobsOpen] = useState(true);
  const value = useMemo<UiContextValue>(
    () => ({ dialog, open: setDialog, close: () => setDialog(null), jobsOpen, setJobsOpen }),
    [dialog, jobsOpen],
  );
  return <UiContext.Provider value={value}>{children}</UiContext.Provider>;
}

export function useUi(): UiContextValue {
  const value = useContext(UiContext);
  if (!value) throw new Error('useUi outside UiProvider');
  return value;
}
