/**
 * Lading's services in a process of their own, so that a test can kill it
 * with SIGKILL in the middle of its jobs, as a power loss or `kill -9` does:
 * no handler runs, no finally block, nothing is cleaned up.
 *
 * Usage: node --import tsx crash-child.ts '{"dataDir":..., "host":..., "jobs":[{"operation":"jobs.extract","input":{...}}]}'
 * The inputs name no connection: the child saves one to `host` (plain HTTP,
 * anonymous) and puts its id in. Once every job has moved some bytes and
 * made its temporary, it prints one JSON line, {"ready":true,"pid":...,"jobs":[{"jobId":...,"kind":...}]},
 * and then waits to be killed; a job that ends first prints {"ready":false,...}.
 */
import { randomBytes } from 'node:crypto';
import { placesOf, type FolderJobKind } from '../../src-main/app/job-leftovers';
import { createOperationDispatcher } from '../../src-main/app/operation-dispatcher';
import { createServices } from '../../src-main/app/services';
import { findTemporaries, formatOwner, thisOwner } from '../../src-main/registry/disk/index';
import type { JobStarted } from '../../src-shared/contract';

interface ChildJob {
  operation: 'jobs.saveLayers' | 'jobs.saveLayout' | 'jobs.extract';
  input: Record<string, unknown>;
}

interface ChildArgs {
  dataDir: string;
  host: string;
  jobs: ChildJob[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const services = createServices({
  dataDir: args.dataDir,
  keychainService: `Lading-crash-${randomBytes(6).toString('hex')}`,
  progressThrottleMs: 20,
});
const api = createOperationDispatcher(services);

const moved = new Set<string>();
const started: JobStarted[] = [];
let told = false;
const tell = (line: unknown) => {
  if (told) return;
  told = true;
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

/** Has the job made a temporary yet? (Bytes read are not enough: a file is opened asynchronously.) */
async function hasTemporary(job: ChildJob): Promise<boolean> {
  const kind = job.operation.slice('jobs.'.length) as FolderJobKind;
  for (const place of placesOf(kind, job.input.targetDir as string)) {
    const found = await findTemporaries(place.dir, {
      ownerToken: formatOwner(thisOwner()),
      ...(place.names ? { names: place.names } : {}),
    });
    if (found.length > 0) return true;
  }
  return false;
}

async function tellWhenReady(): Promise<void> {
  while (!told) {
    if (started.length === args.jobs.length && started.every((j) => moved.has(j.jobId))) {
      const made = await Promise.all(args.jobs.map(hasTemporary));
      if (made.every(Boolean)) tell({ ready: true, pid: process.pid, jobs: started.map((j) => ({ jobId: j.jobId, kind: j.kind })) });
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

api.subscribe((event) => {
  if (event.type === 'progress' && event.progress.bytesDone > 0) moved.add(event.jobId);
  else if (event.type !== 'progress') tell({ ready: false, jobId: event.jobId, event });
});

const connection = await api.call('connections.save', { name: 'crash', host: args.host, authKind: 'anonymous', plainHttp: true });
if (!connection.ok) throw new Error(JSON.stringify(connection.error));
const connectionId = (connection.value as { id: string }).id;
for (const job of args.jobs) {
  const outcome = await api.call(job.operation, { ...job.input, connectionId });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  started.push(outcome.value as JobStarted);
}
await tellWhenReady();
// Wait for the kill.
setInterval(() => undefined, 60_000);
