/**
 * Child of young-generation.test.ts: V8's new space after churning short-lived
 * objects, before and after the extract writer's Worker has started, with or
 * without the process opting in to limitYoungGeneration(). Prints one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import { limitYoungGeneration } from '../../src-main/registry/memory/young-generation';

const { optIn } = JSON.parse(process.argv[2] ?? '{}') as { optIn: boolean };

const kept: unknown[] = [];
/** Allocates ~200 MB of small objects, keeping one in 50 (as a streaming job keeps a little of what passes). */
function churn(): number {
  for (let i = 0; i < 2_000_000; i++) {
    const o = { i, name: `entry-${i}`, pair: [i, i + 1] };
    if (i % 50 === 0) kept.push(o);
  }
  return newSpaceMB();
}

function newSpaceMB(): number {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return (space?.space_size ?? 0) / (1024 * 1024);
}

// Before the library is loaded, as the app does it first: compiling modules through tsx grows the new space too.
if (optIn) limitYoungGeneration();
const startMB = newSpaceMB();
const { WriterThread } = await import('../../src-main/registry/extract/writer-thread');
const beforeMB = churn();
const dir = await mkdtemp(join(tmpdir(), 'lading-young-generation-'));
const writer = new WriterThread(dir);
try {
  await writer.writeFile('file', 0o644, new Date(0), [Buffer.from('content')]);
  await writer.drain();
} finally {
  await writer.close();
  await rm(dir, { recursive: true, force: true });
}
const afterWorkerMB = churn();
process.stdout.write(`${JSON.stringify({ startMB, beforeMB, afterWorkerMB, kept: kept.length })}\n`);
