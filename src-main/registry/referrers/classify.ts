/**
 * What kind of thing a referrer is, from what its descriptor says: its
 * artifact type, and the annotations tools add to say which predicate an
 * attestation carries. No content is read.
 */
import type { Descriptor } from '../types';
import {
  COSIGN_ARTIFACT_ATT,
  COSIGN_ARTIFACT_SIG,
  COSIGN_SIGN_PREDICATE,
  COSIGN_SIMPLESIGNING,
  DSSE_ENVELOPE,
  IN_TOTO,
  IN_TOTO_PREDICATE_TYPE_ANNOTATION,
  NOTATION_SIGNATURE,
  SBOM_TYPES,
  SIGSTORE_BUNDLE_CONTENT_ANNOTATION,
  SIGSTORE_BUNDLE_PREDICATE_ANNOTATION,
  isSbomPredicate,
  isSigstoreBundle,
} from './media-types';
import type { ReferrerKind } from './types';

const SIGNATURE_TYPES: readonly string[] = [COSIGN_SIMPLESIGNING, COSIGN_ARTIFACT_SIG, NOTATION_SIGNATURE];
const ATTESTATION_TYPES: readonly string[] = [DSSE_ENVELOPE, IN_TOTO, COSIGN_ARTIFACT_ATT];

/** The kind of a predicate type: SBOMs, cosign's image signature, or any other attestation. */
export function kindOfPredicate(predicateType: string): ReferrerKind {
  if (isSbomPredicate(predicateType)) return 'sbom';
  if (predicateType === COSIGN_SIGN_PREDICATE) return 'signature';
  return 'attestation';
}

/** The kind of a referrer listed by the Referrers API or a tag-schema index. */
export function kindOfDescriptor(d: Descriptor): ReferrerKind {
  const type = (d.artifactType ?? '').toLowerCase();
  const annotations = d.annotations ?? {};
  if (isSigstoreBundle(type)) {
    const predicate = annotations[SIGSTORE_BUNDLE_PREDICATE_ANNOTATION];
    if (predicate) return kindOfPredicate(predicate);
    // Without a predicate annotation only the content annotation tells; a bare bundle is most often a signature.
    return annotations[SIGSTORE_BUNDLE_CONTENT_ANNOTATION] === 'dsse-envelope' ? 'attestation' : 'signature';
  }
  if (SIGNATURE_TYPES.includes(type)) return 'signature';
  if (SBOM_TYPES.includes(type)) return 'sbom';
  if (ATTESTATION_TYPES.includes(type)) {
    const predicate = annotations[IN_TOTO_PREDICATE_TYPE_ANNOTATION];
    return predicate ? kindOfPredicate(predicate) : 'attestation';
  }
  return 'other';
}

/**
 * The kind of a cosign `.att` manifest from its layers' `predicateType`
 * annotations: an SBOM when every layer is one (`cosign attest --type
 * spdxjson`), else an attestation.
 */
export function kindOfAttestationLayers(layers: Descriptor[]): ReferrerKind {
  const types = layers.map((l) => l.annotations?.predicateType ?? l.annotations?.[IN_TOTO_PREDICATE_TYPE_ANNOTATION] ?? '');
  return types.length > 0 && types.every((t) => isSbomPredicate(t)) ? 'sbom' : 'attestation';
}
