/**
 * getImageSummary: digest, media type, size, created and platforms of what a
 * tag points at, in as few requests as possible.
 *
 * - Known digest (this client family has read its summary): one HEAD.
 * - A tag seen before, or a registry that counts manifest GETs as pulls
 *   (Docker Hub): HEAD first, so an unchanged tag costs one HEAD and no pull.
 * - A tag never seen elsewhere: GET the manifest at once (a HEAD would only
 *   tell its digest, and the GET is needed anyway when the digest is new);
 *   its digest may turn out to be known, and nothing more is read.
 * - New digest: an image's config (one blob GET); an index's images, a few at
 *   a time, each a manifest and a config, attestation entries left out.
 * Concurrent calls for tags of one digest read it once.
 */
import { mapLimit } from '../concurrency';
import { InvalidManifestError } from '../errors';
import { createImage } from '../image';
import type { ManifestResult } from '../manifest';
import { DOCKER_CONFIG, OCI_CONFIG, normalizeMediaType } from '../mediatypes';
import { formatPlatform, isAttestation, normalizePlatform } from '../platform';
import { parseReference, type Reference } from '../reference';
import { raceAbort } from '../transport/retry';
import type { CallOptions, Descriptor } from '../types';
import { SummaryLimitError } from './errors';
import type { TagsAccess } from './repository-access';
import type { SummaryCache } from './summary-cache';
import type { ImageSummary, PlatformSummary } from './types';

/** Images of one index a summary reads; real indexes list a few dozen at most. */
export const MAX_SUMMARY_IMAGES = 1000;
/** Images of an index read at once. */
const CHILD_CONCURRENCY = 4;
/** An index may list indexes; one level of that is read, as getImage does. */
const MAX_DEPTH = 1;
const IMAGE_CONFIG_TYPES = [OCI_CONFIG, DOCKER_CONFIG];
/** Where artifacts (no image config) say when they were made. */
const CREATED_ANNOTATION = 'org.opencontainers.image.created';

export async function getImageSummary(access: TagsAccess, tag: string, opts: CallOptions = {}): Promise<ImageSummary> {
  const ref = parseReference(tag);
  const { cache } = access;
  const headFirst = ref.kind === 'digest' || access.countsPulls || cache.tagDigest(access.repository, ref.tag) !== undefined;
  if (headFirst) {
    const head = await access.headManifest(ref, opts);
    if (head) {
      if (ref.kind === 'tag') cache.rememberTag(access.repository, ref.tag, head.digest);
      const digestRef: Reference = { kind: 'digest', digest: head.digest };
      // By digest: the tag may move between this HEAD and the GET.
      return raceAbort(
        cache.load(head.digest, async () => summarize(access, cache, await access.readManifest(digestRef, {}), 0)),
        opts.signal,
      );
    }
    // No usable answer (missing, denied, no digest header): the GET below says what it is.
  }
  const manifest = await access.readManifest(ref, opts);
  if (ref.kind === 'tag') cache.rememberTag(access.repository, ref.tag, manifest.descriptor.digest);
  return raceAbort(
    cache.load(manifest.descriptor.digest, () => summarize(access, cache, manifest, 0)),
    opts.signal,
  );
}

/**
 * The summary of a manifest already read. Shared by every caller asking for
 * its digest, so it runs without any one caller's signal (each caller stops
 * waiting on its own); what is left is a few small reads.
 */
async function summarize(access: TagsAccess, cache: SummaryCache, manifest: ManifestResult, depth: number): Promise<ImageSummary> {
  const { digest } = manifest.descriptor;
  if (!manifest.isIndex()) {
    const image = await summarizeImage(access, manifest);
    return {
      digest,
      mediaType: manifest.mediaType,
      isIndex: false,
      size: image.size,
      ...(image.created !== undefined ? { created: image.created } : {}),
      platforms:
        image.platform !== undefined
          ? [{ platform: image.platform, digest, size: image.size, ...(image.created !== undefined ? { created: image.created } : {}) }]
          : [],
    };
  }
  const entries = manifest.getIndexManifest().manifests.filter((d) => !isAttestation(d));
  if (entries.length > MAX_SUMMARY_IMAGES) {
    throw new SummaryLimitError(
      `Index ${access.name}@${digest} lists ${entries.length} images; a summary reads at most ${MAX_SUMMARY_IMAGES}`,
      MAX_SUMMARY_IMAGES,
    );
  }
  const children = await mapLimit(entries, CHILD_CONCURRENCY, async (entry) => ({
    entry,
    summary: await childSummary(access, cache, entry, depth),
  }));
  const platforms: PlatformSummary[] = children.flatMap(({ entry, summary }) => {
    if (summary.isIndex) return summary.platforms;
    const platform = entry.platform ? formatPlatform(normalizePlatform(entry.platform)) : summary.platforms[0]?.platform;
    if (platform === undefined) return [];
    return [
      { platform, digest: summary.digest, size: summary.size, ...(summary.created !== undefined ? { created: summary.created } : {}) },
    ];
  });
  const created = newest(children.map((c) => c.summary.created));
  return {
    digest,
    mediaType: manifest.mediaType,
    isIndex: true,
    size: manifest.raw.length + children.reduce((n, c) => n + c.summary.size, 0),
    ...(created !== undefined ? { created } : {}),
    platforms,
  };
}

/** An index entry's own summary, kept by its digest too (the same image often sits in several indexes). */
function childSummary(access: TagsAccess, cache: SummaryCache, entry: Descriptor, depth: number): Promise<ImageSummary> {
  return cache.load(entry.digest, async () => {
    const child = await access.readManifest({ kind: 'digest', digest: entry.digest }, {}, entry);
    if (child.isIndex() && depth >= MAX_DEPTH) {
      throw new InvalidManifestError(`${access.name}@${entry.digest}: indexes nested more than two deep`);
    }
    return summarize(access, cache, child, depth + 1);
  });
}

async function summarizeImage(
  access: TagsAccess,
  manifest: ManifestResult,
): Promise<{ size: number; created?: string; platform?: string }> {
  const doc = manifest.getManifest();
  const size = manifest.raw.length + doc.config.size + doc.layers.reduce((n, l) => n + l.size, 0);
  if (!IMAGE_CONFIG_TYPES.includes(normalizeMediaType(doc.config.mediaType))) {
    // An artifact (a Helm chart, an SBOM...): its config is not an image's; it has no platform.
    const created = doc.annotations?.[CREATED_ANNOTATION];
    return { size, ...(created !== undefined ? { created } : {}) };
  }
  const config = await createImage(access.blobs, manifest).getConfig();
  const platform = formatPlatform(
    normalizePlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }),
  );
  return { size, platform, ...(typeof config.created === 'string' ? { created: config.created } : {}) };
}

/** The latest of ISO 8601 times, as written; unreadable ones are left out. */
function newest(times: (string | undefined)[]): string | undefined {
  let best: { text: string; ms: number } | undefined;
  for (const text of times) {
    if (text === undefined) continue;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) continue;
    if (!best || ms > best.ms) best = { text, ms };
  }
  return best?.text;
}
