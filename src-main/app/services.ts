/**
 * All services wired together, for a host (Electron, the web bridge, tests)
 * to create once: credentials, connections, clients, browsing, jobs, the
 * job-event bus, and the Docker/Podman login importer.
 */
import { homedir } from 'node:os';
import type { Logger } from '../registry/index';
import { BrowseService } from './browse';
import { ClientPool } from './clients';
import { ConnectionsService, ConnectionStore } from './connections';
import { CredentialStore, type KeychainBackend } from './credentials';
import { DockerConfigImporter } from './docker-config';
import { JobEventBus } from './events';
import { FilesService } from './files';
import { JobLeftovers } from './job-leftovers';
import type { RunnerDeps } from './job-runners';
import { JobManager } from './jobs';
import { scrubSecrets } from './redact';
import { TagFactsService } from './tag-facts';
import { TagFactsCache } from './tag-facts-cache';

export interface ServicesOptions {
  /** The app's data folder (connections.json). */
  dataDir: string;
  /** For ~/.docker and ~/.config/containers. Default: os.homedir(). */
  homeDir?: string;
  /** For DOCKER_CONFIG, XDG_RUNTIME_DIR, REGISTRY_AUTH_FILE and the helpers' PATH. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Keychain service name. Default `Lading`. */
  keychainService?: string;
  keychainBackend?: KeychainBackend | (() => Promise<KeychainBackend>);
  /** Minimum time between a job's progress events. Default 100 ms. */
  progressThrottleMs?: number;
  logger?: Logger;
  /** Per-request timeout of registry clients. */
  requestTimeoutMs?: number;
  /** Tuning for tests. */
  runner?: Omit<RunnerDeps, 'pool'>;
  browse?: { catalogBatch?: number; maxScan?: number; tagCacheMs?: number };
  /** Tuning of the tag facts cache on disk (tests). */
  tagFactsCache?: { flushDelayMs?: number };
  /** Shows a folder in the system's file manager; each host brings its own (Electron's shell, xdg-open). */
  openFolder?: (path: string) => Promise<void>;
  /** The file index cache (`<dataDir>/file-index`): the most its files may take. Default 512 MiB. */
  fileIndexMaxBytes?: number;
}

export interface Services {
  credentials: CredentialStore;
  connections: ConnectionsService;
  clients: ClientPool;
  browse: BrowseService;
  jobs: JobManager;
  events: JobEventBus;
  importer: DockerConfigImporter;
  runnerDeps: RunnerDeps;
  /** Files inside images: the file index cache, listings, previews, diffs. */
  files: FilesService;
  /** The journal of running jobs, and what jobs that did not finish left behind. */
  leftovers: JobLeftovers;
  /** Tag facts (digest, size, date, platforms), retag and delete; their cache on disk. */
  tagFacts: TagFactsService;
  tagFactsCache: TagFactsCache;
  /** Shows a folder in the file manager, when the host can. */
  openFolder: ((path: string) => Promise<void>) | undefined;
  /** Replaces any secret this process has handled, wherever it occurs in `value`. */
  sanitize<T>(value: T): T;
  /** Cancels running jobs and closes every client. */
  close(): Promise<void>;
}

export function createServices(options: ServicesOptions): Services {
  const credentials = new CredentialStore({ service: options.keychainService, backend: options.keychainBackend });
  const store = new ConnectionStore({ dataDir: options.dataDir, onWarning: (message) => options.logger?.warn(message) });
  const clients = new ClientPool({ store, credentials, logger: options.logger, timeoutMs: options.requestTimeoutMs });
  const tagFactsCache = new TagFactsCache({
    dataDir: options.dataDir,
    ...options.tagFactsCache,
    onWarning: (message) => options.logger?.warn(message),
  });
  const tagFacts = new TagFactsService({ pool: clients, cache: tagFactsCache });
  const browse = new BrowseService({
    pool: clients,
    createdDates: (connectionId, repository) => tagFacts.createdDates(connectionId, repository),
    ...options.browse,
  });
  const connections = new ConnectionsService({
    store,
    credentials,
    onChange: (id) => {
      clients.invalidate(id);
      browse.forget(id);
      void tagFacts.forget(id).catch((err: unknown) => options.logger?.warn(`Forgetting tag facts failed: ${String(err)}`));
    },
  });
  const sanitize = <T>(value: T): T => scrubSecrets(value, credentials.knownSecrets());
  const events = new JobEventBus((err) => options.logger?.error('A job event listener failed', { error: String(err) }));
  const jobs = new JobManager({ events, sanitize, throttleMs: options.progressThrottleMs });
  const importer = new DockerConfigImporter({ homeDir: options.homeDir ?? homedir(), env: options.env ?? process.env }, connections);
  const runnerDeps: RunnerDeps = { pool: clients, ...options.runner };
  const files = new FilesService({ pool: clients, dataDir: options.dataDir, cacheMaxBytes: options.fileIndexMaxBytes });
  const leftovers = new JobLeftovers({ dataDir: options.dataDir, logger: options.logger });
  const startSweep = leftovers
    .sweepAtStart()
    .catch((err: unknown) => options.logger?.warn('The sweep of stale temporaries failed', { error: String(err) }));
  return {
    credentials,
    connections,
    clients,
    browse,
    jobs,
    events,
    importer,
    runnerDeps,
    files,
    leftovers,
    tagFacts,
    tagFactsCache,
    openFolder: options.openFolder,
    sanitize,
    async close() {
      await jobs.shutdown();
      await tagFactsCache.close().catch((err: unknown) => options.logger?.warn(`The tag facts cache could not be written: ${String(err)}`));
      await clients.close();
      await startSweep;
    },
  };
}
