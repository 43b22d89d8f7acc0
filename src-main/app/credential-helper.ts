/**
 * Docker credential helpers (`docker-credential-<name>`), spoken to as
 * Docker does: the action as the argument, the server URL on stdin, JSON on
 * stdout. `get` answers `{ServerURL, Username, Secret}` (Username `<token>`
 * means Secret is an identity token); `list` answers `{server: username}`.
 */
import { spawn } from 'node:child_process';
import { AppFailure } from './errors';
import { stringRecord } from './json-values';

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_OUTPUT = 1024 * 1024;

export interface HelperOptions {
  /** The environment the helper runs in (its PATH is where it is looked up). */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number | undefined;
}

export interface HelperCredentials {
  username: string;
  secret: string;
}

export function isValidHelperName(name: string): boolean {
  return HELPER_NAME.test(name);
}

function runHelper(name: string, action: 'get' | 'list', stdin: string, opts: HelperOptions): Promise<string> {
  if (!isValidHelperName(name)) {
    return Promise.reject(new AppFailure('invalid-input', `"${name.slice(0, 64)}" is not a valid credential helper name`));
  }
  const command = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [action], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new AppFailure('internal', `${command} ${action} did not answer within ${opts.timeoutMs ?? 15_000} ms`)));
    }, opts.timeoutMs ?? 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        child.kill('SIGKILL');
        finish(() => reject(new AppFailure('internal', `${command} ${action} wrote more than 1 MiB`)));
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.reduce((n, b) => n + b.length, 0) < 4096) err.push(chunk);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          e.code === 'ENOENT'
            ? new AppFailure('not-found', `The credential helper ${command} is not installed (not found on PATH)`)
            : new AppFailure('internal', `Could not run ${command}: ${e.message}`),
        ),
      );
    });
    child.on('close', (code) => {
      finish(() => {
        const stdout = Buffer.concat(out).toString('utf8');
        if (code === 0) return resolve(stdout);
        // Helpers print their complaint on stdout ("credentials not found in native keychain"); never the secret.
        const said = (stdout.trim() || Buffer.concat(err).toString('utf8').trim()).split('\n')[0]!.slice(0, 200);
        const notFound = /not found|no credentials/i.test(said);
        reject(new AppFailure(notFound ? 'not-found' : 'internal', `${command} ${action} failed (exit ${code})${said ? `: ${said}` : ''}`));
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

/** Runs the helper and reads its answer as JSON. */
async function askHelper(name: string, action: 'get' | 'list', stdin: string, opts: HelperOptions): Promise<unknown> {
  const stdout = await runHelper(name, action, stdin, opts);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new AppFailure('internal', `docker-credential-${name} ${action} answered something other than JSON`);
  }
}

export async function helperGet(name: string, server: string, opts: HelperOptions): Promise<HelperCredentials> {
  const p = (await askHelper(name, 'get', server, opts)) as { Username?: unknown; Secret?: unknown } | null;
  if (typeof p?.Secret !== 'string' || p.Secret === '') {
    throw new AppFailure('not-found', `docker-credential-${name} has no secret for ${server}`);
  }
  return { username: typeof p.Username === 'string' ? p.Username : '', secret: p.Secret };
}

/** `{server: username}`; entries that are not strings are left out. */
export async function helperList(name: string, opts: HelperOptions): Promise<Record<string, string>> {
  return stringRecord(await askHelper(name, 'list', '', opts));
}
