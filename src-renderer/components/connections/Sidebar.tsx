/** Left pane: the connections, each with its repository tree. */
import { useUi } from '../../context/ui';
import { useConnections, useCredentialsStatus } from '../../hooks/queries';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { TreeView } from '../tree/TreeView';
import { ConnectionNode } from './ConnectionNode';
import { ImportBanner } from './ImportBanner';

export function Sidebar() {
  const connections = useConnections();
  const credentials = useCredentialsStatus();
  const ui = useUi();
  return (
    <nav className="pane sidebar" aria-label="Connections">
      <div className="pane-header">
        <h2>Connections</h2>
        <button type="button" className="small-button" onClick={() => ui.open({ kind: 'connection' })}>
          + Add
        </button>
      </div>
      <ImportBanner />
      {credentials.data && !credentials.data.keychainAvailable && (
        <div className="notice" title={credentials.data.message}>
          No keychain: passwords are kept for this session only.
        </div>
      )}
      <div className="pane-body">
        {connections.isPending && <Loading what="connections" />}
        {connections.isError && <ErrorNotice error={connections.error} onRetry={() => void connections.refetch()} />}
        {connections.data && (
          <TreeView label="Connections and repositories">
            {connections.data.map((c) => (
              <ConnectionNode key={c.id} connection={c} />
            ))}
          </TreeView>
        )}
        {connections.data?.length === 0 && (
          <div className="empty">
            No connections.{' '}
            <button type="button" className="link-button" onClick={() => ui.open({ kind: 'connection' })}>
              Add one
            </button>
          </div>
        )}
      </div>
    </nav>
  );
}
