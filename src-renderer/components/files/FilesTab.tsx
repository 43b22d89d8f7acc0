/**
 * The Files tab: the image's flattened filesystem. Opened for the first time,
 * the image is indexed (a job: progress per layer, Cancel); after that it
 * opens from the cache at once.
 */
import type { ManifestView } from '../../../src-shared/contract';
import type { ImageRef } from '../../context/ui';
import { useImageConfig } from '../../hooks/queries';
import { useImageFiles } from '../../hooks/useImageFiles';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { IndexPicker } from '../detail/IndexPicker';
import { FilesBrowser } from './FilesBrowser';
import { IndexingProgress } from './IndexingProgress';

export function FilesTab({ image, view }: { image: ImageRef; view: ManifestView }) {
  if (view.kind === 'index') return <IndexPicker view={view} what="files" tab="files" />;
  return <ImageFiles image={image} view={view} />;
}

function ImageFiles({ image, view }: { image: ImageRef; view: ManifestView }) {
  const files = useImageFiles({ connectionId: image.connectionId, repository: image.repository, digest: view.digest });
  const config = useImageConfig(image.connectionId, image.repository, image.reference, undefined);
  const { list, tree, index } = files;
  if (list.isError) return <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />;
  // The tree may be the start of the listing (files.head) while the whole of it is on its way.
  if (tree) return <FilesBrowser image={{ ...image, reference: view.digest }} tree={tree} history={config.data?.history} />;
  if (list.isPending) return <Loading what="files" />;
  return (
    <IndexingProgress
      layers={list.data.indexed ? [] : list.data.layers}
      job={index.job}
      startError={index.start.error}
      lost={files.lost}
      cancelling={index.cancelling}
      onCancel={index.cancel}
      onStart={() => index.start.mutate()}
    />
  );
}
