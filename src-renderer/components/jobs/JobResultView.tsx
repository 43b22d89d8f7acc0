/** A finished job's result in one or two lines. */
import type { JobResult } from '../../../src-shared/contract';
import { formatBytes, formatCount, plural, shortDigest } from '../../lib/format';
import { CopyButton } from '../common/CopyButton';
import { MirrorRepositoryResultView } from '../mirror-repository/MirrorRepositoryResultView';
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
          {result.skipped?.length
            ? `; skipped ${plural(result.skipped.length, 'entry', 'entries')} (${result.skipped
                .slice(0, 3)
                .map((s) => `${s.path}: ${s.reason}`)
                .join('; ')})`
            : ''}
        </span>
      );
    case 'mirrorRepository':
      return <MirrorRepositoryResultView result={result} />;
    case 'saveArchive':
      return (
        <span>
          Saved {result.format === 'docker' ? 'a docker archive' : 'an OCI archive'} ({formatBytes(result.bytesWritten)}
          {result.images.length > 1
            ? `, ${plural(result.images.length, 'image')}`
            : result.images[0]?.platform
              ? `, ${result.images[0].platform}`
              : ''}
          ): <code>{result.path}</code>. Load it with <code data-testid="load-command">{result.loadCommand}</code>{' '}
          <CopyButton value={result.loadCommand} label="Copy command" what="load command" />
        </span>
      );
    case 'indexFiles':
      return <span>Indexed {result.images.map((i) => `${formatCount(i.entries)} entries of ${shortDigest(i.digest)}`).join(' and ')}</span>;
    case 'saveFiles':
      return (
        <span>
          Saved <code>/{result.imagePath}</code> as <code>{result.savedAs}</code>: {plural(result.entries, 'entry', 'entries')},{' '}
          {formatBytes(result.bytesWritten)}
          {result.skipped.length
            ? `; skipped ${plural(result.skipped.length, 'entry', 'entries')} (${result.skipped
                .slice(0, 3)
                .map((s) => `${s.path}: ${s.reason}`)
                .join('; ')})`
            : ''}
        </span>
      );
    case 'mirror':
      return (
        <>
          <span>
            Mirrored to <code>{result.target}</code> (<code title={result.digest}>{shortDigest(result.digest)}</code>):{' '}
            {formatCount(result.copied)} blobs copied, {formatCount(result.skipped)} already there, {formatCount(result.mounted)} mounted,{' '}
            {formatBytes(result.bytesCopied)} sent
            {result.rewritten ? '; the index was rewritten for the chosen platforms' : ''}
          </span>
          {result.referrers && <MirroredReferrers referrers={result.referrers} notes={result.referrerNotes ?? []} />}
        </>
      );
    case 'tagFacts':
      return (
        <span>
          Read the facts of {plural(result.looked, 'tag')} of <code>{result.repository}</code> ({formatCount(result.read)} images read,{' '}
          {formatCount(result.looked - result.read - result.failed)} already known
          {result.failed ? `, ${formatCount(result.failed)} failed` : ''})
        </span>
      );
  }
}
