/**
 * The extract writer's thread (src-main/registry/extract/writer-thread.ts):
 * a real Worker making real file system calls in a temp dir. Operations run
 * in the order they were queued, relative names land below the root, file contents survive the caller reusing
 * its buffers, contents larger than a batch span several, and the first
 * failure comes back as Node's own error (code, syscall, path) and stops
 * everything queued after it.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriterThread } from '../../src-main/registry/extract/writer-thread';
import { makeTempDir } from '../harness/tmp.js';

let root: string;
let cases = 0;
const MTIME = new Date('2023-05-06T07:08:09Z');

beforeAll(async () => {
  root = await makeTempDir('lading-writer-thread-');
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = join(root, String(++cases));
  await mkdir(dir);
  return dir;
}

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

describe('WriterThread', () => {
  it('makes directories, files, symlinks and hard links in queued order, with modes and mtimes', async () => {
    const dir = await folder();
    const thread = new WriterThread();
    try {
      thread.mkdir(join(dir, 'd'), 0o700);
      thread.mkdir(join(dir, 'd/e'), 0o700);
      expect(await thread.writeFile(join(dir, 'd/e/f'), 0o640, MTIME, chunks('hello ', 'world\n'))).toBe(12);
      // Set-id bits are cleared by writing: they must come after the content.
      await thread.writeFile(join(dir, 'd/setuid'), 0o4755, MTIME, chunks('#!/bin/sh\n'));
      await thread.writeFile(join(dir, 'd/empty'), 0o400, MTIME, undefined);
      thread.symlink('e/f', join(dir, 'd/link'), MTIME);
      thread.link(join(dir, 'd/e/f'), join(dir, 'd/hard'));
      thread.setAttributes(join(dir, 'd/e'), 0o555, MTIME);
      await thread.drain();
    } finally {
      await thread.close();
    }
    expect(await readFile(join(dir, 'd/e/f'), 'utf8')).toBe('hello world\n');
    const f = await stat(join(dir, 'd/e/f'));
    expect(f.mode & 0o7777).toBe(0o640);
    expect(f.mtime.getTime()).toBe(MTIME.getTime());
    expect((await stat(join(dir, 'd/setuid'))).mode & 0o7777).toBe(0o4755);
    expect((await stat(join(dir, 'd/empty'))).size).toBe(0);
    expect(await readlink(join(dir, 'd/link'))).toBe('e/f');
    expect((await lstat(join(dir, 'd/link'))).mtime.getTime()).toBe(MTIME.getTime());
    expect((await stat(join(dir, 'd/hard'))).ino).toBe(f.ino);
    const e = await stat(join(dir, 'd/e'));
    expect(e.mode & 0o7777).toBe(0o555);
    expect(e.mtime.getTime()).toBe(MTIME.getTime());
    await rm(join(dir, 'd'), { recursive: true, force: true }).catch(() => undefined);
  });

  it('copies contents at once: the caller may reuse its buffer; contents larger than a batch span several', async () => {
    const dir = await folder();
    const thread = new WriterThread();
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const reused = Buffer.alloc(8, 0x61);
    async function* reusing(): AsyncGenerator<Buffer> {
      yield reused;
      reused.fill(0x62); // what was handed over before must not change
      yield reused;
    }
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let at = 0; at < big.length; at += 100_000) yield big.subarray(at, at + 100_000);
    }
    try {
      await thread.writeFile(join(dir, 'reused'), 0o644, MTIME, reusing());
      expect(await thread.writeFile(join(dir, 'big'), 0o644, MTIME, pieces())).toBe(big.length);
      for (let i = 0; i < 2000; i++) await thread.writeFile(join(dir, `small-${i}`), 0o644, MTIME, chunks(`${i}\n`));
      await thread.drain();
    } finally {
      await thread.close();
    }
    expect(await readFile(join(dir, 'reused'), 'utf8')).toBe('aaaaaaaabbbbbbbb');
    expect((await readFile(join(dir, 'big'))).equals(big)).toBe(true);
    expect((await readdir(dir)).length).toBe(2002);
    expect(await readFile(join(dir, 'small-1999'), 'utf8')).toBe('1999\n');
  });

  it('resolves names that do not start with / below the root it was given; absolute paths stay as they are', async () => {
    const dir = await folder();
    const outside = await folder();
    const thread = new WriterThread(dir);
    try {
      thread.mkdir('sub', 0o700);
      await thread.writeFile('sub/file', 0o644, MTIME, chunks('inside\n'));
      thread.symlink('/etc/passwd', 'sub/link', MTIME);
      await thread.writeFile(join(outside, 'kept'), 0o600, MTIME, chunks('kept\n'));
      thread.rename(join(outside, 'kept'), 'sub/kept');
      await thread.drain();
    } finally {
      await thread.close();
    }
    expect(await readFile(join(dir, 'sub/file'), 'utf8')).toBe('inside\n');
    expect(await readlink(join(dir, 'sub/link'))).toBe('/etc/passwd');
    expect(await readFile(join(dir, 'sub/kept'), 'utf8')).toBe('kept\n');
    expect(await readdir(outside)).toEqual([]);
  });

  it('renames, unlinks and removes trees in order with the writes around them', async () => {
    const dir = await folder();
    const thread = new WriterThread();
    try {
      await thread.writeFile(join(dir, 'kept'), 0o600, MTIME, chunks('kept\n'));
      thread.rename(join(dir, 'kept'), join(dir, 'placed'));
      thread.mkdir(join(dir, 'tree'), 0o700);
      await thread.writeFile(join(dir, 'tree/x'), 0o644, MTIME, chunks('x'));
      thread.removeTree(join(dir, 'tree'));
      await thread.writeFile(join(dir, 'tree'), 0o644, MTIME, chunks('now a file'));
      await thread.writeFile(join(dir, 'gone'), 0o644, MTIME, chunks('x'));
      thread.unlink(join(dir, 'gone'));
      await thread.drain();
    } finally {
      await thread.close();
    }
    expect((await readdir(dir)).sort()).toEqual(['placed', 'tree']);
    expect(await readFile(join(dir, 'tree'), 'utf8')).toBe('now a file');
  });

  it('reports the first failure as Node would (code, syscall, path), and does nothing queued after it', async () => {
    const dir = await folder();
    const thread = new WriterThread();
    try {
      await thread.writeFile(join(dir, 'a'), 0o644, MTIME, chunks('a'));
      // O_EXCL: an existing name is never written through.
      await thread.writeFile(join(dir, 'a'), 0o644, MTIME, chunks('b'));
      await thread.writeFile(join(dir, 'after'), 0o644, MTIME, chunks('c'));
      const failure = await thread.drain().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).toMatchObject({ code: 'EEXIST', syscall: 'open', path: join(dir, 'a') });
      // Every later call says so too.
      expect(() => thread.check()).toThrow(/EEXIST/);
      await expect(thread.ready()).rejects.toThrow(/EEXIST/);
    } finally {
      await thread.close();
    }
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('a');
    expect(await readdir(dir)).toEqual(['a']);
  });

  it('close() stops the thread: nothing queued runs afterwards, and no more work is taken', async () => {
    const dir = await folder();
    const thread = new WriterThread();
    await thread.writeFile(join(dir, 'first'), 0o644, MTIME, chunks('1'));
    await thread.drain();
    thread.mkdir(join(dir, 'never'), 0o700);
    await thread.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await readdir(dir)).toEqual(['first']);
    expect(() => thread.mkdir(join(dir, 'later'), 0o700)).toThrow(/closed/);
  });
});
