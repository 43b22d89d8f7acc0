/**
 * What each operation of the contract does, over the services: one handler
 * per operation, given input already validated by the dispatcher
 * (operation-dispatcher.ts).
 */
import type { OperationName, ParsedInputOf, ResultOf } from '../../src-shared/contract';
import { resultFolder } from '../../src-shared/job-results';
import { testConnection } from './connection-test';
import { profileFromDraft } from './connections';
import { AppFailure } from './errors';
import { indexFilesJob, indexKey } from './index-files-job';
import { describeImage, extractJob, mirrorJob, saveLayersJob, saveLayoutJob } from './job-runners';
import { ReferrersService } from './referrers';
import { describeTagSelection } from '../../src-shared/tag-selection';
import { mirrorRepositoryJob } from './mirror-repository-job';
import { saveArchiveJob } from './save-archive-job';
import { previewSelection } from './tag-selection';
import { saveFilesJob } from './save-files-job';
import type { Services } from './services';
import { tagFactsJob } from './tag-facts-job';

export type OperationHandlers = { [N in OperationName]: (input: ParsedInputOf<N>) => Promise<ResultOf<N>> };

export function createOperationHandlers(services: Services): OperationHandlers {
  const { connections, browse, jobs, credentials, importer, runnerDeps, files, tagFacts, leftovers } = services;
  const store = connections.store;
  const referrers = new ReferrersService(services.clients);

  /** A job names an existing connection before it is started: an unknown id is an input error, not a failed job. */
  async function registryName(connectionId: string, repository: string): Promise<string> {
    const c = await store.require(connectionId);
    return `${c.host}/${repository}`;
  }

  return {
    'connections.list': () => connections.list(),
    'connections.save': (input) => connections.save(input),
    'connections.remove': (input) => connections.remove(input.id),
    'connections.test': async (input) => {
      if (input.id !== undefined) {
        const c = await store.require(input.id);
        const secret = c.authKind === 'anonymous' ? undefined : await credentials.get(c.id);
        return testConnection(c, secret);
      }
      const draft = input.draft!;
      let secret = typeof draft.secret === 'string' ? draft.secret : undefined;
      if (secret !== undefined) credentials.noteSecret(secret);
      else if (draft.id !== undefined && draft.secret !== null && draft.authKind !== 'anonymous') {
        await store.require(draft.id);
        secret = await credentials.get(draft.id);
      }
      return testConnection(profileFromDraft(draft, draft.caPem ?? undefined), secret);
    },
    'connections.importCandidates': () => importer.candidates(),
    'connections.import': (input) => importer.import(input.keys),
    'credentials.status': () => credentials.status(),

    'browse.children': (input) => browse.children(input),
    'browse.tags': (input) => browse.tags(input),
    'browse.manifest': (input) => browse.manifest(input),
    'browse.config': (input) => browse.config(input),
    'browse.selectTags': async (input) => {
      await store.require(input.connectionId);
      return previewSelection(input.repository, await browse.tagNames(input.connectionId, input.repository), input.tags);
    },

    'jobs.saveLayers': async (input) => {
      const name = await registryName(input.connectionId, input.repository);
      const what = input.layers ? `${input.layers.length} layer${input.layers.length === 1 ? '' : 's'}` : 'layers';
      const title = `Save ${what} of ${describeImage(name, input.reference)} to ${input.targetDir}`;
      return jobs.start(
        'saveLayers',
        title,
        leftovers.track({ kind: 'saveLayers', title, targetDir: input.targetDir }, saveLayersJob(runnerDeps, input)),
      );
    },
    'jobs.saveLayout': async (input) => {
      const name = await registryName(input.connectionId, input.repository);
      const title = `Save ${describeImage(name, input.reference)} as an OCI layout in ${input.targetDir}`;
      return jobs.start(
        'saveLayout',
        title,
        leftovers.track({ kind: 'saveLayout', title, targetDir: input.targetDir }, saveLayoutJob(runnerDeps, input)),
      );
    },
    'jobs.extract': async (input) => {
      const name = await registryName(input.connectionId, input.repository);
      const title = `Extract ${describeImage(name, input.reference)} to ${input.targetDir}`;
      return jobs.start(
        'extract',
        title,
        leftovers.track({ kind: 'extract', title, targetDir: input.targetDir }, extractJob(runnerDeps, input)),
      );
    },
    'jobs.mirror': async (input) => {
      const from = await registryName(input.source.connectionId, input.source.repository);
      const to = await registryName(input.target.connectionId, input.target.repository);
      const runner = mirrorJob(runnerDeps, input);
      const tag = input.target.tag ?? input.source.reference;
      return jobs.start('mirror', `Mirror ${describeImage(from, input.source.reference)} to ${describeImage(to, tag)}`, runner);
    },
    'jobs.mirrorRepository': async (input) => {
      const from = await registryName(input.source.connectionId, input.source.repository);
      const to = await registryName(input.target.connectionId, input.target.repository);
      const runner = mirrorRepositoryJob(runnerDeps, input);
      return jobs.start('mirrorRepository', `Mirror ${describeTagSelection(input.tags)} of ${from} to ${to}`, runner);
    },
    'jobs.saveArchive': async (input) => {
      const name = await registryName(input.connectionId, input.repository);
      const what = input.format === 'docker' ? 'a docker archive' : 'an OCI archive';
      const title = `Save ${describeImage(name, input.reference)} as ${what} ${input.file}`;
      return jobs.start(
        'saveArchive',
        title,
        leftovers.track({ kind: 'saveArchive', title, targetDir: input.file }, saveArchiveJob(runnerDeps, input)),
      );
    },
    'files.list': (input) => files.list(input),
    'files.head': (input) => files.head(input),
    'files.read': (input) => files.read(input),
    'files.diff': (input) => files.diff(input.a, input.b),
    'jobs.indexFiles': async (input) => {
      const key = indexKey(input);
      const running = files.runningIndex(key);
      if (running) return running;
      const names = await Promise.all(
        input.images.map(async (i) => describeImage(await registryName(i.connectionId, i.repository), i.reference)),
      );
      const started = jobs.start(
        'indexFiles',
        `${names.length === 1 ? 'Index files of' : 'Compare files of'} ${names.join(' and ')}`,
        indexFilesJob(files, input),
      );
      files.noteIndex(key, started, () => jobs.get(started.jobId).state === 'running');
      return started;
    },
    'jobs.saveFiles': async (input) => {
      const name = await registryName(input.connectionId, input.repository);
      const title = `Save ${input.path} of ${describeImage(name, input.reference)} to ${input.targetDir}`;
      return jobs.start(
        'saveFiles',
        title,
        leftovers.track({ kind: 'saveFiles', title, targetDir: input.targetDir }, saveFilesJob(runnerDeps, input)),
      );
    },
    'jobs.tagFacts': async (input) => {
      const name = await registryName(input.connectionId, input.repository);
      return jobs.start('tagFacts', `Read the facts of the tags of ${name}`, tagFactsJob({ facts: tagFacts, browse }, input));
    },
    'jobs.cancel': (input) => jobs.cancel(input.jobId),
    'jobs.list': async () => jobs.list(),
    'jobs.openFolder': async (input) => {
      const job = jobs.get(input.jobId);
      const folder = job.state === 'done' ? resultFolder(job.result) : undefined;
      if (!folder) {
        throw new AppFailure(
          'invalid-input',
          job.state === 'done'
            ? 'This job wrote no folder (a mirror writes to a registry)'
            : 'The job has not finished: there is no folder to show yet',
        );
      }
      if (!services.openFolder) {
        throw new AppFailure('invalid-input', `This window cannot open folders; the folder is ${folder}`, { path: folder });
      }
      await services.openFolder(folder);
      return { path: folder };
    },

    'referrers.list': (input) => referrers.list(input),
    'referrers.read': (input) => referrers.read(input),
    'referrers.verify': (input) => referrers.verify(input),
    'referrers.save': (input) => referrers.save(input),
    'jobs.leftovers': () => leftovers.list(),
    'jobs.removeLeftovers': (input) => leftovers.remove(input.jobIds),

    'tags.facts': (input) => tagFacts.facts(input),
    'tags.rateLimit': async (input) => (await tagFacts.rateLimit(input.connectionId)) ?? null,
    'tags.retag': async (input) => {
      const result = await tagFacts.retag(input);
      browse.forgetTags(input.connectionId, input.repository);
      return result;
    },
    'tags.deletePlan': async (input) => tagFacts.deletePlan(input, await browse.tagNames(input.connectionId, input.repository)),
    'tags.delete': async (input) => {
      const result = await tagFacts.delete(input);
      browse.forgetTags(input.connectionId, input.repository);
      return result;
    },
  };
}
