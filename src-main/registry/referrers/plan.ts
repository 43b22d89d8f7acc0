/**
 * planReferrers: everything to copy so that a mirror's target knows the same
 * referrers as the source: each referrer's manifest and blobs, the referrers
 * of referrers (a signature of an SBOM) down to a depth limit, the cosign tags
 * to set, and the entries of the referrers tag-schema indexes a target
 * without the Referrers API needs. Each manifest is planned once, whichever
 * way it was found, and a loop (a referrer whose own referrers lead back)
 * ends where it closes.
 *
 * BuildKit's attestation entries are not in the plan: they travel inside
 * their index, which the mirror copies anyway; their own referrers are.
 */
import type { Client } from '../client';
import { InvalidManifestError } from '../errors';
import type { ManifestResult } from '../manifest';
import { parseDigest } from '../reference';
import type { CallOptions, Descriptor } from '../types';
import { ReferrersLimitError } from './errors';
import type { Referrer } from './types';

/** Real chains are short: image -> SBOM -> signature of the SBOM is depth 2. */
export const DEFAULT_MAX_REFERRER_DEPTH = 4;
/** At most this many referrers in one plan (every level together). */
export const MAX_PLANNED_REFERRERS = 10_000;

export interface PlanReferrersOptions extends CallOptions {
  /** How deep to follow referrers of referrers. Default 4; passing it is a ReferrersLimitError. */
  maxDepth?: number;
}

export interface PlannedManifest {
  digest: string;
  mediaType: string;
  /** The bytes, exactly as stored (their digest is `digest`). */
  raw: Uint8Array;
}

export interface PlannedReferrer {
  referrer: Referrer;
  /** 1 for a referrer of one of the subjects, 2 for a referrer of that one, ... */
  depth: number;
  manifest: PlannedManifest;
  /** An index referrer's children, to be copied before it. */
  children: PlannedManifest[];
  /** The blobs of the manifest and its children. */
  blobs: Descriptor[];
}

export interface ReferrerPlan {
  /** Breadth first: a referrer comes after the manifest it refers to. */
  referrers: PlannedReferrer[];
  /** Every blob once. */
  blobs: Descriptor[];
  /** cosign tags (`sha256-<hex>.sig`, ...) to set on the target, each to its manifest. */
  tags: { tag: string; digest: string }[];
  /** For a target without the Referrers API: the entries its `sha256-<hex>` index should list, per subject. */
  tagSchema: { subject: string; entries: Descriptor[] }[];
}

export async function planReferrers(client: Client, subjects: string[], opts: PlanReferrersOptions = {}): Promise<ReferrerPlan> {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_REFERRER_DEPTH;
  const roots = subjects.map((s) => parseDigest(s.startsWith('@') ? s.slice(1) : s));
  const listed = new Set(roots);
  const planned = new Map<string, PlannedReferrer>();
  const tags = new Map<string, string>();
  const tagSchema = new Map<string, Map<string, Descriptor>>();
  let level = roots;
  for (let depth = 1; level.length > 0; depth++) {
    const next: string[] = [];
    for (const subject of level) {
      for (const referrer of await client.listReferrers(subject, { signal: opts.signal })) {
        const digest = referrer.descriptor.digest;
        // Where the target must list it: per subject, whichever way it was found first.
        if (referrer.sources.includes('api') || referrer.sources.includes('tag-schema')) {
          let entries = tagSchema.get(subject);
          if (!entries) tagSchema.set(subject, (entries = new Map<string, Descriptor>()));
          entries.set(digest, referrer.descriptor);
        }
        if (referrer.tag) tags.set(referrer.tag, digest);
        // Already planned, a subject itself, or already listed: a loop closes or a second way in.
        if (listed.has(digest)) continue;
        listed.add(digest);
        if (depth > maxDepth) {
          throw new ReferrersLimitError(
            `${client.getRegistry()}@${subject} has referrers ${depth} levels below the image (${digest}); Lading follows referrers ${maxDepth} levels deep`,
            maxDepth,
          );
        }
        next.push(digest);
        if (referrer.source === 'index' && referrer.sources.length === 1) continue;
        planned.set(digest, await planOne(client, referrer, depth, opts));
        if (planned.size > MAX_PLANNED_REFERRERS) {
          throw new ReferrersLimitError(
            `${client.getRegistry()} has more than ${MAX_PLANNED_REFERRERS} referrers to copy for ${roots.join(', ')}; refusing to plan more`,
            MAX_PLANNED_REFERRERS,
          );
        }
      }
    }
    level = next;
  }
  const blobs = new Map<string, Descriptor>();
  for (const p of planned.values()) for (const b of p.blobs) if (!blobs.has(b.digest)) blobs.set(b.digest, b);
  return {
    referrers: [...planned.values()],
    blobs: [...blobs.values()],
    tags: [...tags].map(([tag, digest]) => ({ tag, digest })),
    tagSchema: [...tagSchema].map(([subject, entries]) => ({ subject, entries: [...entries.values()] })),
  };
}

function manifestOf(result: ManifestResult): PlannedManifest {
  return { digest: result.descriptor.digest, mediaType: result.mediaType, raw: result.raw };
}

function blobsOf(result: ManifestResult): Descriptor[] {
  if (result.isIndex()) return [];
  const m = result.getManifest();
  return [m.config, ...m.layers].filter((d) => !d.urls?.length);
}

async function planOne(client: Client, referrer: Referrer, depth: number, opts: CallOptions): Promise<PlannedReferrer> {
  const result = await client.getManifest(`@${referrer.descriptor.digest}`, { signal: opts.signal });
  const children: PlannedManifest[] = [];
  const blobs = blobsOf(result);
  if (result.isIndex()) {
    for (const entry of result.getIndexManifest().manifests) {
      const child = await client.getManifest(`@${entry.digest}`, { signal: opts.signal });
      if (child.isIndex()) {
        throw new InvalidManifestError(
          `The referrer ${referrer.descriptor.digest} of ${client.getRegistry()} nests index ${entry.digest}; copying nested indexes is not supported`,
        );
      }
      children.push(manifestOf(child));
      blobs.push(...blobsOf(child));
    }
  }
  return { referrer, depth, manifest: manifestOf(result), children, blobs };
}
