/**
 * registry/disk: the file helpers the library and the app share, on a real
 * file system. (Running as root here, EACCES cannot be provoked; the words
 * for it are checked on an error shaped as Node's, and the integration tests
 * provoke it for real as `nobody`.)
 */
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEMP_MARKER,
  TargetFolderError,
  describeDiskFailure,
  diskError,
  inspectTarget,
  isTemporaryName,
  makeTemporaryFolder,
  requireFolder,
  requireNewOrEmptyFolder,
  stageFolder,
  temporaryPath,
  writeFileAtomically,
  writeStreamAtomically,
} from '../../src-main/registry/disk/index';
import { RegistryError } from '../../src-main/registry/index';
import { makeTempDir } from '../harness/tmp.js';

let root: string;
let count = 0;
const fresh = async () => {
  const dir = join(root, `case-${count++}`);
  await mkdir(dir);
  return dir;
};

beforeAll(async () => {
  root = await makeTempDir('lading-unit-disk-');
});

afterAll(async () => {
  await chmod(root, 0o700).catch(() => undefined);
  const { rm } = await import('node:fs/promises');
  await rm(root, { recursive: true, force: true });
});

/** An error shaped as Node's own for a failed system call. */
const sysError = (code: string, path?: string) =>
  Object.assign(new Error(`${code}: failed`), { code, syscall: 'open', ...(path ? { path } : {}) });

describe('temporary names', () => {
  it('are hidden, say what they will become, and carry the one marker', async () => {
    const file = temporaryPath('/data/layer.tar.gz');
    expect(file.startsWith(`/data/.layer.tar.gz${TEMP_MARKER}`)).toBe(true);
    expect(isTemporaryName(file.slice('/data/'.length))).toBe(true);
    const dir = await fresh();
    const folder = await makeTemporaryFolder(join(dir, 'rootfs'));
    expect(isTemporaryName(folder.slice(dir.length + 1))).toBe(true);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    for (const name of ['layer.tar.gz', '.layer.tar.gz', 'x.lading-tmp-', `.lading-tmp-abc/x`, 'index.json'])
      expect(isTemporaryName(name)).toBe(false);
  });
});

describe('writeFileAtomically / writeStreamAtomically', () => {
  it('write the whole file under its name, with the mode asked for, and leave no temporary', async () => {
    const dir = await fresh();
    await writeFileAtomically(join(dir, 'a.json'), '{"a":1}', { mode: 0o600 });
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('{"a":1}');
    expect((await stat(join(dir, 'a.json'))).mode & 0o777).toBe(0o600);
    await writeStreamAtomically(join(dir, 'b.bin'), Readable.from([Buffer.from('bytes')]), []);
    expect(await readdir(dir)).toEqual(['a.json', 'b.bin']);
  });

  it('on a failing stage or a cancel, keep the old file and remove the temporary', async () => {
    const dir = await fresh();
    const file = join(dir, 'keep.txt');
    await writeFile(file, 'old');
    const broken = new Transform({ transform: (_chunk, _enc, cb) => cb(new Error('verification failed')) });
    await expect(writeStreamAtomically(file, Readable.from([Buffer.from('new')]), [broken])).rejects.toThrow('verification failed');
    const cancel = new AbortController();
    cancel.abort(new Error('cancelled'));
    await expect(writeFileAtomically(file, 'new', { signal: cancel.signal })).rejects.toThrow('cancelled');
    expect(await readdir(dir)).toEqual(['keep.txt']);
    expect(await readFile(file, 'utf8')).toBe('old');
  });
});

describe('target folder checks', () => {
  it('tell a new, an empty and a filled folder apart', async () => {
    const dir = await fresh();
    expect(await inspectTarget(join(dir, 'new'))).toEqual({ kind: 'new' });
    await mkdir(join(dir, 'empty'));
    expect(await inspectTarget(join(dir, 'empty'))).toEqual({ kind: 'empty' });
    await requireNewOrEmptyFolder(join(dir, 'empty'));
    await mkdir(join(dir, 'filled'));
    await writeFile(join(dir, 'filled', 'x'), 'x');
    expect(await inspectTarget(join(dir, 'filled'))).toEqual({ kind: 'filled', entries: ['x'] });
  });

  it('refuse, with one error class and a problem per case, what a job cannot create', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'file'), 'x');
    await mkdir(join(dir, 'filled'));
    await writeFile(join(dir, 'filled', 'x'), 'x');
    await symlink(dir, join(dir, 'link'));
    const cases: [string, string, string][] = [
      [join(dir, 'filled'), 'not-empty', `${join(dir, 'filled')} is not empty: choose a new or empty folder`],
      [join(dir, 'file'), 'occupied', `${join(dir, 'file')} already exists and is not a folder: choose a new or empty folder`],
      [join(dir, 'link'), 'occupied', `${join(dir, 'link')} is a symlink: choose a new or empty folder`],
      [join(dir, 'missing', 'rootfs'), 'missing', `The folder ${join(dir, 'missing')} does not exist`],
      [join(dir, 'file', 'rootfs'), 'not-a-folder', `${join(dir, 'file')} is not a folder`],
    ];
    for (const [path, problem, message] of cases) {
      const err = await requireNewOrEmptyFolder(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TargetFolderError);
      expect(err).toBeInstanceOf(RegistryError);
      expect(err).toMatchObject({ problem, message });
    }
    await expect(requireFolder(join(dir, 'file'))).rejects.toMatchObject({ problem: 'not-a-folder' });
    await requireFolder(dir);
  });
});

describe('stageFolder', () => {
  it('renames the filled temporary into place, replacing an empty folder', async () => {
    const dir = await fresh();
    const target = join(dir, 'out');
    await mkdir(target);
    const staged = await stageFolder(target);
    await writeFile(join(staged.path, 'result'), 'done');
    await staged.commit();
    expect(await readdir(dir)).toEqual(['out']);
    expect(await readFile(join(target, 'result'), 'utf8')).toBe('done');
  });

  it('fails with `taken` when something else filled the target meanwhile, and discards even a read-only tree', async () => {
    const dir = await fresh();
    const target = join(dir, 'out');
    const staged = await stageFolder(target);
    await mkdir(join(staged.path, 'ro'));
    await writeFile(join(staged.path, 'ro', 'f'), 'x');
    await chmod(join(staged.path, 'ro'), 0o555);
    await mkdir(target);
    await writeFile(join(target, 'theirs'), 'x');
    await expect(staged.commit()).rejects.toMatchObject({
      problem: 'taken',
      message: `${target} was created or filled by something else in the meantime`,
    });
    await staged.discard();
    expect(await readdir(dir)).toEqual(['out']);
    expect(await readdir(target)).toEqual(['theirs']);
  });
});

describe('the words for file-system failures', () => {
  const save = { verb: 'save', path: '/data/layers/l.tar.gz' };
  const temp = '/data/layers/.l.tar.gz.lading-tmp-0a1b2c';

  it('put what to fix first, then what could not be done', () => {
    expect(describeDiskFailure(sysError('ENOSPC', temp), save)).toBe('The disk is full: could not save /data/layers/l.tar.gz');
    expect(describeDiskFailure(sysError('EDQUOT', temp), save)).toBe('The disk quota is exhausted: could not save /data/layers/l.tar.gz');
    expect(describeDiskFailure(sysError('EACCES', temp), save)).toBe(
      'No permission to write in /data/layers: could not save /data/layers/l.tar.gz',
    );
    expect(describeDiskFailure(sysError('EROFS', temp), save)).toBe(
      '/data/layers is on a read-only file system: could not save /data/layers/l.tar.gz',
    );
    expect(describeDiskFailure(sysError('ENOENT', temp), save)).toBe(
      'The folder /data/layers does not exist: could not save /data/layers/l.tar.gz',
    );
    expect(describeDiskFailure(sysError('ENAMETOOLONG', '/t/.r.lading-tmp-x/very/long'), { verb: 'extract into', path: '/t/r' })).toBe(
      'A name is too long for this file system (/t/.r.lading-tmp-x/very/long): could not extract into /t/r',
    );
    expect(describeDiskFailure(sysError('EACCES', '/l/index.json'), { verb: 'read', path: '/l/index.json' })).toBe(
      'Permission denied: could not read /l/index.json',
    );
    expect(describeDiskFailure(sysError('EXDEV'), save)).toBe('Could not save /data/layers/l.tar.gz (EXDEV)');
  });

  it("leave the library's own errors, cancels and code-less errors alone", () => {
    const own = new RegistryError('digest mismatch');
    expect(describeDiskFailure(own, save)).toBeUndefined();
    expect(diskError(own, save)).toBe(own);
    expect(describeDiskFailure(Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' }), save)).toBeUndefined();
    expect(describeDiskFailure(new Error('plain'), save)).toBeUndefined();
    const wrapped = diskError(sysError('ENOSPC', temp), save);
    expect(wrapped).toBeInstanceOf(RegistryError);
    expect((wrapped as Error).cause).toMatchObject({ code: 'ENOSPC' });
  });
});
