/** An index's images: one row per platform; a click (or Enter) opens that image. */
import type { IndexChildView, ManifestView } from '../../../src-shared/contract';
import { openChild, useNavigation } from '../../context/navigation';
import { formatBytes, shortDigest, shortMediaType } from '../../lib/format';
import { splitPlatform } from '../../lib/manifest';

export function IndexTab({ view }: { view: ManifestView }) {
  const { dispatch } = useNavigation();
  const open = (child: IndexChildView) => dispatch(openChild(child, 'overview'));
  return (
    <table className="table index-table" aria-label="Platforms">
      <thead>
        <tr>
          <th>Platform</th>
          <th>OS</th>
          <th>Architecture</th>
          <th>Variant</th>
          <th className="num">Size</th>
          <th>Digest</th>
          <th>Media type</th>
        </tr>
      </thead>
      <tbody>
        {(view.manifests ?? []).map((m) => {
          const p = splitPlatform(m.platform);
          return (
            <tr key={m.digest} className={m.attestation ? 'dim clickable' : 'clickable'} onClick={() => open(m)}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  onClick={(e) => {
                    e.stopPropagation();
                    open(m);
                  }}
                >
                  {m.attestation ? 'attestation' : (m.platform ?? 'unknown')}
                </button>
              </td>
              <td>{p.os}</td>
              <td>{p.architecture}</td>
              <td>{p.variant}</td>
              <td className="num">{formatBytes(m.size)}</td>
              <td>
                <code title={m.digest}>{shortDigest(m.digest)}</code>
              </td>
              <td className="dim">{shortMediaType(m.mediaType)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
