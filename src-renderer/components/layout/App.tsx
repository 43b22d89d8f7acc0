/** The window: top bar, three panes (connections, tags, image), jobs at the bottom, and the open dialog. */
import { useUi } from '../../context/ui';
import { ActionDialogs } from '../actions/ActionDialogs';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { ConnectionDialog } from '../connections/ConnectionDialog';
import { ImportDialog } from '../connections/ImportDialog';
import { Sidebar } from '../connections/Sidebar';
import { DetailPane } from '../detail/DetailPane';
import { JobsPanel } from '../jobs/JobsPanel';
import { TagPane } from '../tags/TagPane';
import { ReferenceBar } from './ReferenceBar';

export function App() {
  const { dialog } = useUi();
  return (
    <div className="app">
      <header className="top-bar">
        <span className="brand" aria-label="Lading">
          Lading
        </span>
        <ReferenceBar />
      </header>
      <main className="panes">
        <ErrorBoundary>
          <Sidebar />
        </ErrorBoundary>
        <ErrorBoundary>
          <TagPane />
        </ErrorBoundary>
        <ErrorBoundary>
          <DetailPane />
        </ErrorBoundary>
      </main>
      <ErrorBoundary>
        <JobsPanel />
      </ErrorBoundary>
      {dialog?.kind === 'connection' && (
        <ConnectionDialog
          {...(dialog.connection ? { connection: dialog.connection } : {})}
          {...(dialog.seed ? { seed: dialog.seed } : {})}
        />
      )}
      {dialog?.kind === 'import' && <ImportDialog />}
      <ActionDialogs />
    </div>
  );
}
