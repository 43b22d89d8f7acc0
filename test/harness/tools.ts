/**
 * Small process and network utilities shared by the harness.
 *
 * Every external tool the harness needs is looked up with `requireTool` first,
 * so a machine without it fails loudly with the package to install: a missing
 * tool must never turn into silently skipped tests.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Absolute paths of tools already found, so repeated checks cost nothing. */
const found = new Map<string, string>();

/** The absolute path of `name` on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  const cached = found.get(name);
  if (cached !== undefined) return cached;
  const dirs = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found.set(name, candidate);
      return candidate;
    } catch {
      // not in this directory; keep looking
    }
  }
  return undefined;
}

/**
 * Returns the absolute path of `name` on PATH, or throws
 * "<name> not found: apt-get install <debianPackage>".
 */
export function requireTool(name: string, debianPackage: string): string {
  const path = findTool(name);
  if (path === undefined) throw new Error(`${name} not found: apt-get install ${debianPackage}`);
  return path;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Kill the child after this long (default 120 s) so a hung tool cannot hang the run. */
  timeoutMs?: number;
}

export interface RunResult<T> {
  stdout: T;
  stderr: string;
}

/** Raised by `run`: carries the command line, exit status and captured stderr. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | string | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`${command} failed (${String(exitCode)}): ${stderr.trim() || '(no stderr)'}`, options);
    this.name = 'CommandError';
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs a command to completion and returns stdout as bytes (for exact digests). */
export function runRaw(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult<Buffer>> {
  const command = [cmd, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        encoding: 'buffer',
        // Layer tarballs and long tag lists go through stdout.
        maxBuffer: 256 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 120_000,
        killSignal: 'SIGKILL',
      },
      (error: ExecFileException | null, stdout: Buffer, stderr: Buffer) => {
        const stderrText = stderr.toString('utf8');
        if (error) {
          const code = error.code ?? (error.signal ? `signal ${error.signal}` : null);
          reject(new CommandError(command, code, stderrText, { cause: error }));
          return;
        }
        resolve({ stdout, stderr: stderrText });
      },
    );
    // A tool that exits before reading its stdin makes writes fail with EPIPE;
    // its exit status tells the real story, so the pipe error is ignored.
    child.stdin?.on('error', () => undefined);
    // Closing stdin keeps a tool that reads it from waiting forever.
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Runs a command to completion and returns stdout as UTF-8 text. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult<string>> {
  const result = await runRaw(cmd, args, opts);
  return { stdout: result.stdout.toString('utf8'), stderr: result.stderr };
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Another process may take
 * it before we bind it, which is why `startRegistry` retries on a bind failure.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a loopback listener'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}
