/**
 * Referrers: what is attached to the image or index (signatures,
 * attestations, SBOMs), grouped, each with where it was found (the
 * Referrers API, the tag schema, a cosign tag, the index); one opens below
 * the list, decoded. Verify… checks the cosign signatures against a key.
 */
import { useState } from 'react';
import type { ManifestView } from '../../../src-shared/contract';
import type { ReferrerView, ReferrersView } from '../../../src-shared/referrers';
import { useNavigation } from '../../context/navigation';
import type { ImageRef } from '../../context/ui';
import { formatBytes, shortDigest } from '../../lib/format';
import { describeArtifact, groupReferrers, isNotationSignature, sourceWords, summarizeKinds } from '../../lib/referrers';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { AttachmentDetail } from './AttachmentDetail';
import { VerifyDialog } from './VerifyDialog';

interface ReferrersTabProps {
  image: ImageRef;
  view: ManifestView;
  /** The useReferrers query (DetailPane reads it for the tab's count). */
  referrers: { data?: ReferrersView | undefined; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
}

export function ReferrersTab({ image, view, referrers }: ReferrersTabProps) {
  const { dispatch } = useNavigation();
  const [open, setOpen] = useState<string | undefined>();
  const [verifying, setVerifying] = useState(false);
  if (referrers.isPending) return <Loading what="referrers" />;
  if (referrers.isError) return <ErrorNotice error={referrers.error} onRetry={() => void referrers.refetch()} />;
  const list = referrers.data?.referrers ?? [];
  const selected = list.find((r) => r.digest === open);
  const hasSignatures = list.some((r) => r.kind === 'signature');
  const notationSignatures = list.filter(isNotationSignature).length;
  return (
    <div className="referrers-tab">
      <div className="tab-tools">
        <span data-testid="referrers-summary">
          {list.length === 0 ? `Nothing is attached to this ${view.kind}.` : `Attached: ${summarizeKinds(list.map((r) => r.kind))}`}
        </span>
        <button
          type="button"
          onClick={() => setVerifying(true)}
          disabled={!hasSignatures}
          title={hasSignatures ? undefined : 'No signature to check'}
        >
          Verify…
        </button>
      </div>
      {groupReferrers(list).map((group) => (
        <section key={group.kind} className="referrer-group" aria-label={group.title}>
          <h3>
            {group.title} ({group.referrers.length})
          </h3>
          <table className="table referrers" aria-label={group.title}>
            <thead>
              <tr>
                <th>What</th>
                <th>Found</th>
                {view.kind === 'index' && <th>About</th>}
                <th>Digest</th>
                <th className="num">Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {group.referrers.map((r) => (
                <ReferrerRow
                  key={r.digest}
                  referrer={r}
                  index={view.kind === 'index' ? view : undefined}
                  open={r.digest === open}
                  onToggle={() => setOpen(r.digest === open ? undefined : r.digest)}
                />
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {selected && (
        <section className="referrer-detail" aria-label={`${describeArtifact(selected)} ${shortDigest(selected.digest)}`}>
          <div className="part-heading">
            <h3>
              {describeArtifact(selected)} <code>{shortDigest(selected.digest)}</code>
            </h3>
            <button
              type="button"
              className="small-button"
              onClick={() => dispatch({ type: 'drill', reference: selected.digest, tab: 'manifest' })}
            >
              Open manifest
            </button>
          </div>
          <AttachmentDetail connectionId={image.connectionId} repository={image.repository} referrer={selected} />
        </section>
      )}
      {verifying && referrers.data && (
        <VerifyDialog
          connectionId={image.connectionId}
          repository={image.repository}
          digest={referrers.data.digest}
          notationSignatures={notationSignatures}
          onClose={() => setVerifying(false)}
        />
      )}
    </div>
  );
}

interface ReferrerRowProps {
  referrer: ReferrerView;
  /** The index listed, when it is one: its rows say which of its images each is about. */
  index: ManifestView | undefined;
  open: boolean;
  onToggle: () => void;
}

function ReferrerRow({ referrer: r, index, open, onToggle }: ReferrerRowProps) {
  const what = describeArtifact(r);
  return (
    <tr className={open ? 'clickable selected' : 'clickable'} data-referrer={r.digest} onClick={onToggle}>
      <td>
        {what}
        {r.artifactType && what !== r.artifactType && (
          <div className="dim fine-print" title={r.artifactType}>
            {r.artifactType}
          </div>
        )}
      </td>
      <td>
        {sourceWords(r).map((w) => (
          <span key={w} className="source-chip">
            {w}
          </span>
        ))}
        {r.tag && (
          <div>
            <code className="fine-print">{r.tag}</code>
          </div>
        )}
        {r.viaIndex && <div className="dim fine-print">of the index {shortDigest(r.viaIndex)} this image was opened from</div>}
      </td>
      {index && <td>{aboutInIndex(index, r.describes)}</td>}
      <td className="nowrap">
        <code title={r.digest}>{shortDigest(r.digest)}</code>
      </td>
      <td className="num nowrap">{formatBytes(r.size)}</td>
      <td>
        <button
          type="button"
          className="small-button"
          aria-expanded={open}
          aria-label={`${open ? 'Hide' : 'Show'} ${what} ${shortDigest(r.digest)}`}
          onClick={(e) => {
            e.stopPropagation();
            onToggle();
          }}
        >
          {open ? 'Hide' : 'Show'}
        </button>
      </td>
    </tr>
  );
}

/** Which image of the index a referrer is about: its platform, the index itself, or a digest. */
function aboutInIndex(index: ManifestView, describes: string): string {
  if (describes === index.digest) return 'the index';
  return index.manifests?.find((m) => m.digest === describes)?.platform ?? shortDigest(describes);
}
