/**
 * The Compare tab: the image on show (a) against the one chosen with
 * Compare… (b): both are indexed first if they were not (one job, layers
 * they share read once), then the difference is shown.
 */
import { useQuery } from '@tanstack/react-query';
import type { ManifestView } from '../../../src-shared/contract';
import { useLading } from '../../context/lading';
import { useNavigation } from '../../context/navigation';
import { useUi, type ImageRef } from '../../context/ui';
import { connKey, useConnection } from '../../hooks/queries';
import { useIndexJob, useIndexWhenMissing, type IndexedImage } from '../../hooks/useImageFiles';
import { formatReference, isDigest } from '../../lib/reference';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { IndexPicker } from '../detail/IndexPicker';
import { IndexingProgress } from '../files/IndexingProgress';
import { DiffView } from './DiffView';

export function CompareTab({ image, view }: { image: ImageRef; view: ManifestView }) {
  const { state } = useNavigation();
  const ui = useUi();
  if (view.kind === 'index') return <IndexPicker view={view} what="comparison" tab="compare" />;
  const other = state.compare;
  if (!other) {
    return (
      <div className="compare-empty">
        <p>Compare this image&apos;s layers, config and files with another tag of {image.repository}, or any image.</p>
        <button type="button" onClick={() => ui.open({ kind: 'compare', image })}>
          Compare with…
        </button>
      </div>
    );
  }
  const a: IndexedImage = { connectionId: image.connectionId, repository: image.repository, reference: view.digest };
  // An index on the other side: the platform this image was reached through, else main's default.
  const b: IndexedImage = { ...other, ...(image.platform ? { platform: image.platform } : {}) };
  return <Comparison key={JSON.stringify([a, b])} image={image} a={a} b={b} />;
}

function Comparison({ image, a, b }: { image: ImageRef; a: IndexedImage; b: IndexedImage }) {
  const lading = useLading();
  const ui = useUi();
  const hostA = useConnection(a.connectionId)?.host ?? '';
  const hostB = useConnection(b.connectionId)?.host ?? '';
  const diff = useQuery({
    queryKey: [...connKey(a.connectionId), 'diff', a.repository, a.reference, b.connectionId, b.repository, b.reference, b.platform ?? ''],
    queryFn: () => lading['files.diff']({ a, b }),
    staleTime: isDigest(b.reference) ? Infinity : 60_000,
  });
  const index = useIndexJob([a, b]);
  const state = useIndexWhenMissing(index, diff.data?.indexed === false, diff.refetch);

  return (
    <div className="compare-tab">
      <div className="tab-tools">
        <dl className="compare-pair">
          <dt className="diff-side side-a">A</dt>
          <dd>
            {/* As it was reached (a tag, most often); the comparison itself is of the digest on show. */}
            <code data-testid="compare-a" title={a.reference}>
              {formatReference(hostA, a.repository, image.reference)}
            </code>
            {image.platform && <span className="dim"> ({image.platform})</span>}
          </dd>
          <dt className="diff-side side-b">B</dt>
          <dd>
            <code data-testid="compare-b">{formatReference(hostB, b.repository, b.reference)}</code>
            {b.platform && <span className="dim"> ({b.platform})</span>}
          </dd>
        </dl>
        <button type="button" onClick={() => ui.open({ kind: 'compare', image })}>
          Change…
        </button>
      </div>
      {diff.isPending && <Loading what="the comparison" />}
      {diff.isError && <ErrorNotice error={diff.error} onRetry={() => void diff.refetch()} />}
      {diff.data?.indexed === false && (
        <IndexingProgress
          layers={(index.job?.blobs ?? []).map(({ digest, size }) => ({ digest, size }))}
          job={index.job}
          startError={index.start.error}
          lost={state === 'done' && !diff.isFetching}
          cancelling={index.cancelling}
          onCancel={index.cancel}
          onStart={() => index.start.mutate()}
        />
      )}
      {diff.data?.indexed && <DiffView diff={diff.data.diff} />}
    </div>
  );
}
