/**
 * Long-running child processes (registries) with their output captured.
 *
 * Every daemon is remembered in a module-level set until it has exited, and an
 * `exit` handler SIGKILLs whatever is left: a crashed setup, a failed test file
 * or a forgotten `stop()` must never leave a registry running after the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const alive = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; process.kill is.
  process.on('exit', () => {
    for (const child of alive) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
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
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
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
