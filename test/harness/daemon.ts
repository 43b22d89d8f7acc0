/**
 * Long-running child processes (registries) with their output captured.
 *
 * Nothing may outlive the run, so there are three nets:
 * - every daemon is remembered until it exits, and an `exit` handler
 *   SIGKILLs whatever is left (a crashed setup, a forgotten `stop()`);
 * - SIGTERM/SIGHUP to this process do the same before the default action;
 * - the daemon is started through `setpriv --pdeathsig KILL` (util-linux), so
 *   the kernel kills it even when this process dies by SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { findTool } from './tools.js';

const alive = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAll(): void {
  for (const child of alive) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; child.kill is.
  process.on('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAll();
      // If nobody else handles the signal, restore the default (terminate).
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Prefixes the command so the kernel SIGKILLs it when its parent dies, where possible. */
function dieWithParent(cmd: string, args: readonly string[]): [string, string[]] {
  const setpriv = process.platform === 'linux' ? findTool('setpriv') : undefined;
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, [...args]];
}

export interface DaemonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Combined stdout+stderr is appended here as well as kept in memory. */
  logFile: string;
}

export interface Daemon {
  readonly pid: number;
  readonly logFile: string;
  /** Everything the process wrote to stdout and stderr so far. */
  log(): string;
  /** Settles with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `cmd args` in the background; the caller must `stop()` it. */
export function startDaemon(cmd: string, args: readonly string[], opts: DaemonOptions): Daemon {
  installExitHook();
  // setpriv execs the command, so the pid and command line are the daemon's own.
  const [command, argv] = dieWithParent(cmd, args);
  const child = spawn(command, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    // The 'error' event (ENOENT...) follows asynchronously; without a listener it would crash the process.
    child.once('error', () => undefined);
    throw new Error(`could not start ${cmd}`);
  }
  alive.add(child);

  const chunks: Buffer[] = [];
  const file: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  file.on('error', () => {
    // The log file is a convenience; losing it must not crash the run.
  });
  const capture = (chunk: Buffer): void => {
    chunks.push(chunk);
    file.write(chunk);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    // 'close', not 'exit': it fires after stdout/stderr are drained, so the
    // captured log is complete when `exited` settles.
    child.once('close', (code, signal) => {
      done = true;
      alive.delete(child);
      file.end();
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      done = true;
      alive.delete(child);
      capture(Buffer.from(`\n[harness] ${cmd}: ${err.message}\n`));
      file.end();
      resolve('spawn error');
    });
  });

  return {
    pid: child.pid,
    logFile: opts.logFile,
    log: () => Buffer.concat(chunks).toString('utf8'),
    exited,
    hasExited: () => done,
    async stop(graceMs = 3000): Promise<void> {
      if (done) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (!done) child.kill('SIGKILL');
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, killed]);
      clearTimeout(timer);
      await exited;
    },
  };
}
