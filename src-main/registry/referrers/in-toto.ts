/**
 * in-toto statements and the DSSE envelopes they travel in: the statement
 * checked, its predicate summed up when it is SLSA provenance (v0.2 or v1) or
 * an SBOM. The DSSE signature itself is checked in verify.ts.
 */
import { decodeBase64, isObject, stringOf } from './encoding';
import { InvalidAttachmentError } from './errors';
import { IN_TOTO, SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1, isSbomPredicate } from './media-types';
import { readSbom } from './sbom';
import type { InTotoPart, InTotoStatement, Provenance } from './types';

/** cosign refuses statements with more subjects than this (sigstore-go limitSubjects); so do we. */
const MAX_SUBJECTS = 1024;

export interface DsseEnvelope {
  payloadType: string;
  /** The decoded payload, the bytes that were signed (inside the PAE). */
  payload: Buffer;
  signatures: { keyid?: string; sig: string }[];
}

/** Reads a DSSE envelope's JSON; `where` names it in errors. */
export function readEnvelope(doc: unknown, where: string): DsseEnvelope {
  if (!isObject(doc)) throw new InvalidAttachmentError(`${where} is not a DSSE envelope: not a JSON object`);
  const payloadType = stringOf(doc.payloadType);
  if (!payloadType) throw new InvalidAttachmentError(`${where} is not a DSSE envelope: it has no payloadType`);
  if (typeof doc.payload !== 'string') throw new InvalidAttachmentError(`${where} is not a DSSE envelope: it has no payload`);
  const payload = decodeBase64(doc.payload);
  if (!payload) {
    throw new InvalidAttachmentError(`${where}: the DSSE payload is not base64 (it starts ${JSON.stringify(doc.payload.slice(0, 24))})`);
  }
  const signatures: DsseEnvelope['signatures'] = [];
  for (const [i, s] of (Array.isArray(doc.signatures) ? doc.signatures : []).entries()) {
    if (!isObject(s) || typeof s.sig !== 'string') throw new InvalidAttachmentError(`${where}: DSSE signatures[${i}] has no sig`);
    signatures.push({ sig: s.sig, ...(stringOf(s.keyid) ? { keyid: s.keyid as string } : {}) });
  }
  return { payloadType, payload, signatures };
}

/** DSSE's pre-authentication encoding: what a DSSE signature is over. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Parses and checks an in-toto statement; `where` names it in errors. */
export function readStatement(bytes: Uint8Array, where: string): { statement: InTotoStatement; predicate: unknown } {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new InvalidAttachmentError(`${where}: the in-toto statement is not JSON (${(err as Error).message})`);
  }
  if (!isObject(doc)) throw new InvalidAttachmentError(`${where}: the in-toto statement is not a JSON object`);
  const type = stringOf(doc._type);
  const predicateType = stringOf(doc.predicateType);
  if (!type || !predicateType) throw new InvalidAttachmentError(`${where}: the in-toto statement has no _type or predicateType`);
  if (!Array.isArray(doc.subject)) throw new InvalidAttachmentError(`${where}: the in-toto statement has no subject list`);
  if (doc.subject.length > MAX_SUBJECTS) {
    throw new InvalidAttachmentError(
      `${where}: the in-toto statement names ${doc.subject.length} subjects; Lading reads at most ${MAX_SUBJECTS}`,
    );
  }
  const subjects = doc.subject.map((s, i) => {
    if (!isObject(s) || !isObject(s.digest)) throw new InvalidAttachmentError(`${where}: in-toto subject[${i}] has no digest`);
    const digest: Record<string, string> = {};
    for (const [algorithm, hex] of Object.entries(s.digest)) if (typeof hex === 'string') digest[algorithm] = hex;
    return { ...(stringOf(s.name) ? { name: s.name as string } : {}), digest };
  });
  return { statement: { type, predicateType, subjects }, predicate: doc.predicate };
}

/** The statement as a part: provenance summed up, an SBOM read as packages. */
export function statementPart(base: Pick<InTotoPart, 'descriptor' | 'envelope' | 'signer'>, bytes: Uint8Array, where: string): InTotoPart {
  const { statement, predicate } = readStatement(bytes, where);
  const part: InTotoPart = { type: 'in-toto', ...base, statement };
  if (isSbomPredicate(statement.predicateType)) {
    const sbom = readSbom(predicate);
    if (sbom) part.sbom = sbom;
    else part.predicate = predicate;
    return part;
  }
  part.predicate = predicate;
  const provenance = readProvenance(statement.predicateType, predicate);
  if (provenance) part.provenance = provenance;
  return part;
}

/** The DSSE envelope's payload as a statement part, when it is one. */
export function envelopePart(
  base: Pick<InTotoPart, 'descriptor' | 'signer'>,
  envelope: DsseEnvelope,
  where: string,
): InTotoPart | undefined {
  if (envelope.payloadType !== IN_TOTO) return undefined;
  const summary = { payloadType: envelope.payloadType, signatures: envelope.signatures };
  return statementPart({ ...base, envelope: summary }, envelope.payload, where);
}

/** `sha256:<hex>` for every subject digest of a statement. */
export function statementDigests(statement: InTotoStatement): string[] {
  return statement.subjects.flatMap((s) => Object.entries(s.digest).map(([algorithm, hex]) => `${algorithm}:${hex.toLowerCase()}`));
}

function path(doc: unknown, ...keys: string[]): unknown {
  let value = doc;
  for (const key of keys) {
    if (!isObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

const str = (doc: unknown, ...keys: string[]) => stringOf(path(doc, ...keys));

export function readProvenance(predicateType: string, predicate: unknown): Provenance | undefined {
  if (!isObject(predicate)) return undefined;
  if (predicateType === SLSA_PROVENANCE_V02) return provenanceV02(predicate);
  if (predicateType === SLSA_PROVENANCE_V1 || predicateType.startsWith(`${SLSA_PROVENANCE_V1}/`)) return provenanceV1(predicate);
  return undefined;
}

/** BuildKit writes its VCS details under this key of the metadata. */
const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';

function provenanceV02(p: Record<string, unknown>): Provenance {
  const vcs = path(p, 'metadata', BUILDKIT_METADATA, 'vcs');
  const firstGit = gitMaterial(path(p, 'materials'));
  return compact({
    slsaVersion: '0.2',
    builder: str(p, 'builder', 'id'),
    buildType: str(p, 'buildType'),
    sourceRepository: str(p, 'invocation', 'configSource', 'uri') ?? str(vcs, 'source') ?? firstGit?.uri,
    commit: str(p, 'invocation', 'configSource', 'digest', 'sha1') ?? str(vcs, 'revision') ?? firstGit?.commit,
    buildStartedOn: str(p, 'metadata', 'buildStartedOn'),
    buildFinishedOn: str(p, 'metadata', 'buildFinishedOn'),
  });
}

function provenanceV1(p: Record<string, unknown>): Provenance {
  const external = path(p, 'buildDefinition', 'externalParameters');
  const vcs = path(p, 'runDetails', 'metadata', 'buildkit_metadata', 'vcs');
  const firstGit = gitMaterial(path(p, 'buildDefinition', 'resolvedDependencies'));
  return compact({
    slsaVersion: '1',
    builder: str(p, 'runDetails', 'builder', 'id'),
    buildType: str(p, 'buildDefinition', 'buildType'),
    // GitHub's workflow build type names the repository; BuildKit its config source; both list the checkout.
    sourceRepository:
      str(external, 'workflow', 'repository') ?? str(external, 'configSource', 'uri') ?? str(vcs, 'source') ?? firstGit?.uri,
    commit: firstGit?.commit ?? str(external, 'configSource', 'digest', 'sha1') ?? str(vcs, 'revision'),
    buildStartedOn: str(p, 'runDetails', 'metadata', 'startedOn'),
    buildFinishedOn: str(p, 'runDetails', 'metadata', 'finishedOn'),
  });
}

/** The first material or dependency fetched from git: its URI and commit. */
function gitMaterial(list: unknown): { uri: string; commit?: string } | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const m of list) {
    const uri = str(m, 'uri');
    if (!uri || !/^git\+|\.git(@|#|$)/.test(uri)) continue;
    const commit = str(m, 'digest', 'gitCommit') ?? str(m, 'digest', 'sha1');
    return commit ? { uri, commit } : { uri };
  }
  return undefined;
}

/** `p` without its undefined fields (the parsers fill every field, found or not). */
function compact(p: { [K in keyof Provenance]: Provenance[K] | undefined }): Provenance {
  for (const key of Object.keys(p) as (keyof Provenance)[]) if (p[key] === undefined) delete p[key];
  return p as Provenance;
}
