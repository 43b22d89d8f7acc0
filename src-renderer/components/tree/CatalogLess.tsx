/**
 * A registry without a repository list (Docker Hub, GHCR): say so, and let
 * the person open a repository by name; the ones opened stay listed.
 */
import { useMemo, useState } from 'react';
import type { Connection } from '../../../src-shared/contract';
import { repositorySchema } from '../../../src-shared/schemas';
import { useNavigation } from '../../context/navigation';
import { canonicalHost } from '../../lib/reference';
import { forgetRepository, recentRepositories, rememberRepository } from '../../lib/storage';
import { FieldError } from '../form/FieldError';
import { levelIndent } from './indent';
import { treeId } from './tree-ids';
import { TreeRow } from './TreeView';

interface Props {
  connection: Connection;
  message?: string | undefined;
  level: number;
  parentId: string;
}

function isDockerHub(connection: Connection): boolean {
  return connection.preset === 'docker-hub' || canonicalHost(connection.host) === 'docker.io';
}

export function CatalogLess({ connection, message, level, parentId }: Props) {
  const [version, setVersion] = useState(0);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const { state, dispatch } = useNavigation();
  // Re-read when the selection moves: the reference bar also remembers repositories opened here.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const recent = useMemo(() => recentRepositories(connection.id), [connection.id, state.repository, version]);
  const indent = levelIndent(level);
  const hub = isDockerHub(connection);

  const open = (repository: string) => {
    rememberRepository(connection.id, repository);
    setVersion((v) => v + 1);
    dispatch({ type: 'openRepository', connectionId: connection.id, repository });
  };

  const submit = () => {
    let repository = name.trim().replace(/^\/+|\/+$/g, '');
    if (hub && repository && !repository.includes('/')) repository = `library/${repository}`;
    const checked = repositorySchema.safeParse(repository);
    if (!checked.success) {
      setProblem(checked.error.issues[0]?.message ?? 'Not a repository name');
      return;
    }
    setProblem(undefined);
    setName('');
    open(repository);
  };

  return (
    <div role="group">
      <div className="tree-note catalog-less" style={indent} data-testid="catalog-less" title={message}>
        <strong>No repository list here:</strong> {connection.name} does not publish its catalog. Open a repository by name:
      </div>
      <div
        className="open-by-name"
        style={indent}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            submit();
          }
        }}
      >
        <input
          type="text"
          value={name}
          placeholder={hub ? 'library/alpine' : 'org/app'}
          aria-label={`Repository name on ${connection.name}`}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="button" onClick={submit}>
          Open
        </button>
      </div>
      <FieldError error={problem} style={indent} />
      {recent.map((repository) => (
        <TreeRow
          key={repository}
          id={treeId(connection.id, repository)}
          level={level}
          parentId={parentId}
          icon="◆"
          label={repository}
          className="repository"
          selected={state.connectionId === connection.id && state.repository === repository}
          onActivate={() => open(repository)}
          actions={
            <button
              type="button"
              className="icon-button"
              tabIndex={-1}
              aria-label={`Forget ${repository}`}
              title="Remove from this list"
              onClick={() => {
                forgetRepository(connection.id, repository);
                setVersion((v) => v + 1);
              }}
            >
              ×
            </button>
          }
        />
      ))}
    </div>
  );
}
