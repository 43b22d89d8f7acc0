/**
 * The contract between main and renderer: every operation the renderer may
 * call, with its input schema (validated in main at the boundary) and its
 * result type; the job events main pushes; the error shape. Both hosts (the
 * Electron IPC adapter and the loopback WebSocket bridge) serve exactly this
 * table, one named function per operation.
 *
 * The operations and their results are kept by area in src-shared/operations/
 * (connections, browse, tags, jobs, files, referrers); this file puts the
 * table together and says what a call is. Everything is exported from here.
 *
 * No Node, no DOM, no electron: the renderer imports this file as is.
 */
import type { z } from 'zod';
import type { OperationSpec } from './operation-spec';
import { browseOperations } from './operations/browse';
import { connectionOperations } from './operations/connections';
import { fileOperations } from './operations/files';
import { jobOperations } from './operations/jobs';
import { referrerOperations } from './operations/referrers';
import { tagOperations } from './operations/tags';

export type * from './jobs';
export type { OperationSpec } from './operation-spec';
export * from './operations/browse';
export * from './operations/connections';
export * from './operations/tags';

export const operations = {
  ...connectionOperations,
  ...browseOperations,
  ...tagOperations,
  ...jobOperations,
  ...fileOperations,
  ...referrerOperations,
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export const OPERATION_NAMES = Object.keys(operations) as OperationName[];

/** What the renderer sends. */
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
/** What a handler receives: validated, defaults applied. */
export type ParsedInputOf<N extends OperationName> = z.output<Operations[N]['input']>;
export type ResultOf<N extends OperationName> = Operations[N] extends OperationSpec<z.ZodType, infer R> ? R : never;

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name);
}

/** One function per operation, resolving with its result (a failure rejects): what the renderer's client offers (src-renderer/bridge). */
export type OperationCalls = { [N in OperationName]: (input: InputOf<N>) => Promise<ResultOf<N>> };
