/** An image being indexed: each layer's progress, Cancel; or why it stopped, and Index again. */
import type { JobView } from '../../lib/jobs';
import { formatBytes, plural, shortDigest } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';

interface Props {
  layers: { digest: string; size: number }[];
  job: JobView | undefined;
  startError: unknown;
  /** Indexed, but main kept no listing. */
  lost: boolean;
  cancelling: boolean;
  onCancel: () => void;
  onStart: () => void;
}

export function IndexingProgress({ layers, job, startError, lost, cancelling, onCancel, onStart }: Props) {
  if (startError) return <ErrorNotice error={startError} onRetry={onStart} />;
  if (lost) {
    return (
      <ErrorNotice
        error={{
          code: 'disk',
          message: 'The image was indexed, but its listing could not be kept (the file index cache is full or cannot be written).',
        }}
        onRetry={onStart}
      />
    );
  }
  if (job?.state === 'failed') return <ErrorNotice error={job.error} onRetry={onStart} />;
  if (job?.state === 'cancelled') {
    return (
      <div className="files-indexing" data-testid="files-indexing">
        <p>Indexing was cancelled.</p>
        <button type="button" onClick={onStart}>
          Index again
        </button>
      </div>
    );
  }
  const blobs = new Map((job?.blobs ?? []).map((b) => [b.digest, b]));
  const percent = job && job.bytesTotal > 0 ? Math.min(100, (job.bytesDone / job.bytesTotal) * 100) : 0;
  return (
    <div className="files-indexing" data-testid="files-indexing">
      <div className="tab-tools">
        <span>
          Reading {plural(layers.length, 'layer')} to list the files ({formatBytes(job?.bytesDone ?? 0)} of{' '}
          {formatBytes(layers.reduce((n, l) => n + l.size, 0))}): once indexed, the image opens at once.
        </span>
        <button type="button" onClick={onCancel} disabled={!job || job.state !== 'running' || cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label="Indexing the image's files"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <ol className="index-layers" aria-label="Layers">
        {layers.map((layer, i) => {
          const blob = blobs.get(layer.digest);
          const done = blob ? (blob.size > 0 ? Math.min(100, (blob.done / blob.size) * 100) : 100) : 0;
          const state = blob?.state ?? 'pending';
          return (
            <li key={`${layer.digest}-${i}`} data-layer-state={state}>
              <span className="index-layer-name">
                Layer {i + 1} <code title={layer.digest}>{shortDigest(layer.digest)}</code> · {formatBytes(layer.size)}
              </span>
              <span className="progress small" aria-hidden="true">
                <span className="progress-fill" style={{ width: `${done}%` }} />
              </span>
              <span className="dim">{state === 'done' ? 'read' : state === 'running' ? `${Math.round(done)} %` : 'waiting'}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
