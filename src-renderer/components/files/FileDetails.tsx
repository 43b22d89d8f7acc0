/**
 * Below the tree: what is selected. A file's preview (text up to 1 MiB, with
 * a notice when cut; else "binary" and a hex view of its start), a folder's
 * size, a link's target; Save file… or Save folder….
 */
import { useQuery } from '@tanstack/react-query';
import type { FilePreview } from '../../../src-shared/files';
import { PREVIEW_HEX_BYTES, PREVIEW_TEXT_BYTES } from '../../../src-shared/files';
import { useLading } from '../../context/lading';
import { useUi, type ImageRef } from '../../context/ui';
import { connKey } from '../../hooks/queries';
import { formatBytes, formatCount } from '../../lib/format';
import { formatMode, fromBase64, hexDump } from '../../lib/file-format';
import { markOf, type FileTree, type LayerMarks } from '../../lib/file-tree';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';

interface Props {
  image: ImageRef;
  tree: FileTree;
  node: number;
  marks: LayerMarks | undefined;
  onShow: (node: number) => void;
}

/** A symlink's target as a path of the image, seen from the link's folder (`/` is the image's root): `../lib/x` from `usr/bin/y` is `usr/lib/x`. */
function resolveLink(from: string, target: string): string {
  const parts = target.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

export function FileDetails({ image, tree, node, marks, onShow }: Props) {
  const ui = useUi();
  const path = tree.path(node, marks);
  const type = tree.type(node, marks);
  const change = markOf(marks, node);
  if (tree.isGhost(node)) {
    return (
      <section className="file-details" aria-label="Selected file">
        <div className="file-details-head">
          <code className="file-path">{path}</code>
        </div>
        <p className="dim">
          {change === 'deleted'
            ? `Deleted by layer ${(marks?.layer ?? 0) + 1}`
            : `${change ?? 'Changed'} by layer ${(marks?.layer ?? 0) + 1}, then removed by a later layer`}
          : the image no longer has it.
        </p>
      </section>
    );
  }
  const link = tree.link(node);
  const size = tree.size(node);
  const layer = tree.listing.layers[node]!;
  const linkTarget =
    type === 'symlink' && link !== undefined
      ? tree.find(resolveLink(path, link))
      : type === 'hardlink' && link !== undefined
        ? tree.find(link)
        : -1;
  const savable = type !== 'other';
  return (
    <section className="file-details" aria-label="Selected file">
      <div className="file-details-head">
        <code className="file-path" data-testid="selected-path">
          {path}
        </code>
        <span className="dim">
          {formatMode(type, tree.listing.modes[node]!)} {tree.listing.uids[node]}:{tree.listing.gids[node]} · layer {layer + 1}
          {type === 'directory'
            ? ` · ${formatCount(tree.children(node).length)} entries`
            : type === 'file' || type === 'hardlink'
              ? ` · ${formatBytes(size)}`
              : ''}
        </span>
        {linkTarget >= 0 && (
          <button type="button" className="small-button" onClick={() => onShow(linkTarget)}>
            Show target
          </button>
        )}
        {savable && (
          <button
            type="button"
            className="small-button"
            onClick={() => ui.open({ kind: 'saveFiles', image, path, directory: type === 'directory' })}
          >
            {type === 'directory' ? 'Save folder…' : 'Save file…'}
          </button>
        )}
      </div>
      {type === 'symlink' && (
        <p className="dim">
          Symlink to <code>{link}</code>
          {linkTarget < 0 ? ' (not in the image, or outside it)' : ''}
        </p>
      )}
      {type === 'hardlink' && (
        <p className="dim">
          Hard link: the same file as <code>{link}</code>
        </p>
      )}
      {type === 'other' && <p className="dim">A device node or FIFO: it has no content, and is not written when saving or extracting.</p>}
      {(type === 'file' || type === 'hardlink') && <Preview image={image} path={path} size={size} />}
    </section>
  );
}

function Preview({ image, path, size }: { image: ImageRef; path: string; size: number }) {
  const lading = useLading();
  const preview = useQuery({
    queryKey: [...connKey(image.connectionId), 'file-preview', image.repository, image.reference, path],
    queryFn: (): Promise<FilePreview> =>
      lading['files.read']({ connectionId: image.connectionId, repository: image.repository, reference: image.reference, path }),
    staleTime: Infinity,
    gcTime: 30_000,
  });
  if (preview.isPending) return <Loading what="the preview" />;
  if (preview.isError) return <ErrorNotice compact error={preview.error} onRetry={() => void preview.refetch()} />;
  const p = preview.data;
  if (p.kind === 'text') {
    return (
      <div className="file-preview" data-testid="file-preview" data-kind="text">
        {p.truncated && (
          <div className="notice" role="note">
            Showing the first {formatBytes(PREVIEW_TEXT_BYTES)} of {formatBytes(size)}: save the file to see all of it.
          </div>
        )}
        {p.text === '' ? <p className="dim">An empty file.</p> : <pre className="file-text">{p.text}</pre>}
      </div>
    );
  }
  const bytes = fromBase64(p.head);
  return (
    <div className="file-preview" data-testid="file-preview" data-kind="binary">
      <p>
        Binary, {formatCount(size)} bytes{p.truncated ? `; the first ${formatCount(Math.min(PREVIEW_HEX_BYTES, bytes.length))}:` : ':'}
      </p>
      <pre className="hex-view">{hexDump(bytes).join('\n')}</pre>
    </div>
  );
}
