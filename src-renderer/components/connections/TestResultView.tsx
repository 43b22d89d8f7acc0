/** What a connection test found, point by point. */
import type { ConnectionTestResult } from '../../../src-shared/contract';
import { ErrorNotice } from '../common/ErrorNotice';

const TLS: Record<ConnectionTestResult['tls'], string> = {
  ok: 'verified',
  'not-verified': 'not verified (skip verify is on)',
  'not-used': 'not used (plain HTTP)',
  failed: 'failed',
  unknown: 'not known',
};

const CREDENTIALS: Record<ConnectionTestResult['credentials'], string> = {
  accepted: 'accepted',
  rejected: 'rejected',
  anonymous: 'none given (anonymous)',
  unknown: 'not checked',
};

const CATALOG: Record<ConnectionTestResult['catalog'], string> = {
  supported: 'available: the repository tree can be browsed',
  unsupported: 'not offered: open repositories by name',
  unknown: 'not known',
};

interface Props {
  result: ConnectionTestResult;
  /** Ticks "Plain HTTP" and tests again; offered when the server answered plain HTTP as a registry. */
  onUsePlainHttp?: () => void;
}

function reachable(result: ConnectionTestResult): string {
  if (!result.reachable) return 'no';
  return result.tls === 'failed' ? 'yes, TLS failed' : 'yes';
}

export function TestResultView({ result, onUsePlainHttp }: Props) {
  const offerPlainHttp = result.plainHttpAnswers === true && onUsePlainHttp !== undefined;
  return (
    <div className={result.ok ? 'test-result ok' : 'test-result failed'} role="status" data-testid="test-result">
      <div className="test-headline">
        {result.ok ? `✓ Connected to ${result.registry}` : `✗ Could not use ${result.registry}`}
        <span className="dim"> ({result.elapsedMs} ms)</span>
      </div>
      <dl className="facts">
        <dt>Reachable</dt>
        <dd>{reachable(result)}</dd>
        <dt>TLS</dt>
        <dd>{result.plainHttpAnswers ? 'failed: the server speaks plain HTTP' : TLS[result.tls]}</dd>
        <dt>Credentials</dt>
        <dd className={result.credentials === 'rejected' ? 'bad' : undefined}>{CREDENTIALS[result.credentials]}</dd>
        <dt>Catalog</dt>
        <dd>{CATALOG[result.catalog]}</dd>
      </dl>
      {offerPlainHttp && (
        <div className="test-offer">
          <span>It answers as a registry over plain HTTP, without encryption.</span>
          <button type="button" onClick={onUsePlainHttp}>
            Use plain HTTP and test again
          </button>
        </div>
      )}
      {result.error && <ErrorNotice compact error={result.error} />}
    </div>
  );
}
