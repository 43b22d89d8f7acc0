/**
 * index.json: the layout's list of top-level manifests, tagged by their
 * ref.name annotation. Read fresh on every call (it is small, and another
 * program may have changed it); replaced atomically and under the
 * directory's lock when written.
 */
import { readFile, stat } from 'node:fs/promises';
import { InvalidManifestError } from '../errors';
import { OCI_INDEX } from '../mediatypes';
import { parseDigest } from '../reference';
import type { Descriptor } from '../types';
import { syncDirectory, writeFileAtomically } from '../disk/atomic-file';
import { diskError } from '../disk/failure-words';
import { isNotFound, layoutNotFound } from './errors';
import { REF_NAME_ANNOTATION, indexPath } from './paths';
import { withDirectoryLock } from './lock';

/** index.json as stored: fields we do not know (annotations, subject...) are kept when it is rewritten. */
export type IndexDocument = Record<string, unknown> & { schemaVersion: number; manifests: Descriptor[] };

/** Tens of thousands of tags fit; anything larger is not an index a tool wrote. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export function emptyIndex(): IndexDocument {
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
}

/** The layout's index; a missing directory or index.json is RepositoryNotFoundError. */
export async function readIndex(dir: string): Promise<IndexDocument> {
  const index = await readIndexIfPresent(dir);
  if (index) return index;
  // Tell "no such folder" from "a folder, but not a layout": the fixes differ.
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  throw layoutNotFound(dir, isDir ? 'the folder has no index.json' : 'no such directory');
}

/** The index, or undefined when there is none yet (a layout about to be created). */
export async function readIndexIfPresent(dir: string): Promise<IndexDocument | undefined> {
  const file = indexPath(dir);
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.size > MAX_INDEX_BYTES) throw new InvalidManifestError(`${file} is larger than 64 MiB; refusing to read it`);
    bytes = await readFile(file);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw diskError(err, { verb: 'read', path: file });
  }
  return parseIndex(bytes, file);
}

export function parseIndex(bytes: Uint8Array, file: string): IndexDocument {
  const bad = (why: string) => new InvalidManifestError(`${file} is not a valid OCI image index: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('not a JSON object');
  const index = doc as Record<string, unknown>;
  if (index.schemaVersion !== 2) throw bad(`schemaVersion is ${JSON.stringify(index.schemaVersion)}, expected 2`);
  if (!Array.isArray(index.manifests)) throw bad('no "manifests" list');
  index.manifests.forEach((entry: unknown, i) => {
    const why = descriptorProblem(entry);
    if (why) throw bad(`manifests[${i}] ${why}`);
  });
  return index as IndexDocument;
}

function descriptorProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return 'is not an object';
  const d = value as Partial<Descriptor>;
  if (typeof d.mediaType !== 'string') return 'has no mediaType';
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) return `has an invalid size ${JSON.stringify(d.size)}`;
  try {
    parseDigest(String(d.digest));
  } catch {
    return `has an invalid digest ${JSON.stringify(d.digest)}`;
  }
  if (d.annotations !== undefined && (typeof d.annotations !== 'object' || d.annotations === null)) return 'has invalid annotations';
  return undefined;
}

export function refNameOf(entry: Descriptor): string | undefined {
  const name = entry.annotations?.[REF_NAME_ANNOTATION];
  return typeof name === 'string' ? name : undefined;
}

/**
 * The entry tagged `name`. Tools that append without replacing can leave two;
 * the later one is the newer write, so it wins.
 */
export function findRef(index: IndexDocument, name: string): Descriptor | undefined {
  return index.manifests.findLast((entry) => refNameOf(entry) === name);
}

/** An entry (tagged or not) for `digest`, for its media type and size. */
export function findDigest(index: IndexDocument, digest: string): Descriptor | undefined {
  return index.manifests.find((entry) => entry.digest === digest);
}

/**
 * Points `name` at `descriptor`: every entry with that ref.name is replaced
 * by one new entry, at the end; the rest of the document is kept as it was.
 */
export function setRef(index: IndexDocument, name: string, descriptor: Descriptor): IndexDocument {
  const entry: Descriptor = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(descriptor.platform ? { platform: descriptor.platform } : {}),
    ...(descriptor.artifactType ? { artifactType: descriptor.artifactType } : {}),
    annotations: { ...descriptor.annotations, [REF_NAME_ANNOTATION]: name },
  };
  return { ...index, manifests: [...index.manifests.filter((e) => refNameOf(e) !== name), entry] };
}

/**
 * Reads, changes and replaces index.json as one turn of the directory's
 * queue. A malformed index.json is refused rather than overwritten: it may
 * hold tags we cannot see.
 */
export function updateIndex(dir: string, change: (index: IndexDocument) => IndexDocument, signal?: AbortSignal): Promise<void> {
  return withDirectoryLock(dir, async () => {
    signal?.throwIfAborted();
    const current = (await readIndexIfPresent(dir)) ?? emptyIndex();
    const next = change(current);
    const file = indexPath(dir);
    try {
      await writeFileAtomically(file, JSON.stringify(next), { signal });
    } catch (err) {
      throw diskError(err, { verb: 'write', path: file });
    }
    await syncDirectory(dir);
  });
}
