/**
 * Why extraction is slow on many small files: the per-file cost of the
 * system-call sequence the extract writer uses (open, write, fchmod, futimes,
 * close), awaited one at a time through Node's promise API (each call a
 * round trip to libuv's thread pool), beside the same sequence with 8 files
 * in flight, and with the synchronous calls. Not a peer comparison: a
 * measurement of the runtime, to size a fix in the library.
 *
 *   npm run bench:file-writes
 */
import * as fs from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineLine } from './lib/machine.js';
import { median, runCount } from './lib/measure.js';
import { runBench } from './lib/session.js';
import { header, printTable, times } from './lib/table.js';

const FILES = 20_000;
const SIZE = 8 * 1024;
const MTIME = new Date('2024-01-01T00:00:00Z');

type Variant = { name: string; write: (dir: string, body: Buffer) => Promise<void> };

async function oneAsync(path: string, body: Buffer): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.write(body, 0, body.length);
    await handle.chmod(0o644);
    await handle.utimes(MTIME, MTIME);
  } finally {
    await handle.close();
  }
}

const variants: Variant[] = [
  {
    name: 'promises, one file at a time (the extract writer)',
    write: async (dir, body) => {
      for (let i = 0; i < FILES; i++) await oneAsync(join(dir, `f${i}`), body);
    },
  },
  {
    name: 'promises, 8 files in flight',
    write: async (dir, body) => {
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < FILES; i = next++) await oneAsync(join(dir, `f${i}`), body);
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    },
  },
  {
    name: 'synchronous calls',
    write: async (dir, body) => {
      for (let i = 0; i < FILES; i++) {
        const fd = fs.openSync(join(dir, `f${i}`), 'wx', 0o600);
        try {
          fs.writeSync(fd, body, 0, body.length);
          fs.fchmodSync(fd, 0o644);
          fs.futimesSync(fd, MTIME, MTIME);
        } finally {
          fs.closeSync(fd);
        }
      }
    },
  },
];

await runBench('bench/file-writes', async (session) => {
  const work = await session.tempDir('lading-bench-files-');
  const body = Buffer.alloc(SIZE, 0x61);
  header(`File writes: ${FILES} files of ${SIZE / 1024} KiB, open + write + fchmod + futimes + close each`, [
    machineLine(),
    `median of ${runCount()} runs of each after 1 warm-up, in this process`,
  ]);
  const results = new Map<string, number[]>();
  for (let round = 0; round <= runCount(); round++) {
    for (const v of variants) {
      const dir = join(work, 'files');
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      const started = performance.now();
      await v.write(dir, body);
      const ms = performance.now() - started;
      if (round > 0) results.set(v.name, [...(results.get(v.name) ?? []), ms]);
    }
  }
  const first = variants[0]?.name ?? '';
  const base = median(results.get(first) ?? []);
  printTable(
    ['', 'median', 'per file', 'vs one at a time'],
    variants.map((v) => {
      const ms = median(results.get(v.name) ?? []);
      return [v.name, `${(ms / 1000).toFixed(3)} s`, `${((ms * 1000) / FILES).toFixed(1)} us`, times(ms / base)];
    }),
  );
});
