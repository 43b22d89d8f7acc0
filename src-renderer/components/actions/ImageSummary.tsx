/** The image an action applies to, as one line: `host/repo:tag (platform)`. */
import type { ImageRef } from '../../context/ui';
import { useConnection } from '../../hooks/queries';
import { imageName } from '../../lib/reference';

export function ImageSummary({ image }: { image: ImageRef }) {
  const host = useConnection(image.connectionId)?.host ?? '';
  return (
    <p className="image-summary">
      <code>
        {host}/{imageName(image.repository, image.reference)}
      </code>
      {image.platform ? <span className="dim"> ({image.platform})</span> : null}
    </p>
  );
}
