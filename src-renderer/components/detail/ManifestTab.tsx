/** The manifest's JSON, pretty, each digest a link to what it names. */
import { useCallback } from 'react';
import type { ManifestView } from '../../../src-shared/contract';
import { useNavigation } from '../../context/navigation';
import { describeRole, digestRole } from '../../lib/manifest';
import { CopyButton } from '../common/CopyButton';
import { JsonView } from './JsonView';

export function ManifestTab({ view }: { view: ManifestView }) {
  const { dispatch } = useNavigation();
  const onDigest = useCallback(
    (digest: string) => {
      const role = digestRole(view, digest);
      switch (role.kind) {
        case 'child':
          dispatch({ type: 'drill', reference: digest, ...(role.child.platform ? { platform: role.child.platform } : {}) });
          break;
        case 'config':
          dispatch({ type: 'tab', tab: 'config', highlight: digest });
          break;
        case 'layer':
          dispatch({ type: 'tab', tab: 'layers', highlight: digest });
          break;
        case 'self':
          break;
        default:
          dispatch({ type: 'drill', reference: digest });
      }
    },
    [view, dispatch],
  );
  const describe = useCallback((digest: string) => describeRole(digestRole(view, digest)), [view]);
  return (
    <div className="manifest-tab">
      <div className="tab-tools">
        <span className="dim">
          <code>{view.mediaType}</code> · click a digest to open it
        </span>
        <CopyButton value={view.raw} label="Copy JSON" what="manifest JSON" />
      </div>
      <JsonView text={view.raw} onDigest={onDigest} describeDigest={describe} label="Manifest JSON" />
    </div>
  );
}
