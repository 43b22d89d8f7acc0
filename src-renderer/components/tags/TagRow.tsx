/**
 * One row of the tag table: the tag (and the tags it is the same image as),
 * its digest (short; a click copies it whole), when it was built (relative;
 * the exact time on hover), its size and its platforms. Facts not read yet
 * show as a dim dash; a tag whose facts could not be read says why on hover.
 */
import { memo, useState } from 'react';
import type { TagFact } from '../../../src-shared/contract';
import { formatAgo, formatBytes, formatPlatforms, formatTime, shortDigest } from '../../lib/format';
import { copyText } from '../common/CopyButton';

interface TagRowProps {
  index: number;
  tag: string | undefined;
  fact: TagFact | undefined;
  start: number;
  height: number;
  active: boolean;
  selected: boolean;
  onOpen: (index: number) => void;
}

function aliasTitle(fact: TagFact): string {
  const more = (fact.aliasCount ?? 0) - (fact.aliases?.length ?? 0);
  return `Same image as ${fact.aliases!.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function DigestCell({ digest }: { digest: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="tag-cell tag-digest"
      tabIndex={-1}
      title={`${digest}\nClick to copy`}
      aria-label={`Copy digest ${digest}`}
      onClick={(e) => {
        // Copying is not opening the tag.
        e.stopPropagation();
        void copyText(digest).then((ok) => {
          setCopied(ok);
          if (ok) setTimeout(() => setCopied(false), 1200);
        });
      }}
    >
      {copied ? 'copied' : shortDigest(digest)}
    </button>
  );
}

export const TagRow = memo(function TagRow({ index, tag, fact, start, height, active, selected, onOpen }: TagRowProps) {
  const summary = fact?.summary;
  const failed = fact?.state === 'failed' ? (fact.error?.message ?? 'The facts of this tag could not be read') : undefined;
  return (
    <div
      id={`tag-row-${index}`}
      role="option"
      aria-selected={selected}
      data-tag-row=""
      data-fact-state={fact?.state ?? 'none'}
      className={['tag-row', active ? 'active' : '', selected ? 'selected' : '', tag === undefined ? 'placeholder' : ''].join(' ')}
      style={{ transform: `translateY(${start}px)`, height: `${height}px` }}
      onClick={() => onOpen(index)}
    >
      <span className="tag-cell tag-name-cell">
        <span className="tag-name">{tag ?? '…'}</span>
        {fact?.aliases?.length ? (
          <span className="tag-alias" title={aliasTitle(fact)} data-alias-of={fact.aliases.join(' ')}>
            = {fact.aliases[0]}
            {(fact.aliasCount ?? 0) > 1 ? ` +${(fact.aliasCount ?? 0) - 1}` : ''}
          </span>
        ) : null}
        {fact?.movedFrom ? (
          <span className="tag-moved" title={`This tag moved: it pointed at ${fact.movedFrom} when last seen`}>
            moved
          </span>
        ) : null}
      </span>
      {summary ? (
        <>
          <DigestCell digest={summary.digest} />
          <span
            className="tag-cell tag-created"
            title={summary.created ? formatTime(summary.created) : 'The image does not say when it was built'}
          >
            {formatAgo(summary.created)}
          </span>
          <span
            className="tag-cell tag-size"
            title={`${summary.size.toLocaleString('en-US')} bytes${summary.isIndex ? ' (the index and all its images)' : ''}`}
          >
            {formatBytes(summary.size)}
          </span>
          <span className="tag-cell tag-platforms" title={summary.platforms.map((p) => p.platform).join(', ')}>
            {formatPlatforms(summary.platforms)}
          </span>
        </>
      ) : failed ? (
        <span className="tag-cell tag-failed" title={failed}>
          could not be read
        </span>
      ) : (
        <span className="tag-cell tag-pending" aria-label="Not read yet">
          —
        </span>
      )}
    </div>
  );
});
