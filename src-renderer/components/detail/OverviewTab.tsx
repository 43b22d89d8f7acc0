/** Overview: reference, digest (copy), media type, size, created, platform(s). */
import type { ManifestView } from '../../../src-shared/contract';
import { useNavigation } from '../../context/navigation';
import type { ImageRef } from '../../context/ui';
import { useConnection, useImageConfig } from '../../hooks/queries';
import { formatBytes, formatTime, plural, shortMediaType } from '../../lib/format';
import { platformsOf } from '../../lib/manifest';
import { formatReference } from '../../lib/reference';
import { CopyButton } from '../common/CopyButton';
import { ErrorNotice } from '../common/ErrorNotice';
import { PlatformChips } from './PlatformChips';

export function OverviewTab({ image, view }: { image: ImageRef; view: ManifestView }) {
  const { dispatch } = useNavigation();
  const host = useConnection(image.connectionId)?.host ?? '';
  const isImage = view.kind === 'image';
  const config = useImageConfig(image.connectionId, image.repository, image.reference, undefined, isImage);
  const reference = formatReference(host, image.repository, image.reference);
  const byDigest = formatReference(host, image.repository, view.digest);
  const platforms = platformsOf(view);
  const attestations = (view.manifests?.length ?? 0) - platforms.length;
  const created = isImage ? config.data?.created : view.annotations['org.opencontainers.image.created'];

  return (
    <div className="overview">
      <dl className="facts wide">
        <dt>Reference</dt>
        <dd>
          <code>{reference}</code> <CopyButton value={reference} what="reference" />
        </dd>
        <dt>Digest</dt>
        <dd>
          <code data-testid="overview-digest">{view.digest}</code> <CopyButton value={view.digest} what="digest" />{' '}
          <CopyButton value={byDigest} label="Copy pinned" what="reference by digest" />
        </dd>
        <dt>Kind</dt>
        <dd>
          {isImage
            ? 'Image'
            : `Index of ${plural(platforms.length, 'platform')}${attestations ? ` (+${plural(attestations, 'attestation')})` : ''}`}
          {view.artifactType ? ` · artifact ${view.artifactType}` : ''}
        </dd>
        <dt>Media type</dt>
        <dd>
          <code>{view.mediaType}</code>
        </dd>
        <dt>Size</dt>
        <dd>
          {isImage
            ? `${formatBytes((view.layersSize ?? 0) + (view.config?.size ?? 0))} (${plural(view.layers?.length ?? 0, 'layer')}, compressed, with config) · manifest ${formatBytes(view.size)}`
            : `index ${formatBytes(view.size)}; open a platform for its image size`}
        </dd>
        <dt>Created</dt>
        <dd>{isImage && config.isPending ? '…' : formatTime(created)}</dd>
        <dt>{isImage ? 'Platform' : 'Platforms'}</dt>
        <dd>
          {isImage ? (
            (config.data?.platform ?? (config.isPending ? '…' : '—')) + (image.platform && !config.data ? ` (${image.platform})` : '')
          ) : (
            <PlatformChips view={view} />
          )}
        </dd>
        {isImage && config.data && (
          <>
            <dt>Config</dt>
            <dd>
              <code>{config.data.configDigest}</code> <span className="dim">{shortMediaType(view.config?.mediaType ?? '')}</span>
            </dd>
          </>
        )}
        {view.subject && (
          <>
            <dt>Subject</dt>
            <dd>
              <button type="button" className="link-button" onClick={() => dispatch({ type: 'drill', reference: view.subject!.digest })}>
                {view.subject.digest}
              </button>
            </dd>
          </>
        )}
      </dl>
      {isImage && config.isError && <ErrorNotice compact error={config.error} onRetry={() => void config.refetch()} />}
      {Object.keys(view.annotations).length > 0 && (
        <>
          <h3>Annotations</h3>
          <KeyValueTable entries={view.annotations} />
        </>
      )}
    </div>
  );
}

export function KeyValueTable({ entries, label }: { entries: Record<string, string>; label?: string }) {
  const keys = Object.keys(entries).sort();
  return (
    <table className="table kv" aria-label={label}>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{entries[k]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
