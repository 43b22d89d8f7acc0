/** What the tags folder answers and takes. */
import type { CallOptions } from '../types';

/** One image of a summary: an image alone, or one platform of an index. */
export interface PlatformSummary {
  /** `os/arch[/variant]`, normalised (`linux/arm64`, not `linux/arm64/v8`). */
  platform: string;
  /** The image manifest's digest. */
  digest: string;
  /** Bytes of its manifest, config and layers. */
  size: number;
  /** Its config's `created`. */
  created?: string;
}

/**
 * The facts a tag list shows beside a tag, read from the manifest and the
 * configs. A digest's summary never changes, so it is kept per digest.
 */
export interface ImageSummary {
  /** Digest of the manifest or index the tag points at. */
  digest: string;
  mediaType: string;
  isIndex: boolean;
  /**
   * Bytes of manifest + config + layers; for an index, of the index and all its
   * images (attestation entries left out). Blobs shared by images count once per image, as registries report.
   */
  size: number;
  /** The config's `created`; for an index, the newest of its images'. */
  created?: string;
  /** An image alone: its own platform from its config. An index: its images, attestation entries left out. */
  platforms: PlatformSummary[];
}

export interface TagImageResult {
  /** The digest the new tag points at: the source's, byte for byte. */
  digest: string;
  mediaType: string;
}

export interface DeleteImageOptions extends CallOptions {
  /**
   * For a tag, on a registry that deletes manifests by digest only (distribution,
   * Harbor): remove just this tag by pointing it at a small placeholder manifest
   * of its own and deleting that by digest, as regclient's `tag delete` does. The
   * image and its other tags stay. Needs push and delete rights; the
   * placeholder's config blob (a few hundred bytes) stays until the registry's
   * garbage collection; if deleting the placeholder fails, the tag is put back.
   */
  untagWithPlaceholder?: boolean;
}

export interface DeleteImageResult {
  /** `manifest`: the manifest, and with it (on distribution, Harbor) every tag pointing at it; `tag`: only the tag. */
  deleted: 'manifest' | 'tag';
  /** `tag`: the registry deleted the tag itself; `digest`: deleted by digest; `placeholder`: see DeleteImageOptions. */
  method: 'tag' | 'digest' | 'placeholder';
  /** The manifest deleted, or the one the removed tag pointed at (when known). */
  digest?: string;
}
