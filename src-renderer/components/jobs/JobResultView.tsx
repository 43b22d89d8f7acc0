/** A finished job's result in one or two lines. */
import type { JobResult } from '../../../src-shared/contract';
import { formatBytes, formatCount, plural, shortDigest } from '../../lib/format';
import { MirroredReferrers } from './MirroredReferrers';

export function JobResultView({ result }: { result: JobResult }) {
  switch (result.kind) {
    case 'saveLayers':
      return (
        <span>
          Saved {plural(result.files.length, 'file')}, {formatBytes(result.files.reduce((n, f) => n + f.bytes, 0))}
          {result.files.length === 1 && (
            <>
              : <code>{result.files[0]!.path}</code>
            </>
          )}
        </span>
      );
    case 'saveLayout':
      return (
        <span>
          Saved an OCI layout ({plural(result.images.length, 'image')}, {formatBytes(result.bytesWritten)} written) as “{result.tag}”,
          digest <code title={result.digest}>{shortDigest(result.digest)}</code>
        </span>
      );
    case 'extract':
      return (
        <span>
          Extracted {result.entries !== undefined ? `${formatCount(result.entries)} entries` : 'the filesystem'}
          {result.bytesWritten !== undefined ? `, ${formatBytes(result.bytesWritten)}` : ''}
          {result.platform ? ` (${result.platform})` : ''}
          {result.skipped?.length ? `; skipped ${plural(result.skipped.length, 'entry', 'entries')} (${result.skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`).join('; ')})` : ''}
        </span>
      );
    case 'mirror':
      return (
        <>
          <span>
            Mirrored to <code>{result.target}</code> (<code title={result.digest}>{shortDigest(result.digest)}</code>): {formatCount(result.copied)} blobs
            copied, {formatCount(result.skipped)} already there, {formatCount(result.mounted)} mounted, {formatBytes(result.bytesCopied)} sent
            {result.rewritten ? '; the index was rewritten for the chosen platforms' : ''}
          </span>
          {result.referrers && <MirroredReferrers referrers={result.referrers} notes={result.referrerNotes ?? []} />}
        </>
      );
  }
}
