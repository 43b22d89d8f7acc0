/**
 * One level of a connection's repository tree: the children of a namespace,
 * read page by page from the catalog ("Show more"), with a filter when the
 * level is long. Registries without a catalog say so at the root.
 */
import { useState } from 'react';
import type { ChildEntry, Connection } from '../../../src-shared/contract';
import { useNavigation } from '../../context/navigation';
import { useUi } from '../../context/ui';
import { useChildren } from '../../hooks/queries';
import { useDebounced } from '../../hooks/useDebounced';
import { formatCount } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';
import { CatalogLess } from './CatalogLess';
import { levelIndent } from './indent';
import { moreRowId, treeId } from './tree-ids';
import { TreeRow } from './TreeView';

interface Props {
  connection: Connection;
  namespace: string;
  /** Level of the children (the parent's + 1). */
  level: number;
  parentId: string;
}

export function NamespaceChildren({ connection, namespace, level, parentId }: Props) {
  const [filter, setFilter] = useState('');
  const debounced = useDebounced(filter.trim(), 200);
  const query = useChildren(connection.id, namespace, debounced);
  const ui = useUi();
  const indent = levelIndent(level);

  if (query.isPending) {
    return (
      <div className="tree-note" style={indent} role="status">
        Loading…
      </div>
    );
  }
  if (query.isError && !query.data) {
    return (
      <div className="tree-error" style={indent}>
        <ErrorNotice
          compact
          error={query.error}
          onRetry={() => void query.refetch()}
          actions={
            <button type="button" onClick={() => ui.open({ kind: 'connection', connection })}>
              Edit connection
            </button>
          }
        />
      </div>
    );
  }
  const pages = query.data.pages;
  if (namespace === '' && pages[0] && !pages[0].catalogSupported) {
    return <CatalogLess connection={connection} message={pages[0].message} level={level} parentId={parentId} />;
  }
  const children = pages.flatMap((p) => p.children);
  const showFilter = namespace === '' || filter !== '' || pages.length > 1 || query.hasNextPage;
  return (
    <div role="group">
      {showFilter && (
        <div className="tree-filter" style={indent}>
          <input
            type="search"
            value={filter}
            placeholder={namespace ? `Filter ${namespace}/…` : 'Filter repositories'}
            aria-label={namespace ? `Filter ${namespace}` : `Filter repositories of ${connection.name}`}
            onChange={(e) => setFilter(e.target.value)}
          />
          {query.isFetching && !query.isFetchingNextPage && <span className="spinner small" aria-label="Filtering" />}
        </div>
      )}
      {children.length === 0 && (
        <div className="tree-note" style={indent}>
          {debounced ? `Nothing matches "${debounced}"` : 'No repositories'}
        </div>
      )}
      {children.map((child) => (
        <ChildNode key={child.path} connection={connection} child={child} level={level} parentId={parentId} />
      ))}
      {query.hasNextPage && (
        <TreeRow
          id={moreRowId(connection.id, namespace)}
          level={level}
          parentId={parentId}
          className="more-row"
          label={query.isFetchingNextPage ? 'Loading…' : `Show more (${formatCount(children.length)} shown)`}
          onActivate={() => {
            if (!query.isFetchingNextPage) void query.fetchNextPage();
          }}
        />
      )}
      {query.isFetchNextPageError && <ErrorNotice compact error={query.error} onRetry={() => void query.fetchNextPage()} />}
    </div>
  );
}

function ChildNode({ connection, child, level, parentId }: { connection: Connection; child: ChildEntry; level: number; parentId: string }) {
  const [expanded, setExpanded] = useState(false);
  const { state, dispatch } = useNavigation();
  const ui = useUi();
  const id = treeId(connection.id, child.path);
  const isRepository = child.kind !== 'namespace';
  const hasChildren = child.kind !== 'repository';
  const selected = state.connectionId === connection.id && state.repository === child.path;
  return (
    <>
      <TreeRow
        id={id}
        level={level}
        parentId={parentId}
        label={child.name}
        icon={isRepository ? '◆' : '▤'}
        title={child.path}
        selected={selected}
        expanded={expanded}
        className={isRepository ? 'repository' : 'namespace'}
        {...(isRepository
          ? { onActivate: () => dispatch({ type: 'openRepository', connectionId: connection.id, repository: child.path }) }
          : {})}
        {...(hasChildren ? { onToggle: () => setExpanded((v) => !v) } : {})}
        {...(isRepository
          ? {
              actions: (
                <button
                  type="button"
                  className="small-button"
                  aria-label={`Mirror repository ${child.path}…`}
                  title="Copy some or all tags to another registry"
                  onClick={() => ui.open({ kind: 'mirrorRepository', connectionId: connection.id, repository: child.path })}
                >
                  Mirror…
                </button>
              ),
            }
          : {})}
      />
      {hasChildren && expanded && <NamespaceChildren connection={connection} namespace={child.path} level={level + 1} parentId={id} />}
    </>
  );
}
