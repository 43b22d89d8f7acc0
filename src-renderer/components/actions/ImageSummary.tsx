import { useConnections } from '../../hooks/queries';
import { imageName } from '../../lib/format';
import type { ImageRef } from '../../context/ui';

/** The image an action applies to, as one line. */
export function ImageSummary({ image }: { image: ImageRef }) {
  const connections = useConnections();
  const host = connections.data?.find((c) => c.id === image.connectionId)?.host ?? '';
  return (
    <p className="image-summary">
      <code>
        {host}/{imageName(image.repository, image.reference)}
      </code>
      {image.platform ? <span className="dim"> ({image.platform})</span> : null}
    </p>
  );
}

/** A name for files and folders: `app-v1.2` or `app-0123456789ab`. */
export function baseName(image: ImageRef): string {
  const repo = image.repository.split('/').pop() ?? 'image';
  const ref = image.reference.includes(':') ? image.reference.slice(image.reference.indexOf(':') + 1, image.reference.indexOf(':') + 13) : image.reference;
  return `${repo}-${ref}`;
}
