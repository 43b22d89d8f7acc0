/**
 * Starting crash-child.ts (Lading's services, running jobs) and killing it
 * with SIGKILL, for the tests of what a crash leaves behind.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { JobKind } from '../../src-shared/contract';

const SCRIPT = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CrashChildJob {
  operation: 'jobs.saveLayers' | 'jobs.saveLayout' | 'jobs.extract';
  /** The operation's input without connectionId (the child adds its own). */
  input: Record<string, unknown>;
}

export interface CrashChild {
  pid: number;
  jobs: { jobId: string; kind: JobKind }[];
  /** SIGKILL, then waits until the process is gone (reaped). */
  kill(): Promise<void>;
}

/** Starts the child with its jobs running through `host` (a slow relay, so they last); resolves once every job has moved bytes. */
export async function startCrashChild(dataDir: string, host: string, jobs: CrashChildJob[], timeoutMs = 30_000): Promise<CrashChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify({ dataDir, host, jobs })], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`crash-child was not ready within ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`crash-child exited ${String(code)} before it was ready:\n${stdout}\n${stderr}`));
    });
  });
  const report = JSON.parse(line) as { ready: boolean; pid: number; jobs: CrashChild['jobs'] };
  if (!report.ready) {
    child.kill('SIGKILL');
    throw new Error(`a job of crash-child ended before it was killed: ${line}`);
  }
  return {
    pid: report.pid,
    jobs: report.jobs,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
