/** Right pane: the selected tag or digest, in tabs, with the actions on it. */
import { currentImage, useNavigation, type TabId } from '../../context/navigation';
import { useManifest } from '../../hooks/queries';
import { useReferrers } from '../../hooks/referrer-queries';
import { ImageActions } from '../actions/ImageActions';
import { CompareTab } from '../compare/CompareTab';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { ErrorNotice } from '../common/ErrorNotice';
import { FilesTab } from '../files/FilesTab';
import { Loading } from '../common/Spinner';
import { ReferrersTab } from '../referrers/ReferrersTab';
import { Breadcrumbs } from './Breadcrumbs';
import { ConfigTab } from './ConfigTab';
import { IndexTab } from './IndexTab';
import { LayersTab } from './LayersTab';
import { ManifestTab } from './ManifestTab';
import { OverviewTab } from './OverviewTab';
import { Tabs, type TabSpec } from './Tabs';

export function DetailPane() {
  const { state } = useNavigation();
  const image = currentImage(state);
  return (
    <section className="pane detail" aria-label="Image">
      {image ? (
        <ImageDetail key={`${image.connectionId}\0${image.repository}\0${image.reference}`} image={image} />
      ) : (
        <div className="pane-placeholder">
          <p>Pick a tag to see its manifest, config and layers.</p>
        </div>
      )}
    </section>
  );
}

function ImageDetail({ image }: { image: NonNullable<ReturnType<typeof currentImage>> }) {
  const { state, dispatch } = useNavigation();
  const manifest = useManifest(image.connectionId, image.repository, image.reference);
  const view = manifest.data;
  const referrers = useReferrers(image.connectionId, image.repository, image.reference);
  const isIndex = view?.kind === 'index';
  const tabs: TabSpec<TabId>[] = [
    { id: 'overview', label: 'Overview' },
    { id: 'manifest', label: 'Manifest' },
    ...(isIndex ? [{ id: 'index' as const, label: `Index (${view?.manifests?.length ?? 0})` }] : []),
    { id: 'config', label: 'Config' },
    { id: 'layers', label: view?.layers ? `Layers (${view.layers.length})` : 'Layers' },
    { id: 'files', label: 'Files' },
    { id: 'compare', label: 'Compare' },
    { id: 'referrers', label: referrers.data ? `Referrers (${referrers.data.referrers.length})` : 'Referrers' },
  ];
  const tab = !isIndex && state.tab === 'index' ? 'overview' : state.tab;
  return (
    <div className="image-detail">
      <div className="pane-header detail-header">
        <Breadcrumbs />
        {view && <ImageActions image={image} view={view} />}
      </div>
      {manifest.isPending && <Loading what="manifest" />}
      {manifest.isError && <ErrorNotice error={manifest.error} onRetry={() => void manifest.refetch()} />}
      {view && (
        <Tabs label="Image views" tabs={tabs} current={tab} onChange={(t) => dispatch({ type: 'tab', tab: t })}>
          <ErrorBoundary resetKey={`${tab}\0${image.reference}`}>
            {tab === 'overview' && <OverviewTab image={image} view={view} />}
            {tab === 'manifest' && <ManifestTab view={view} />}
            {tab === 'index' && <IndexTab view={view} />}
            {tab === 'config' && <ConfigTab image={image} view={view} />}
            {tab === 'layers' && <LayersTab image={image} view={view} />}
            {tab === 'files' && <FilesTab image={image} view={view} />}
            {tab === 'compare' && <CompareTab image={image} view={view} />}
            {tab === 'referrers' && <ReferrersTab image={image} view={view} referrers={referrers} />}
          </ErrorBoundary>
        </Tabs>
      )}
    </div>
  );
}
