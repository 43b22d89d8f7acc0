/** Importing logins from ~/.docker/config.json and Podman's auth.json. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ImportCandidate } from '../../../src-shared/contract';
import { useLading } from '../../context/lading';
import { useUi } from '../../context/ui';
import { useImportCandidates } from '../../hooks/queries';
import { plural } from '../../lib/format';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';

function where(c: ImportCandidate): string {
  if (c.via === 'file') return `${c.source === 'docker' ? 'Docker' : 'Podman'} config`;
  return `docker-credential-${c.helper ?? '?'} (${c.via})`;
}

export function ImportDialog() {
  const lading = useLading();
  const ui = useUi();
  const client = useQueryClient();
  const candidates = useImportCandidates();
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const list = candidates.data?.candidates ?? [];
  const selected = chosen ?? new Set(list.filter((c) => !c.existing).map((c) => c.key));

  const run = useMutation({
    mutationFn: (keys: string[]) => lading['connections.import']({ keys }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['connections'] });
      await client.invalidateQueries({ queryKey: ['import-candidates'] });
    },
  });

  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setChosen(next);
  };

  const done = run.data;
  return (
    <Dialog
      name="import"
      title="Import logins from Docker or Podman"
      wide
      onClose={ui.close}
      onSubmit={() => selected.size > 0 && !done && run.mutate([...selected])}
      footer={
        done ? (
          <button type="button" className="primary" onClick={ui.close}>
            Close
          </button>
        ) : (
          <DialogButtons
            submitLabel={`Import ${selected.size || ''}`.trim()}
            pendingLabel="Importing…"
            pending={run.isPending}
            disabled={selected.size === 0}
            onCancel={ui.close}
          />
        )
      }
    >
      {candidates.isPending && <Loading what="logins" />}
      {candidates.isError && <ErrorNotice error={candidates.error} onRetry={() => void candidates.refetch()} />}
      {candidates.data && list.length === 0 && (
        <div className="empty">
          No logins found. Looked in:
          <ul>
            {candidates.data.sources.map((s) => (
              <li key={s.file}>
                <code>{s.file}</code> {s.found ? '' : '(not there)'} {s.error ? `: ${s.error}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      {list.length > 0 && !done && (
        <table className="table">
          <thead>
            <tr>
              <th />
              <th>Registry</th>
              <th>User</th>
              <th>From</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.key}>
                <td>
                  <input type="checkbox" aria-label={`Import ${c.host}`} checked={selected.has(c.key)} onChange={() => toggle(c.key)} />
                </td>
                <td>
                  {c.host}
                  {c.plainHttp ? ' (http)' : ''}
                </td>
                <td>{c.username ?? (c.authKind === 'token' ? 'token' : 'from the helper')}</td>
                <td title={c.file}>{where(c)}</td>
                <td className="dim">{c.existing ? 'updates a saved connection' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {done && (
        <div role="status">
          <p>Imported {plural(done.imported.length, 'login')}.</p>
          {done.imported.map((i) => (
            <div key={i.key}>
              ✓ {i.connection.name} ({i.connection.host}){i.updated ? ', updated' : ''}
            </div>
          ))}
          {done.failed.map((f) => (
            <div key={f.key}>
              <div>✗ {f.key.replace(/^[a-z]+:/, '')}</div>
              <ErrorNotice compact error={f.error} />
            </div>
          ))}
        </div>
      )}
      {run.isError && <ErrorNotice error={run.error} />}
    </Dialog>
  );
}
