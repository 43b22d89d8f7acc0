/**
 * What is attached to an image: signatures, SBOMs, attestations (part of the
 * contract's table); their views are in src-shared/referrers.ts.
 */
import { z } from 'zod';
import { publicKeySchema, type AttachmentView, type ReferrersView, type SavedAttachment, type VerificationView } from '../referrers';
import { absolutePathSchema, connectionIdSchema, digestSchema, repositorySchema } from '../schemas';
import { operation, imageRef } from '../operation-spec';

export const referrerOperations = {
  'referrers.list': operation<ReferrersView>()(
    'query',
    'What is attached to an image or index (signatures, SBOMs, attestations) from every place tools put them; index: the index the image was opened from, for its BuildKit attestations',
    z.strictObject({ ...imageRef, index: digestSchema.optional() }),
  ),
  'referrers.read': operation<AttachmentView>()(
    'query',
    'One attachment decoded: signatures with payload and identity, in-toto statements (provenance summed up), SBOM packages',
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      digest: digestSchema,
      kind: z.enum(['signature', 'attestation', 'sbom', 'other'], { error: 'kind must be signature, attestation, sbom or other' }),
    }),
  ),
  'referrers.verify': operation<VerificationView>()(
    'query',
    'Checks each cosign signature of an image against a PEM public key: does it match the key, and is it about this image',
    z.strictObject({ connectionId: connectionIdSchema, repository: repositorySchema, digest: digestSchema, publicKey: publicKeySchema }),
  ),
  'referrers.save': operation<SavedAttachment>()(
    'command',
    "Saves a layer of an attachment (an SBOM's original document) to a new file, whole or not at all",
    z.strictObject({
      connectionId: connectionIdSchema,
      repository: repositorySchema,
      referrer: digestSchema,
      layer: digestSchema,
      path: absolutePathSchema,
    }),
  ),
} as const;
