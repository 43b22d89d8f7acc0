/** First launch: logins found in Docker's or Podman's config, offered for import. */
import { useState } from 'react';
import { useUi } from '../../context/ui';
import { useImportCandidates } from '../../hooks/queries';
import { plural } from '../../lib/format';
import { dismissImports, dismissedImports } from '../../lib/storage';

export function ImportBanner() {
  const query = useImportCandidates();
  const ui = useUi();
  const [dismissed, setDismissed] = useState(() => new Set(dismissedImports()));
  const fresh = (query.data?.candidates ?? []).filter((c) => !c.existing && !dismissed.has(c.key));
  if (fresh.length === 0) return null;
  const hosts = [...new Set(fresh.map((c) => c.host))];
  return (
    <div className="banner" role="region" aria-label="Logins found">
      <div>
        Found {plural(fresh.length, 'login')} in your Docker or Podman config: {hosts.slice(0, 3).join(', ')}
        {hosts.length > 3 ? ` and ${hosts.length - 3} more` : ''}.
      </div>
      <div className="banner-actions">
        <button type="button" className="primary" onClick={() => ui.open({ kind: 'import' })}>
          Import…
        </button>
        <button
          type="button"
          onClick={() => {
            dismissImports(fresh.map((c) => c.key));
            setDismissed(new Set(dismissedImports()));
          }}
        >
          Not now
        </button>
      </div>
    </div>
  );
}
