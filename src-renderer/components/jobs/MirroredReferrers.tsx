/** What came along with a mirror: the signatures, SBOMs and attestations, and what was kept on the target. */
import type { MirroredReferrerView } from '../../../src-shared/referrers';
import { shortDigest } from '../../lib/format';
import { summarizeKinds } from '../../lib/referrers';

const OUTCOME_WORDS: Record<MirroredReferrerView['outcome'], string> = {
  copied: 'copied',
  merged: "merged into the target's own",
  'kept-target': "the target's own kept",
  'in-index': 'inside the index',
};

export function MirroredReferrers({ referrers, notes }: { referrers: MirroredReferrerView[]; notes: string[] }) {
  return (
    <div className="mirrored-referrers" data-testid="mirrored-referrers">
      {referrers.length === 0 ? (
        'Nothing was attached to it.'
      ) : (
        <details>
          <summary>Came along: {summarizeKinds(referrers.map((r) => r.kind))}</summary>
          <ul>
            {referrers.map((r) => (
              <li key={r.digest}>
                {r.kind} {r.artifactType && <span className="dim">{r.artifactType}</span>}{' '}
                <code title={r.digest}>{shortDigest(r.digest)}</code>
                {r.tag && (
                  <>
                    {' '}
                    (<code>{r.tag}</code>)
                  </>
                )}
                : {OUTCOME_WORDS[r.outcome]}
              </li>
            ))}
          </ul>
        </details>
      )}
      {notes.map((note) => (
        <div key={note} className="dim">
          {note}
        </div>
      ))}
    </div>
  );
}
