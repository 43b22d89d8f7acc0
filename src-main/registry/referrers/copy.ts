/**
 * Copying what is attached to an image along with it (mirror()'s `referrers`
 * option): everything planReferrers finds, written so that the target lists
 * the same referrers, the way the target can:
 *
 * - Every referrer manifest by digest. On a target with the Referrers API
 *   that is all a manifest with `subject` needs: the API lists it.
 * - The referrers tag schema (`sha256-<hex>`) for what the API would not
 *   list (the target has no API, or the source's tag schema lists a manifest
 *   without `subject`): merged into the index the target has, never dropping
 *   an entry, and written only when something is new, so mirroring twice
 *   writes nothing the second time.
 * - cosign's tags as tags. When the target's `.sig` or `.att` tag holds
 *   another manifest, the two are merged as cosign merges them when it signs
 *   or attests again (it appends layers to the manifest, skipping
 *   duplicates): the target keeps its signatures and gains the source's. The
 *   target's `.sbom` (cosign replaces it, so there is nothing to merge) is
 *   left as it is, and said so.
 *
 * Whether the target has the Referrers API is told as listReferrers tells it
 * (registry-access.ts). BuildKit's attestation entries are not copied here:
 * they travel inside the index the mirror copies.
 */
import { Readable } from 'node:stream';
import type { Client } from '../client';
import { digestOf } from '../digest';
import { InvalidManifestError } from '../errors';
import type { ManifestResult } from '../manifest';
import { MAX_MANIFEST_BYTES, parseManifest } from '../manifest';
import { OCI_INDEX } from '../mediatypes';
import type { BlobSource, Image } from '../image';
import { isAttestation } from '../platform';
import { copyBlobsFrom } from '../push';
import type { CallOptions, Descriptor, Manifest, PushOptions } from '../types';
import { readBounded } from '../verify';
import { writerOf, type ImageWriter } from '../writer';
import { probe } from './list';
import { ATTESTATION_MANIFEST, COSIGN_SIGNATURE_ANNOTATION, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION } from './media-types';
import { planReferrers, type PlannedReferrer, type ReferrerPlan } from './plan';
import { accessOf } from './registry-access';
import { referrersTag } from './tags';
import type { ReferrerKind } from './types';

/**
 * What became of a referrer on the target:
 * - `copied`: written as it is on the source;
 * - `merged`: its signatures (or attestations) were added to the target's own cosign tag;
 * - `kept-target`: the target's own cosign tag holds something else, and was left as it is (see the notes);
 * - `in-index`: a BuildKit attestation, which came inside the index that was mirrored.
 */
export type MirroredReferrerOutcome = 'copied' | 'merged' | 'kept-target' | 'in-index';

export interface MirroredReferrer {
  /** The referrer's manifest digest on the source. */
  digest: string;
  kind: ReferrerKind;
  artifactType?: string;
  /** The digest of what it is about (the image, or another referrer). */
  describes: string;
  outcome: MirroredReferrerOutcome;
  /** The cosign tag it lives under, when it is one. */
  tag?: string;
}

export interface MirroredReferrers {
  /** Breadth first: a referrer comes after what it refers to. */
  referrers: MirroredReferrer[];
  /** What was left as it was on the target, and why; and what could not come along. */
  notes: string[];
}

export interface PlanReferrerCopyOptions extends CallOptions {
  /** How deep to follow referrers of referrers (planReferrers' limit). */
  maxDepth?: number;
  /**
   * The index being mirrored, and the digests of its entries that are copied:
   * its BuildKit attestations for those come along inside it (reported as `in-index`).
   */
  index?: { manifest: ManifestResult; kept: ReadonlySet<string> };
  /** Said in the result, e.g. what a rewritten index leaves behind. */
  notes?: string[];
}

/** The plan of a referrer copy, made before anything is written; `write()` carries it out. */
export class ReferrerCopy {
  private constructor(
    private readonly source: Client,
    private readonly plan: ReferrerPlan,
    private readonly inIndex: MirroredReferrer[],
    private readonly notes: string[],
  ) {}

  /**
   * What is attached to a mirrored image or index (`top`, of which `copied.images` are copied, as
   * `copied.digest`): the referrers of the index and of each image in it. A rewritten index (some
   * platforms) is a new manifest: what is attached to the original is about the original, so it stays
   * behind, and the result says so.
   */
  static async forMirror(
    source: Client,
    top: ManifestResult,
    copied: { digest: string; images: Image[] },
    opts: CallOptions & { maxDepth?: number | undefined },
  ): Promise<ReferrerCopy> {
    const original = top.descriptor.digest;
    const rewritten = copied.digest !== original;
    const images = copied.images.filter(
      (i) => i.digest !== original && !(i.platform && isAttestation({ ...i.descriptor, platform: i.platform })),
    );
    const notes: string[] = [];
    if (rewritten) {
      const left = (await source.listReferrers(original, { ...(opts.signal ? { signal: opts.signal } : {}) })).filter(
        (r) => r.source !== 'index',
      );
      if (left.length > 0) {
        notes.push(
          `The index was rewritten for the chosen platforms, so the ${left.length} referrer${left.length === 1 ? '' : 's'} of the original index ` +
            `${original} (about that index, not the new one) did not come along`,
        );
      }
    }
    return ReferrerCopy.plan(source, [...(rewritten ? [] : [original]), ...images.map((i) => i.digest)], {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
      notes,
      ...(top.isIndex() ? { index: { manifest: top, kept: new Set(copied.images.map((i) => i.digest)) } } : {}),
    });
  }

  /** Reads (only reads) what is attached to `subjects` on `source`, recursively, within the depth limit. */
  static async plan(source: Client, subjects: string[], opts: PlanReferrerCopyOptions = {}): Promise<ReferrerCopy> {
    const plan = await planReferrers(source, subjects, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
    });
    return new ReferrerCopy(source, plan, opts.index ? attestationsInIndex(opts.index.manifest, opts.index.kept) : [], [
      ...(opts.notes ?? []),
    ]);
  }

  /** Every blob the referrers need on the target, each once. */
  get blobs(): Descriptor[] {
    return this.plan.blobs;
  }

  /** Nothing to write: no referrer, no tag, no tag-schema entry. */
  get isEmpty(): boolean {
    return this.plan.referrers.length === 0 && this.plan.tags.length === 0 && this.plan.tagSchema.length === 0;
  }

  /**
   * Writes the plan into `target`: blobs, then manifests by digest, then the
   * tag-schema indexes and cosign tags. What the tag-schema indexes list must
   * be on the target already (a registry refuses an index with unknown
   * entries): the mirror writes the subject images before calling this.
   */
  async write(target: Client, opts: PushOptions = {}): Promise<MirroredReferrers> {
    const writer = writerOf(target);
    const { signal } = opts;
    const source = blobSourceOf(this.source);
    await copyBlobsFrom(
      writer,
      this.plan.blobs.map((blob) => ({ blob, source })),
      opts,
    );

    const outcomes = new Map<string, MirroredReferrerOutcome>();
    for (const planned of this.plan.referrers) {
      // A referrer found only under a cosign tag is written under that tag (or merged into the target's), below.
      if (planned.referrer.sources.every((s) => s === 'cosign-tag')) continue;
      for (const child of planned.children) await writer.putManifest(child.digest, child.raw, child.mediaType, signal);
      await writer.putManifest(planned.manifest.digest, planned.manifest.raw, planned.manifest.mediaType, signal);
      outcomes.set(planned.manifest.digest, 'copied');
    }

    const hasApi = await this.targetHasApi(target, opts);
    for (const { subject, entries } of this.plan.tagSchema) {
      // The API lists a manifest whose `subject` names this digest; the tag schema is for the rest.
      const needed = hasApi ? entries.filter((e) => this.subjectOf(e.digest) !== subject) : entries;
      if (needed.length > 0) await this.mergeTagSchema(target, writer, subject, needed, signal);
    }

    const byDigest = new Map(this.plan.referrers.map((p) => [p.manifest.digest, p]));
    for (const { tag, digest } of this.plan.tags) {
      const planned = byDigest.get(digest);
      if (!planned) continue;
      const outcome = await this.writeCosignTag(target, writer, tag, planned, signal);
      if (outcome) outcomes.set(digest, outcome);
    }

    const referrers = this.plan.referrers.map((p) => mirrored(p, outcomes.get(p.manifest.digest) ?? 'copied'));
    return { referrers: [...referrers, ...this.inIndex], notes: this.notes };
  }

  /** Does the target have the Referrers API? Asked only when there is a tag-schema entry to write (a layout has none). */
  private async targetHasApi(target: Client, opts: CallOptions): Promise<boolean> {
    const first = this.plan.tagSchema[0];
    const access = accessOf(target);
    if (!first || !access) return false;
    return (await access.referrers(first.subject, { ...(opts.signal ? { signal: opts.signal } : {}) })).supported;
  }

  /** The `subject` digest a planned manifest names, if it is planned and names one. */
  private subjectOf(digest: string): string | undefined {
    const planned = this.plan.referrers.find((p) => p.manifest.digest === digest);
    if (!planned) return undefined;
    try {
      const doc = JSON.parse(Buffer.from(planned.manifest.raw).toString('utf8')) as { subject?: { digest?: unknown } };
      return typeof doc.subject?.digest === 'string' ? doc.subject.digest : undefined;
    } catch {
      return undefined;
    }
  }

  /** Adds `entries` to the target's `sha256-<hex>` index (created when there is none), keeping every entry it has. */
  private async mergeTagSchema(
    target: Client,
    writer: ImageWriter,
    subject: string,
    entries: Descriptor[],
    signal?: AbortSignal,
  ): Promise<void> {
    const tag = referrersTag(subject);
    const existing = await probe(target, tag, { ...(signal ? { signal } : {}) }, accessOf(target));
    if (existing && (existing.descriptor.digest === subject || !existing.isIndex())) {
      // GitLab answers the subject itself for this tag; anything else that is not an index is not ours to replace.
      this.notes.push(
        `${target.getRegistry()}:${tag} holds ${existing.descriptor.digest === subject ? 'the image itself' : `a ${existing.mediaType} manifest`}, ` +
          `not a referrers index; it was left as it is, so ${entries.length} referrer${entries.length === 1 ? '' : 's'} of ${subject} may not be listed there`,
      );
      return;
    }
    const doc = existing
      ? (JSON.parse(Buffer.from(existing.raw).toString('utf8')) as Record<string, unknown> & { manifests: Descriptor[] })
      : { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] as Descriptor[] };
    const listed = new Set(doc.manifests.map((d) => d.digest));
    const added = entries.filter((e) => !listed.has(e.digest));
    // Nothing new: the index stays byte for byte what it was.
    if (added.length === 0) return;
    doc.manifests = [...doc.manifests, ...added];
    const raw = new TextEncoder().encode(JSON.stringify(doc));
    if (raw.length > MAX_MANIFEST_BYTES) {
      throw new InvalidManifestError(
        `The referrers index ${target.getRegistry()}:${tag} would grow past 4 MiB with ${added.length} more entries; not writing it`,
      );
    }
    await writer.putManifest(tag, raw, existing?.mediaType ?? OCI_INDEX, signal);
  }

  /** Sets a cosign tag on the target: as on the source, or merged into what the target has; undefined when nothing changed. */
  private async writeCosignTag(
    target: Client,
    writer: ImageWriter,
    tag: string,
    planned: PlannedReferrer,
    signal?: AbortSignal,
  ): Promise<MirroredReferrerOutcome | undefined> {
    const ours = planned.manifest;
    const theirs = await probe(target, tag, { ...(signal ? { signal } : {}) }, accessOf(target));
    if (!theirs) {
      await writer.putManifest(tag, ours.raw, ours.mediaType, signal);
      return 'copied';
    }
    if (theirs.descriptor.digest === ours.digest) return 'copied';
    const where = `${target.getRegistry()}:${tag}`;
    if (!tag.endsWith('.sig') && !tag.endsWith('.att')) {
      this.notes.push(
        `${where} already holds another SBOM (${theirs.descriptor.digest}); it was left as it is, and the source's (${ours.digest}) was not copied`,
      );
      return 'kept-target';
    }
    const oursParsed = parseManifest({ bytes: ours.raw, contentType: ours.mediaType, subject: `${tag} (${ours.digest})` });
    if (theirs.isIndex() || oursParsed.isIndex()) {
      this.notes.push(
        `${where} holds an index, not cosign's manifest of signatures; it was left as it is, and the source's (${ours.digest}) was not copied`,
      );
      return 'kept-target';
    }
    const { kept, added } = await mergeSignatures(target, writer, tag, theirs, oursParsed.getManifest(), signal);
    if (added > 0) {
      const what = tag.endsWith('.sig') ? 'signature' : 'attestation';
      this.notes.push(
        `${where} already held ${kept} ${what}${kept === 1 ? '' : 's'} of its own: the source's ${added} were added to them, as cosign adds one, and none was removed`,
      );
    }
    return 'merged';
  }
}

/** A BlobSource reading through a client (a registry's own location lets a same-registry copy mount). */
function blobSourceOf(client: Client): BlobSource {
  const location = (client as Partial<BlobSource>).location;
  return {
    name: client.getRegistry(),
    openBlob: (d, o) => client.openBlob(d, o),
    ...(location ? { location } : {}),
  };
}

function mirrored(p: PlannedReferrer, outcome: MirroredReferrerOutcome): MirroredReferrer {
  const r = p.referrer;
  return {
    digest: r.descriptor.digest,
    kind: r.kind,
    ...(r.descriptor.artifactType ? { artifactType: r.descriptor.artifactType } : {}),
    describes: r.describes,
    outcome,
    ...(r.tag ? { tag: r.tag } : {}),
  };
}

/** BuildKit's attestation entries of `index` that describe one of the kept entries. */
function attestationsInIndex(index: ManifestResult, kept: ReadonlySet<string>): MirroredReferrer[] {
  if (!index.isIndex()) return [];
  return index
    .getIndexManifest()
    .manifests.filter((d) => d.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_MANIFEST && kept.has(d.digest))
    .map((d) => ({
      digest: d.digest,
      kind: 'attestation' as const,
      ...(d.artifactType ? { artifactType: d.artifactType } : {}),
      describes: d.annotations?.[REFERENCE_DIGEST_ANNOTATION] ?? index.descriptor.digest,
      outcome: 'in-index' as const,
    }));
}

/** One signature (or attestation) layer: its blob, and for a simple-signing layer the signature over it (two keys can sign one payload). */
const layerKey = (l: Descriptor) => `${l.digest}\0${l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] ?? ''}`;

/**
 * The target's cosign manifest with the source's layers appended, skipping
 * those it has (cosign's own merge when it signs again); its config gains
 * the layers' diff IDs and history entries as go-containerregistry's
 * mutate.Append adds them. Written under `tag` only when something is new.
 */
async function mergeSignatures(
  target: Client,
  writer: ImageWriter,
  tag: string,
  theirs: ManifestResult,
  ourDoc: Manifest,
  signal?: AbortSignal,
): Promise<{ kept: number; added: number }> {
  const theirDoc = theirs.getManifest();
  const have = new Set(theirDoc.layers.map(layerKey));
  const added = ourDoc.layers.filter((l) => !have.has(layerKey(l)) && !!have.add(layerKey(l)));
  const counts = { kept: theirDoc.layers.length, added: added.length };
  if (added.length === 0) return counts;
  const config = await appendToConfig(target, writer, theirDoc, added, signal);
  const doc = JSON.parse(Buffer.from(theirs.raw).toString('utf8')) as Record<string, unknown>;
  const merged = { ...doc, config, layers: [...theirDoc.layers, ...added] };
  await writer.putManifest(tag, new TextEncoder().encode(JSON.stringify(merged)), theirs.mediaType, signal);
  return counts;
}

/** The config with `added` appended to its diff IDs and history; the config as it is when it is not one Lading can extend. */
async function appendToConfig(
  target: Client,
  writer: ImageWriter,
  manifest: Manifest,
  added: Descriptor[],
  signal?: AbortSignal,
): Promise<Descriptor> {
  let config: { rootfs?: { diff_ids?: unknown }; history?: unknown } | null;
  try {
    const stream = await target.openBlob(manifest.config, { ...(signal ? { signal } : {}) });
    const bytes = await readBounded(stream, MAX_MANIFEST_BYTES, undefined, () => new InvalidManifestError('config too large'));
    config = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof config;
  } catch {
    if (signal?.aborted) throw signal.reason;
    return manifest.config;
  }
  const rootfs = config && typeof config === 'object' ? config.rootfs : undefined;
  if (!config || !rootfs || !Array.isArray(rootfs.diff_ids)) return manifest.config;
  // cosign's layers are stored uncompressed: a layer's diff ID is its digest.
  rootfs.diff_ids = [...(rootfs.diff_ids as unknown[]), ...added.map((l) => l.digest)];
  if (Array.isArray(config.history))
    config.history = [...(config.history as unknown[]), ...added.map(() => ({ created: '0001-01-01T00:00:00Z' }))];
  const bytes = Buffer.from(JSON.stringify(config));
  const descriptor: Descriptor = { mediaType: manifest.config.mediaType, digest: digestOf(bytes), size: bytes.length };
  await writer.putBlob(descriptor, () => Promise.resolve(Readable.from([bytes])), { ...(signal ? { signal } : {}) });
  return descriptor;
}
