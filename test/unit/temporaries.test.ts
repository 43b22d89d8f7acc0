/**
 * Temporaries and their owners, on a real file system with real processes:
 * the names say what they become and which process made them; a sweep
 * removes exactly the stale ones (owner gone, or an owner-less name untouched
 * for a day) and never one whose process runs, one from another host, a
 * symlink, another user's file or anything not named as ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, lstat, mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OWNERLESS_STALE_AFTER_MS,
  diskUsage,
  findTemporaries,
  formatOwner,
  isTemporaryFor,
  isTemporaryName,
  makeTemporaryFolder,
  ownerStatus,
  parseTemporaryName,
  removeStaleTemporaries,
  removeTemporary,
  temporaryPath,
  thisOwner,
  type TemporaryOwner,
} from '../../src-main/registry/disk/index';
import { makeTempDir } from '../harness/tmp';

const LAYER = `${'ab'.repeat(32)}.tar.gz`;

let root: string;
let count = 0;
let sleeper: ChildProcess;
let live: TemporaryOwner;
let dead: TemporaryOwner;

const fresh = async () => {
  const dir = join(root, `case-${count++}`);
  await mkdir(dir);
  return dir;
};

/** The owner token another process would write: its pid and its start time as /proc gives it. */
async function ownerOf(pid: number): Promise<TemporaryOwner> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  const ticks = text.slice(text.lastIndexOf(')') + 2).split(' ')[19]!;
  return { host: thisOwner().host, pid, start: BigInt(ticks).toString(36) };
}

/** A name as `owner` would have made it. */
const nameBy = (owner: TemporaryOwner, final: string, random = 'a1b2c3d4') => `.${final}.lading-tmp-${formatOwner(owner)}-${random}`;

beforeAll(async () => {
  root = await makeTempDir('lading-unit-temporaries-');
  sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  live = await ownerOf(sleeper.pid!);
  const gone = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(gone, 'spawn');
  dead = await ownerOf(gone.pid!);
  gone.kill('SIGKILL');
  await once(gone, 'exit');
});

afterAll(async () => {
  sleeper?.kill('SIGKILL');
  const { rm } = await import('node:fs/promises');
  await rm(root, { recursive: true, force: true });
});

describe('names', () => {
  it('say what the temporary becomes and which process made it', async () => {
    const file = temporaryPath('/data/layer.tar.gz');
    const name = file.slice('/data/'.length);
    expect(isTemporaryName(name)).toBe(true);
    expect(parseTemporaryName(name)).toEqual({ finalName: 'layer.tar.gz', ownerToken: formatOwner(thisOwner()), owner: thisOwner() });
    expect(thisOwner().pid).toBe(process.pid);
    expect(thisOwner().start).not.toBe('0');

    const dir = await fresh();
    const folder = await makeTemporaryFolder(join(dir, 'rootfs'));
    expect(parseTemporaryName(folder.slice(dir.length + 1))).toMatchObject({ finalName: 'rootfs', owner: thisOwner() });
    // The extractor keeps hidden files in a temporary of its temporary folder: still the target's.
    const nested = (await makeTemporaryFolder(folder)).slice(dir.length + 1);
    expect(isTemporaryFor(parseTemporaryName(nested)!, ['rootfs'])).toBe(true);
    expect(isTemporaryFor(parseTemporaryName(nested)!, ['other'])).toBe(false);
  });

  it("read the earlier versions' names, which name no owner, and nothing else", () => {
    expect(parseTemporaryName('.rootfs.lading-tmp-0a1b2c3d4e5f')).toEqual({ finalName: 'rootfs' });
    expect(parseTemporaryName('.rootfs.lading-extract-Ab12Cd')).toEqual({ finalName: 'rootfs' });
    expect(parseTemporaryName('.out.lading-layout-Ab12Cd')).toEqual({ finalName: 'out' });
    expect(parseTemporaryName('..rootfs.lading-extract-Ab12Cd.hidden-Xy34Zw')).toEqual({ finalName: '.rootfs.lading-extract-Ab12Cd' });
    expect(parseTemporaryName(`.${LAYER}.partial-0a1b2c3d`)).toEqual({ finalName: LAYER });
    expect(parseTemporaryName(`.${'cd'.repeat(32)}.tmp-0a1b2c3d`)).toEqual({ finalName: 'cd'.repeat(32) });
    expect(parseTemporaryName('.lading-tmp-0123456789abcdef')).toEqual({ finalName: '' });
    for (const name of [
      'rootfs',
      '.rootfs',
      '.notes.txt.partial-0a1b2c3d',
      '.index.json.tmp-0a1b2c3d',
      'x.lading-tmp-abc',
      '.x.lading-tmp-',
      '.a/b.lading-tmp-abc',
    ]) {
      expect(parseTemporaryName(name), name).toBeUndefined();
    }
  });
});

describe('owners', () => {
  it('this process, a live one, one that has gone, a reused pid, another host', async () => {
    expect(await ownerStatus(thisOwner())).toBe('this-process');
    expect(await ownerStatus(live)).toBe('alive');
    expect(await ownerStatus(dead)).toBe('dead');
    // The same pid, started at another time: a later process that was given a gone one's pid.
    expect(await ownerStatus({ ...live, start: 'zz' })).toBe('dead');
    expect(await ownerStatus({ ...thisOwner(), start: 'zz' })).toBe('dead');
    // A pid from another machine (or pid namespace) means nothing here.
    expect(await ownerStatus({ ...dead, host: thisOwner().host === '000000' ? '000001' : '000000' })).toBe('unknown');
  });
});

describe('removeStaleTemporaries', () => {
  it('removes exactly the stale ones: owner gone, or owner-less and untouched for a day', async () => {
    const dir = await fresh();
    const outside = await fresh();
    await writeFile(join(outside, 'precious'), 'keep me');
    const dayAgo = new Date(Date.now() - OWNERLESS_STALE_AFTER_MS - 60_000);

    const stale = [
      nameBy(dead, LAYER),
      nameBy(dead, 'rootfs', 'Ab12Cd'),
      '.old.lading-tmp-0a1b2c3d',
      '.rootfs.lading-extract-Ab12Cd',
      `.${LAYER}.partial-0a1b2c3d`,
    ];
    const kept = [
      nameBy(live, LAYER),
      nameBy(live, 'rootfs', 'Ab12Cd'),
      temporaryPath(join(dir, 'mine')).slice(dir.length + 1),
      nameBy({ ...dead, host: 'ffffff' }, LAYER),
      '.fresh.lading-tmp-0a1b2c3d',
      'rootfs',
      '.hidden',
      'notes.lading-tmp-abc',
    ];
    await writeFile(join(dir, stale[0]!), 'partial layer');
    // A killed extraction's folder, with a read-only folder inside (an image's modes).
    await mkdir(join(dir, stale[1]!, 'usr', 'bin'), { recursive: true });
    await writeFile(join(dir, stale[1]!, 'usr', 'bin', 'app'), 'x');
    await chmod(join(dir, stale[1]!, 'usr'), 0o555);
    for (const name of stale.slice(2)) await writeFile(join(dir, name), 'old');
    for (const name of ['.old.lading-tmp-0a1b2c3d', '.rootfs.lading-extract-Ab12Cd', `.${LAYER}.partial-0a1b2c3d`])
      await utimes(join(dir, name), dayAgo, dayAgo);
    await writeFile(join(dir, kept[0]!), 'live');
    await mkdir(join(dir, kept[1]!));
    for (const name of kept.slice(2)) await writeFile(join(dir, name), 'keep');
    // Named as a stale temporary, but a symlink (to a folder elsewhere), or another user's file: not ours to remove.
    const link = nameBy(dead, 'linked');
    await symlink(outside, join(dir, link));
    const theirs = nameBy(dead, 'theirs');
    await writeFile(join(dir, theirs), 'not mine');
    await chown(join(dir, theirs), 65534, 65534);

    const result = await removeStaleTemporaries(dir);
    expect(result.failed).toEqual([]);
    expect(result.removed.map((t) => t.path).sort()).toEqual(stale.map((n) => join(dir, n)).sort());
    expect((await readdir(dir)).sort()).toEqual([...kept, link, theirs].sort());
    expect(await readFile(join(outside, 'precious'), 'utf8')).toBe('keep me');
    expect((await lstat(join(dir, link))).isSymbolicLink()).toBe(true);
  });

  it('with names, only the temporaries of those final names (and of their temporaries)', async () => {
    const dir = await fresh();
    const staged = nameBy(dead, 'rootfs', 'Ab12Cd');
    const hidden = `.${staged}.lading-tmp-${formatOwner(dead)}-Xy34Zw`;
    const other = nameBy(dead, 'rootfs2', 'Ab12Cd');
    for (const name of [staged, hidden, other]) await mkdir(join(dir, name));
    const result = await removeStaleTemporaries(dir, { names: ['rootfs'] });
    expect(result.removed.map((t) => t.path).sort()).toEqual([join(dir, hidden), join(dir, staged)].sort());
    expect(await readdir(dir)).toEqual([other]);
  });

  it('finds by owner, and a removal checks that the path still names what was found', async () => {
    const dir = await fresh();
    await writeFile(join(dir, nameBy(dead, 'a')), '1');
    await writeFile(join(dir, nameBy(live, 'b')), '2');
    const found = await findTemporaries(dir, { ownerToken: formatOwner(dead) });
    expect(found.map((t) => t.finalName)).toEqual(['a']);
    // Replaced after it was found: left alone.
    await writeFile(join(dir, `${nameBy(dead, 'a')}.new`), 'new');
    const { rename } = await import('node:fs/promises');
    await rename(join(dir, `${nameBy(dead, 'a')}.new`), join(dir, nameBy(dead, 'a')));
    expect(await removeTemporary(found[0]!)).toBe(false);
    expect(await readFile(join(dir, nameBy(dead, 'a')), 'utf8')).toBe('new');
    expect(await findTemporaries(join(dir, 'missing'))).toEqual([]);
  });
});

describe('diskUsage', () => {
  it('adds up the files of a tree, within a budget of entries', async () => {
    const dir = await fresh();
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(join(dir, 'a', 'one'), Buffer.alloc(1000));
    await writeFile(join(dir, 'a', 'b', 'two'), Buffer.alloc(2345));
    await symlink('/etc/passwd', join(dir, 'a', 'link'));
    expect(await diskUsage(dir, { entries: 100 })).toEqual({ bytes: 3345, complete: true });
    expect((await diskUsage(dir, { entries: 3 })).complete).toBe(false);
    expect(await diskUsage(join(dir, 'a', 'one'), { entries: 1 })).toEqual({ bytes: 1000, complete: true });
    expect((await stat(dir)).isDirectory()).toBe(true);
  });
});
