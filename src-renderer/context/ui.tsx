/** Which dialog is open, and whether the jobs panel is; any pane may change them. */
import { useMemo, useState, type ReactNode } from 'react';
import type { Connection } from '../../src-shared/contract';
import { createStrictContext } from './strict-context';

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
  | { kind: 'mirror'; image: ImageRef }
  | { kind: 'saveArchive'; image: ImageRef }
  | { kind: 'mirrorRepository'; connectionId: string; repository: string };

interface UiContextValue {
  dialog: OpenDialog | null;
  open: (dialog: OpenDialog) => void;
  close: () => void;
  jobsOpen: boolean;
  setJobsOpen: (open: boolean) => void;
}

const [UiContextProvider, useUi] = createStrictContext<UiContextValue>('useUi');

export { useUi };

export function UiProvider({ children }: { children: ReactNode }) {
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const [jobsOpen, setJobsOpen] = useState(true);
  const value = useMemo<UiContextValue>(
    () => ({ dialog, open: setDialog, close: () => setDialog(null), jobsOpen, setJobsOpen }),
    [dialog, jobsOpen],
  );
  return <UiContextProvider value={value}>{children}</UiContextProvider>;
}
