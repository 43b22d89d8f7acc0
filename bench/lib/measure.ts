/**
 * Timing and peak RSS.
 *
 * - Peer tools run under `/usr/bin/time -f %M`: the peak RSS of the largest
 *   process of the command (for a shell pipeline, its biggest member). Wall
 *   time is measured around the whole command, process start included.
 * - Lading runs in a child Node process (a bundle of the library, no tsx in
 *   it), which times the operation itself and reports its own peak RSS
 *   (VmHWM, its own peak RSS). Its process wall time, Node's start-up
 *   included, is kept too, for reference.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { requireTool } from '../../test/harness/tools.js';
import { bundleChild } from './bundle.js';
import { benchTmpRoot } from './paths.js';

export interface Sample {
  /** The figure compared: operation time in ms. */
  ms: number;
  /** Peak RSS in MiB. */
  rssMB: number;
  /** Process wall time in ms (equal to ms for peer tools). */
  wallMs: number;
  /** CPU time (user + system) in ms: of the operation for Lading, of the whole command (all its processes) for peers. */
  cpuMs: number;
  /** What the child reported beyond time and RSS. */
  details?: Record<string, unknown>;
}

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

const TIMEOUT_MS = 300_000;

export function spawnCollect(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

function describe(cmd: string, args: string[], r: Spawned): string {
  return `${[cmd, ...args].join(' ')} failed (${String(r.code ?? r.signal)}):\n${r.stderr.trim()}\n${r.stdout.trim()}`.slice(0, 4000);
}

/** Runs a peer tool: wall time, and peak RSS from GNU time. Throws on a non-zero exit. */
export async function timeCommand(cmd: string, args: string[]): Promise<Sample & { stdout: string; stderr: string }> {
  const time = requireTool('time', 'time');
  const dir = await mkdtemp(join(benchTmpRoot(), 'lading-bench-time-'));
  try {
    const out = join(dir, 'rss');
    const r = await spawnCollect(time, ['-f', '%M %U %S', '-o', out, cmd, ...args]);
    if (r.code !== 0) throw new Error(describe(cmd, args, r));
    const [kb, user, sys] = ((await readFile(out, 'utf8')).trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (kb === undefined || user === undefined || sys === undefined || [kb, user, sys].some(Number.isNaN)) {
      throw new Error(`could not read GNU time's figures for ${cmd}`);
    }
    return { ms: r.wallMs, wallMs: r.wallMs, rssMB: kb / 1024, cpuMs: (user + sys) * 1000, stdout: r.stdout, stderr: r.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a child script prints as its last stdout line. */
export interface ChildReport {
  ms: number;
  cpuMs: number;
  maxRssKB: number;
  [key: string]: unknown;
}

/** LADING_BENCH_V8_DEFAULTS=1: Lading's children run without the app's opt-in, to see what it is worth. */
const appProcess = process.env.LADING_BENCH_V8_DEFAULTS !== '1';

/** For a bench's header: how the Lading child runs. */
export function ladingProcessLine(): string {
  return appProcess
    ? "Lading's child: the app's memory opt-ins first (registry/memory/app-process.ts), as the app's entries (LADING_BENCH_V8_DEFAULTS=1: without)"
    : "Lading's child: V8 defaults (LADING_BENCH_V8_DEFAULTS=1), not the app's memory opt-ins";
}

let appProcessBundle: Promise<string> | undefined;

/** Node's arguments before a child's bundle: the app's start-up opt-in (bench/children/app-process.ts), loaded first. */
async function childPrelude(): Promise<string[]> {
  if (!appProcess) return [];
  appProcessBundle ??= bundleChild('app-process');
  return ['--import', pathToFileURL(await appProcessBundle).href];
}

/** Runs a bundled child script with Node, as the app's process starts; it times its own operation. */
export async function timeChild(bundle: string, args: string[]): Promise<Sample> {
  const argv = [...(await childPrelude()), bundle, ...args];
  const r = await spawnCollect(process.execPath, argv);
  if (r.code !== 0) throw new Error(describe(process.execPath, argv, r));
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const { ms, cpuMs, maxRssKB, ...details } = JSON.parse(line) as ChildReport;
  return { ms, cpuMs, rssMB: maxRssKB / 1024, wallMs: r.wallMs, details };
}

export interface Series {
  name: string;
  samples: Sample[];
  /** Sample of the warm-up run (not counted). */
  warmup?: Sample;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export const medianMs = (s: Series): number => median(s.samples.map((x) => x.ms));
export const medianWallMs = (s: Series): number => median(s.samples.map((x) => x.wallMs));
export const medianCpuMs = (s: Series): number => median(s.samples.map((x) => x.cpuMs));
export const peakRssMB = (s: Series): number => Math.max(...s.samples.map((x) => x.rssMB));

/** Timed runs after warm-up; LADING_BENCH_RUNS overrides the default 3. */
export function runCount(): number {
  const n = Number(process.env.LADING_BENCH_RUNS ?? 3);
  return Number.isInteger(n) && n > 0 ? n : 3;
}

export interface Contender {
  name: string;
  /** Called before each run (not timed): clear destinations, caches. */
  prepare?: (run: number) => Promise<void>;
  run: (run: number) => Promise<Sample>;
  /** Called after each run (not timed): checks, then clean-up. */
  after?: (run: number, sample: Sample) => Promise<void>;
}

export interface CompeteOptions {
  runs?: number;
  /**
   * One untimed round first (default true). Every run is a new process, so
   * this warms only the OS caches and the registries.
   */
  warmup?: boolean;
}

/**
 * An optional warm-up round (round 0), then `runs` timed rounds (1..runs);
 * within a round every contender runs once, one after the other, so drift on
 * the machine spreads over all of them.
 */
export async function compete(contenders: Contender[], log: (line: string) => void, opts: CompeteOptions = {}): Promise<Series[]> {
  const runs = opts.runs ?? runCount();
  const series: Series[] = contenders.map((c) => ({ name: c.name, samples: [] }));
  for (let round = opts.warmup === false ? 1 : 0; round <= runs; round++) {
    const parts: string[] = [];
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[i];
      const s = series[i];
      if (!c || !s) continue;
      await c.prepare?.(round);
      const sample = await c.run(round);
      await c.after?.(round, sample);
      if (round === 0) s.warmup = sample;
      else s.samples.push(sample);
      parts.push(`${c.name} ${(sample.ms / 1000).toFixed(2)} s ${sample.rssMB.toFixed(0)} MB`);
    }
    log(`  ${round === 0 ? 'warm-up' : `run ${round}/${runs}`}: ${parts.join(', ')}`);
  }
  return series;
}
