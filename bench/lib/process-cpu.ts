/**
 * CPU time of another process (a registry under test), from /proc: what a
 * loopback benchmark's server spends, so a figure bound by the server's CPU
 * rather than the client can be told apart and its floor printed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = 100; // USER_HZ, 100 on every Linux this runs on

/** User + system CPU milliseconds `pid` has used so far. */
export function processCpuMs(pid: number): number {
  // Fields after the ")" of the command name: state is 0, utime 11, stime 12.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/** The pid of the oldest process whose command line contains `text` (a registry's unique config path). */
export function pidByCommandLine(text: string): number {
  const out = execFileSync('pgrep', ['-o', '-f', text], { encoding: 'utf8' }).trim();
  const pid = Number(out.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no process runs with "${text}" in its command line`);
  return pid;
}
