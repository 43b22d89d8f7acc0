/** A repository mirror's result: counts, then the tags copied, unchanged and failed (each failure with why). */
import type { MirrorRepositoryJobResult } from '../../../src-shared/contract';
import { formatBytes, formatCount, plural } from '../../lib/format';

const SHOWN = 50;

function TagNames({ label, tags }: { label: string; tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <div className="mirror-tags">
      <span className="dim">{label}:</span> {tags.slice(0, SHOWN).join(', ')}
      {tags.length > SHOWN ? ` and ${formatCount(tags.length - SHOWN)} more` : ''}
    </div>
  );
}

export function MirrorRepositoryResultView({ result }: { result: MirrorRepositoryJobResult }) {
  return (
    <span data-testid="mirror-repository-result">
      Mirrored {result.selection} of <code>{result.source}</code> to <code>{result.target}</code>: {formatCount(result.copied.length)}{' '}
      copied, {formatCount(result.skipped.length)} already there, {formatCount(result.failed.length)} failed;{' '}
      {plural(result.blobsUploaded, 'blob')} uploaded ({formatBytes(result.bytesCopied)})
      {result.blobsMounted ? `, ${plural(result.blobsMounted, 'blob')} mounted` : ''}
      <TagNames label="Copied" tags={result.copied.map((t) => t.tag)} />
      <TagNames label="Already there" tags={result.skipped.map((t) => t.tag)} />
      {result.failed.length > 0 && (
        <ul className="mirror-failed" aria-label="Failed tags">
          {result.failed.slice(0, SHOWN).map((f) => (
            <li key={f.tag}>
              <code>{f.tag}</code>: {f.error.message}
            </li>
          ))}
          {result.failed.length > SHOWN && <li>and {formatCount(result.failed.length - SHOWN)} more</li>}
        </ul>
      )}
    </span>
  );
}
