/**
 * Who made a temporary, and whether that process still runs: the owner
 * token every temporary name carries (temporary.ts says where), so that any
 * Lading process can tell the leftovers of a crash from the work of a job
 * still running in another window, the web bridge or the desktop app.
 *
 * The token is `<host>-<pid>-<start>`:
 * - `host`: 6 hex digits of a hash of the host name and, on Linux, the pid
 *   namespace. A pid means something only on the machine (and in the
 *   namespace) that gave it out; a token from elsewhere (a folder on a network
 *   share, another container) cannot be judged here and is left alone.
 * - `pid`: the process id, in decimal.
 * - `start`: on Linux, the process's start time in clock ticks since boot
 *   (field 22 of /proc/<pid>/stat), in base 36; `0` where it cannot be read.
 *   A pid is reused once its process has gone (after a reboot, soon): the
 *   start time tells the process that made the temporary from a later one
 *   with the same pid. Ticks since boot never move with the wall clock.
 *
 * The rule, conservative by design: a temporary is stale only when its owner
 * is known to be gone (`dead`). Anything that cannot be told (`unknown`: another
 * host, an unreadable process table) counts as alive.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { errorCode } from '../error-code';

export interface TemporaryOwner {
  host: string;
  pid: number;
  /** Base 36 clock ticks since boot; `0` when unknown. */
  start: string;
}

/**
 * `this-process`: made here; `alive`: its process still runs; `dead`: its process
 * has gone (or its pid now belongs to a later process); `unknown`: cannot be told here.
 */
export type OwnerStatus = 'this-process' | 'alive' | 'dead' | 'unknown';

const TOKEN = /^([0-9a-f]{6})-([1-9][0-9]{0,9})-([0-9a-z]{1,13})$/;

/** The token's text, as it appears in a temporary's name. */
export function formatOwner(owner: TemporaryOwner): string {
  return `${owner.host}-${owner.pid}-${owner.start}`;
}

export function parseOwner(token: string): TemporaryOwner | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  return { host: m[1]!, pid: Number(m[2]), start: m[3]! };
}

/** Field 22 (starttime) of a /proc/<pid>/stat text, and field 3 (state). The command name (field 2) may hold spaces and parentheses. */
function parseProcStat(text: string): { state: string; start: string } | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const ticks = fields[19];
  if (!state || !ticks || !/^[0-9]+$/.test(ticks)) return undefined;
  return { state, start: BigInt(ticks).toString(36) };
}

function hostTag(): string {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // Not Linux, or no /proc: the host name alone.
  }
  return createHash('sha256').update(`${hostname()}\n${namespace}`).digest('hex').slice(0, 6);
}

let self: TemporaryOwner | undefined;

/** This process's token (computed once). */
export function thisOwner(): TemporaryOwner {
  if (!self) {
    let start = '0';
    try {
      start = parseProcStat(readFileSync('/proc/self/stat', 'utf8'))?.start ?? '0';
    } catch {
      // No /proc (macOS, Windows): the pid alone, judged by whether it is alive.
    }
    self = { host: hostTag(), pid: process.pid, start };
  }
  return self;
}

/** Whether the process that made a temporary still runs (see the rule above). */
export async function ownerStatus(owner: TemporaryOwner): Promise<OwnerStatus> {
  const me = thisOwner();
  if (owner.host !== me.host) return 'unknown';
  if (owner.pid === me.pid && owner.start === me.start) return 'this-process';
  let text: string;
  try {
    text = await readFile(`/proc/${owner.pid}/stat`, 'utf8');
  } catch {
    // No such process, no process table (not Linux), or one that hides other processes: the kernel says.
    return pidStatus(owner.pid);
  }
  const stat = parseProcStat(text);
  if (!stat) return 'unknown';
  // A zombie has exited; only its parent has not collected it yet.
  if (stat.state === 'Z' || stat.state === 'X') return 'dead';
  if (owner.start !== '0' && stat.start !== owner.start) return 'dead';
  return 'alive';
}

function pidStatus(pid: number): OwnerStatus {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ESRCH') return 'dead';
    // EPERM: it exists, run by another user.
    return code === 'EPERM' ? 'alive' : 'unknown';
  }
}
