/** A connection in the tree: its row (name, host, who), and below it the repository tree. */
import { useState } from 'react';
import type { Connection } from '../../../src-shared/contract';
import { useUi } from '../../context/ui';
import { NamespaceChildren } from '../tree/NamespaceChildren';
import { treeId } from '../tree/tree-ids';
import { TreeRow } from '../tree/TreeView';

function who(connection: Connection): string {
  if (connection.authKind === 'anonymous') return 'anonymous';
  if (connection.authKind === 'token') return connection.username ? `${connection.username} (token)` : 'token';
  return connection.username ?? 'basic';
}

export function ConnectionNode({ connection }: { connection: Connection }) {
  const [expanded, setExpanded] = useState(false);
  const ui = useUi();
  const id = treeId(connection.id, '');
  return (
    <>
      <TreeRow
        id={id}
        level={1}
        className="connection"
        icon="⛁"
        label={connection.name}
        meta={
          <>
            {connection.host} · {who(connection)}
            {connection.secret === 'session' && (
              <span className="badge" title="The secret is kept until Lading quits (no keychain)">
                {' '}
                session
              </span>
            )}
          </>
        }
        title={`${connection.name}: ${connection.plainHttp ? 'http' : 'https'}://${connection.host}`}
        expanded={expanded}
        onToggle={() => setExpanded((v) => !v)}
        actions={
          <button
            type="button"
            className="small-button"
            aria-label={`Edit connection ${connection.name}`}
            onClick={() => ui.open({ kind: 'connection', connection })}
          >
            Edit
          </button>
        }
      />
      {expanded && <NamespaceChildren connection={connection} namespace="" level={2} parentId={id} />}
    </>
  );
}
