/**
 * Shared set-up for the service tests: real services over a temporary data
 * folder and a keychain service name of their own (entries are removed at the
 * end), an API whose every answer and event is recorded, so a test can search
 * all of it for a secret.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createOperationDispatcher, type OperationDispatcher } from '../../src-main/app/operation-dispatcher';
import { createServices, type Services, type ServicesOptions } from '../../src-main/app/services';
import type { Connection, InputOf, JobEvent, OperationName, ResultOf } from '../../src-shared/contract';
import type { AppError, Outcome } from '../../src-shared/errors';
import type { RegistryEndpoint } from '../harness/lading-info';
import { makeTempDir } from '../harness/tmp';

export interface TestApp {
  services: Services;
  dispatcher: OperationDispatcher;
  dataDir: string;
  keychainService: string;
  /** Every outcome the API answered and every event it emitted, as JSON. */
  transcript: string[];
  events: JobEvent[];
  /** Calls an operation; fails the test with the error when it does not succeed. */
  ok<N extends OperationName>(name: N, input: InputOf<N>): Promise<ResultOf<N>>;
  /** Calls an operation that must fail; returns the error. */
  fail<N extends OperationName>(name: N, input: unknown): Promise<AppError>;
  /** Resolves with the job's last event (done, failed or cancelled). */
  finished(jobId: string, timeoutMs?: number): Promise<JobEvent>;
  eventsOf(jobId: string): JobEvent[];
  close(): Promise<void>;
}

export async function startApp(options: Partial<ServicesOptions> = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await makeTempDir('lading-app-'));
  const keychainService = options.keychainService ?? `Lading-test-${randomBytes(6).toString('hex')}`;
  const services = createServices({ progressThrottleMs: 20, ...options, dataDir, keychainService });
  const dispatcher = createOperationDispatcher(services);
  const transcript: string[] = [];
  const events: JobEvent[] = [];
  const waiters = new Map<string, ((e: JobEvent) => void)[]>();
  dispatcher.subscribe((event) => {
    events.push(event);
    transcript.push(JSON.stringify(event));
    if (event.type !== 'progress') for (const w of waiters.get(event.jobId) ?? []) w(event);
  });
  const call = async (name: string, input: unknown): Promise<Outcome<unknown>> => {
    const outcome = await dispatcher.call(name, input);
    transcript.push(JSON.stringify(outcome));
    return outcome;
  };
  const app: TestApp = {
    services,
    dispatcher,
    dataDir,
    keychainService,
    transcript,
    events,
    async ok(name, input) {
      const outcome = await call(name, input);
      if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.code}: ${outcome.error.message}`);
      return outcome.value as never;
    },
    async fail(name, input) {
      const outcome = await call(name, input);
      if (outcome.ok) throw new Error(`${name} was expected to fail, but answered ${JSON.stringify(outcome.value).slice(0, 300)}`);
      return outcome.error;
    },
    finished(jobId, timeoutMs = 30_000) {
      const end = events.find((e) => e.jobId === jobId && e.type !== 'progress');
      if (end) return Promise.resolve(end);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish within ${timeoutMs} ms`)), timeoutMs);
        const list = waiters.get(jobId) ?? [];
        list.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
        waiters.set(jobId, list);
      });
    },
    eventsOf(jobId) {
      return events.filter((e) => e.jobId === jobId);
    },
    async close() {
      // Remove every secret this run put in the keychain.
      for (const c of await services.connections.list()) {
        if (c.secret !== 'none') await services.credentials.delete(c.id);
      }
      await services.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

export type AuthMode = 'anonymous' | { username: string; password: string };

/** Saves a connection to one of the harness registries (plain HTTP on loopback). */
export function connect(app: TestApp, endpoint: RegistryEndpoint, auth: AuthMode, name = 'test'): Promise<Connection> {
  return app.ok('connections.save', {
    name,
    host: endpoint.host,
    plainHttp: true,
    ...(auth === 'anonymous' ? { authKind: 'anonymous' } : { authKind: 'basic', username: auth.username, secret: auth.password }),
  });
}

/** Progress events of a job, checked to be in order; returns them. */
export function progressOf(events: JobEvent[]): Extract<JobEvent, { type: 'progress' }>[] {
  return events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress');
}
