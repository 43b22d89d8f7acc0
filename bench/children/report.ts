/**
 * The child side of a Lading measurement: run the operation, then print one
 * JSON line `{ms, cpuMs, maxRssKB, ...details}` (cpuMs: CPU time of the
 * operation, user + system; maxRssKB: the process's own peak RSS, VmHWM) as the last line of stdout. Any
 * failure exits non-zero with the error on stderr.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * The process's own peak RSS in KiB. `process.resourceUsage().maxRSS` is not
 * used: on Linux it can carry over the memory of the process that spawned
 * this one (a vitest worker or a bench script holding an image showed
 * hundreds of MB in a child that used far less). VmHWM in /proc is this
 * process's own high-water mark.
 */
function peakRssKB(): number {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : process.resourceUsage().maxRSS;
}

export async function measure(op: () => Promise<Record<string, unknown> | void>): Promise<void> {
  try {
    const cpu = (): number => {
      const u = process.resourceUsage();
      return (u.userCPUTime + u.systemCPUTime) / 1000;
    };
    const cpuStart = cpu();
    const started = performance.now();
    const details = (await op()) ?? {};
    const ms = performance.now() - started;
    const cpuMs = cpu() - cpuStart;
    process.stdout.write(`${JSON.stringify({ ms, cpuMs, maxRssKB: peakRssKB(), ...details })}\n`);
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  }
}

/** `--name value` arguments. */
export function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key?.startsWith('--') || value === undefined) throw new Error(`bad arguments: ${argv.join(' ')}`);
    out[key.slice(2)] = value;
  }
  return out;
}

export function need(a: Record<string, string>, key: string): string {
  const v = a[key];
  if (v === undefined) throw new Error(`missing --${key}`);
  return v;
}
