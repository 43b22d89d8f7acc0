/**
 * Runs a TypeScript script of the tests in a child process (through tsx) and
 * returns the JSON object it prints as its last line of stdout. Tests use it
 * to run Lading where the test process itself cannot: as an unprivileged user
 * (root ignores permission bits), or inside a private mount namespace.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface JsonChildOptions {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Runs `[...wrapper, node, --import, tsx, script, json]` instead, e.g. `unshare -rm sh -c ...`. */
  wrapper?: string[];
}

export function runJsonChild<T>(script: string, args: unknown, opts: JsonChildOptions = {}): Promise<T> {
  const command = [...(opts.wrapper ?? []), process.execPath, '--import', 'tsx', script, JSON.stringify(args)];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: REPO_ROOT,
      env: opts.env ?? process.env,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${basename(script)} exited ${String(code)} without a result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/**
 * For the child's side: this process's peak resident set in KiB. Not
 * getrusage's maxRSS: Linux carries that over fork and exec, so it would
 * report the (much larger) test runner that spawned the child. VmHWM belongs
 * to the address space exec made.
 */
export function peakRssKiB(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match?.[1]) throw new Error('no VmHWM in /proc/self/status');
  return Number(match[1]);
}
