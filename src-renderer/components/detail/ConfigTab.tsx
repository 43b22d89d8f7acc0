/** The image config: what runs (entrypoint, cmd, env, user, workdir, ports), labels, and the history that built it. */
import type { ConfigView, ManifestView } from '../../../src-shared/contract';
import { useNavigation } from '../../context/navigation';
import type { ImageRef } from '../../context/ui';
import { useImageConfig } from '../../hooks/queries';
import { formatTime } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { IndexPicker } from './IndexPicker';
import { JsonView } from './JsonView';
import { KeyValueTable } from './OverviewTab';

function commandLine(parts: string[]): string {
  return parts.length ? JSON.stringify(parts) : '—';
}

export function ConfigTab({ image, view }: { image: ImageRef; view: ManifestView }) {
  const isIndex = view.kind === 'index';
  const config = useImageConfig(image.connectionId, image.repository, image.reference, undefined, !isIndex);
  if (isIndex) return <IndexPicker view={view} what="config" tab="config" />;
  if (config.isPending) return <Loading what="config" />;
  if (config.isError) return <ErrorNotice error={config.error} onRetry={() => void config.refetch()} />;
  return <ConfigDetails config={config.data} />;
}

function ConfigDetails({ config }: { config: ConfigView }) {
  const { state } = useNavigation();
  const env = config.env.map((e) => {
    const eq = e.indexOf('=');
    return eq < 0 ? [e, ''] : [e.slice(0, eq), e.slice(eq + 1)];
  });
  return (
    <div className="config-tab">
      <dl className="facts wide">
        <dt>Platform</dt>
        <dd>{config.platform}</dd>
        <dt>Created</dt>
        <dd>{formatTime(config.created)}</dd>
        {config.author && (
          <>
            <dt>Author</dt>
            <dd>{config.author}</dd>
          </>
        )}
        <dt>Entrypoint</dt>
        <dd>
          <code data-testid="config-entrypoint">{commandLine(config.entrypoint)}</code>
        </dd>
        <dt>Cmd</dt>
        <dd>
          <code data-testid="config-cmd">{commandLine(config.cmd)}</code>
        </dd>
        <dt>Working dir</dt>
        <dd>
          <code>{config.workdir || '/'}</code>
        </dd>
        <dt>User</dt>
        <dd>
          <code>{config.user || 'root (not set)'}</code>
        </dd>
        <dt>Exposed ports</dt>
        <dd>{config.exposedPorts.length ? config.exposedPorts.join(', ') : '—'}</dd>
        {config.volumes.length > 0 && (
          <>
            <dt>Volumes</dt>
            <dd>{config.volumes.join(', ')}</dd>
          </>
        )}
        {config.stopSignal && (
          <>
            <dt>Stop signal</dt>
            <dd>{config.stopSignal}</dd>
          </>
        )}
        <dt>Config digest</dt>
        <dd className={state.highlight === config.configDigest ? 'highlight' : undefined}>
          <code>{config.configDigest}</code>
        </dd>
      </dl>

      <h3>Environment ({config.env.length})</h3>
      {env.length ? (
        <table className="table kv" aria-label="Environment">
          <tbody>
            {env.map(([k, v], i) => (
              <tr key={`${k}-${i}`}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="dim">No environment variables.</p>
      )}

      <h3>Labels ({Object.keys(config.labels).length})</h3>
      {Object.keys(config.labels).length ? <KeyValueTable entries={config.labels} label="Labels" /> : <p className="dim">No labels.</p>}

      <h3>History ({config.history.length})</h3>
      <table className="table history" aria-label="History">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Created</th>
            <th>Created by</th>
            <th>Layer</th>
          </tr>
        </thead>
        <tbody>
          {config.history.map((h, i) => (
            <tr key={i}>
              <td className="num">{i + 1}</td>
              <td className="nowrap">{formatTime(h.created)}</td>
              <td>
                <code className="created-by">{h.createdBy ?? ''}</code>
                {h.comment && <div className="dim">{h.comment}</div>}
              </td>
              <td className="dim">{h.emptyLayer ? 'empty' : 'layer'}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <details className="raw">
        <summary>Config JSON</summary>
        <JsonView text={config.raw} label="Config JSON" />
      </details>
    </div>
  );
}
