/**
 * The one way into the services for both hosts (IPC, WebSocket): they call
 * `call()` with whatever arrived and send back the Outcome as is. Every input
 * is validated with the operation's schema at this boundary; whatever is
 * thrown becomes the contract's error shape; results, errors and events are
 * scrubbed of every secret this process has handled. What each operation does
 * is in operation-handlers.ts.
 */
import type { z } from 'zod';
import { operations, isOperationName, type InputOf, type OperationName, type ResultOf } from '../../src-shared/contract';
import type { AppError, Outcome } from '../../src-shared/errors';
import type { JobEventListener } from './events';
import { appErrorFromThrown } from './errors';
import { createOperationHandlers, type OperationHandlers } from './operation-handlers';
import type { Services } from './services';

export interface OperationDispatcher {
  /** Validates `input` for operation `name`, runs it, and answers an Outcome. Never throws. */
  call(name: string, input: unknown): Promise<Outcome<unknown>>;
  /** The same, typed for callers in main (and tests). */
  invoke<N extends OperationName>(name: N, input: InputOf<N>): Promise<Outcome<ResultOf<N>>>;
  /** Job events (already scrubbed); returns the unsubscribe function. */
  subscribe(listener: JobEventListener): () => void;
  readonly handlers: OperationHandlers;
}

const MAX_ISSUES = 8;

/** A zod error in words: `field: what is wrong; ...`, never the offending value. */
export function describeIssues(name: string, error: z.ZodError): AppError {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return {
    code: 'invalid-input',
    message: `Invalid input for ${name}: ${issues.join('; ')}`,
    details: { issues },
  };
}

export function createOperationDispatcher(services: Services): OperationDispatcher {
  const handlers = createOperationHandlers(services);

  async function call(name: string, input: unknown): Promise<Outcome<unknown>> {
    let outcome: Outcome<unknown>;
    if (!isOperationName(name)) {
      outcome = { ok: false, error: { code: 'invalid-input', message: `Unknown operation "${String(name).slice(0, 64)}"` } };
    } else {
      const parsed = operations[name].input.safeParse(input === undefined ? {} : input);
      if (!parsed.success) {
        outcome = { ok: false, error: describeIssues(name, parsed.error) };
      } else {
        try {
          const handler = handlers[name] as (input: unknown) => Promise<unknown>;
          outcome = { ok: true, value: await handler(parsed.data) };
        } catch (err) {
          outcome = { ok: false, error: appErrorFromThrown(err) };
        }
      }
    }
    return services.sanitize(outcome);
  }

  return {
    call,
    invoke: <N extends OperationName>(name: N, input: InputOf<N>) => call(name, input) as Promise<Outcome<ResultOf<N>>>,
    subscribe: (listener) => services.events.subscribe(listener),
    handlers,
  };
}
