/**
 * The journal of running jobs on a real file system: one file per process,
 * written as jobs start and end and gone with its last job; at start, a
 * journal that cannot be trusted (malformed, another version, a name that
 * does not match its owner) is reported and left alone, never acted on.
 */
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FOLDER, JobJournal, readJournals, type JournalEntry } from '../../src-main/app/job-journal';
import { placesOf } from '../../src-main/app/job-leftovers';
import { formatOwner, type TemporaryOwner } from '../../src-main/registry/disk/index';
import { makeTempDir } from '../harness/tmp';

const owner: TemporaryOwner = { host: 'abcdef', pid: 4242, start: 'k2j3' };
const token = formatOwner(owner);
let dataDir: string;

const entry = (n: number): JournalEntry => ({
  jobId: `job-${n.toString(16).padStart(16, '0')}`,
  kind: 'extract',
  title: `Extract x to /data/rootfs${n}`,
  startedAt: new Date(0).toISOString(),
  places: placesOf('extract', `/data/rootfs${n}`),
});

beforeAll(async () => {
  dataDir = await makeTempDir('lading-journal-');
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('JobJournal', () => {
  it('holds the running jobs of one process in one file, which goes with its last job', async () => {
    const journal = new JobJournal(dataDir, owner);
    await Promise.all([journal.add(entry(1)), journal.add(entry(2))]);
    const file = join(dataDir, JOURNAL_FOLDER, `${token}.json`);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, owner: token, jobs: [entry(1), entry(2)] });
    await journal.remove(entry(1).jobId);
    const [read] = await readJournals(dataDir, () => undefined);
    expect(read).toMatchObject({ owner, ownerToken: token, jobs: [entry(2)] });
    await journal.remove(entry(2).jobId);
    expect(await readdir(join(dataDir, JOURNAL_FOLDER))).toEqual([]);
  });

  it('reports and skips what it cannot trust', async () => {
    const folder = join(dataDir, JOURNAL_FOLDER);
    await mkdir(folder, { recursive: true });
    const other = formatOwner({ ...owner, pid: 4343 });
    await writeFile(join(folder, `${formatOwner({ ...owner, pid: 1 })}.json`), '{not json');
    await writeFile(join(folder, `${formatOwner({ ...owner, pid: 2 })}.json`), JSON.stringify({ version: 9, owner: 'x', jobs: [] }));
    await writeFile(
      join(folder, `${formatOwner({ ...owner, pid: 3 })}.json`),
      JSON.stringify({ version: 1, owner: other, jobs: [entry(3)] }),
    );
    await writeFile(
      join(folder, `${formatOwner({ ...owner, pid: 5 })}.json`),
      JSON.stringify({ version: 1, owner: formatOwner({ ...owner, pid: 5 }), jobs: [{ ...entry(5), jobId: '../x' }] }),
    );
    await writeFile(join(folder, 'notes.json'), '{}');
    await writeFile(join(dataDir, 'elsewhere.json'), JSON.stringify({ version: 1, owner: other, jobs: [entry(4)] }));
    await symlink(join(dataDir, 'elsewhere.json'), join(folder, `${other}.json`));
    const problems: string[] = [];
    expect(await readJournals(dataDir, (m) => problems.push(m))).toEqual([]);
    expect(problems).toHaveLength(4);
    for (const p of problems) expect(p).toMatch(/^The job journal .* could not be read \(.+\); it is left as it is$/);
  });
});
