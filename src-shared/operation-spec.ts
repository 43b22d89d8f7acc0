/**
 * What every area's operations (src-shared/operations/) are made of: the
 * spec of one operation (kind, summary, input schema, result type) and the
 * pieces their input schemas share.
 */
import { z } from 'zod';
import { connectionIdSchema, platformSchema, referenceSchema, repositorySchema } from './schemas';

export interface OperationSpec<I extends z.ZodType, R> {
  /** `query`: reads, safe to repeat and cache; `command`: changes something or starts a job. */
  readonly kind: 'query' | 'command';
  readonly summary: string;
  readonly input: I;
  /** Phantom: carries the result type; never set at runtime. */
  readonly result?: R;
}

/** `operation<Result>()(kind, summary, inputSchema)`: the result type given, the input's inferred. */
export function operation<R>() {
  return <I extends z.ZodType>(kind: 'query' | 'command', summary: string, input: I): OperationSpec<I, R> => ({ kind, summary, input });
}

export const empty = z.strictObject({});

/** An image of a connection's repository, by tag or digest. */
export const imageRef = {
  connectionId: connectionIdSchema,
  repository: repositorySchema,
  reference: referenceSchema,
};

export const uniqueList = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z
    .array(item, { error: `${what} must be a list` })
    .max(max, `At most ${max} ${what}`)
    .refine((list) => new Set(list as unknown[]).size === list.length, `${what} must not repeat`);

/** An image, and when the reference is an index, which of its platforms (each operation says its default). */
export const platformImageRef = { ...imageRef, platform: platformSchema.optional() };

/** Some platforms of an index (mirror, save): absent means all of them. */
export const platformList = uniqueList(platformSchema, 64, 'platforms').optional();
