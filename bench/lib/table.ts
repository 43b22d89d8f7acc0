/** Plain-text tables and target lines for the benchmark reports. */
import { medianCpuMs, medianMs, medianWallMs, peakRssMB, type Series } from './measure.js';

export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('   '));
  for (const r of rows) console.log(line(r));
}

export const secs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
export const mib = (mb: number): string => `${mb.toFixed(0)} MB`;

/** One row per series: median time, min-max, median CPU time, peak RSS, and (for Lading) its process wall time. */
export function printSeries(series: Series[], rssNote: Record<string, string> = {}): void {
  const rows = series.map((s) => {
    const ms = s.samples.map((x) => x.ms);
    const wall = medianWallMs(s);
    const med = medianMs(s);
    return [
      s.name,
      secs(med),
      `${(Math.min(...ms) / 1000).toFixed(3)}-${(Math.max(...ms) / 1000).toFixed(3)}`,
      secs(medianCpuMs(s)),
      `${mib(peakRssMB(s))}${rssNote[s.name] ? ` ${rssNote[s.name]}` : ''}`,
      Math.abs(wall - med) > 1 ? secs(wall) : '',
    ];
  });
  printTable(['', 'median', 'min-max (s)', 'CPU (median)', 'peak RSS', 'process wall'], rows);
}

export interface Verdict {
  label: string;
  met: boolean;
}

/** `label  value  (target ...)  met|NOT MET`; returns whether it was met. */
export function printTarget(label: string, value: string, target: string, met: boolean): Verdict {
  console.log(`  ${label.padEnd(34)} ${value.padStart(9)}   (target ${target})   ${met ? 'met' : 'NOT MET'}`);
  return { label, met };
}

export const times = (r: number): string => `${r.toFixed(2)}x`;

export function header(title: string, lines: string[]): void {
  console.log('');
  console.log(title);
  console.log('='.repeat(title.length));
  for (const l of lines) console.log(l);
  console.log('');
}

/** "all targets met", or which were not. */
export function printConclusion(verdicts: Verdict[]): void {
  const missed = verdicts.filter((v) => !v.met).map((v) => v.label);
  console.log(`\n${missed.length === 0 ? 'all targets met' : `targets not met: ${missed.join('; ')}`}`);
}

/**
 * The closing part of a benchmark of Lading against one peer tool: both
 * series, `notes`, the time ratio against its target (at most 1.0x), and CPU
 * and peak RSS for reference.
 */
export function printVersusPeer(lading: Series, peer: Series, ratioLabel: string, notes: string[] = []): void {
  console.log('');
  printSeries([lading, peer]);
  console.log(`  Lading's time is the operation inside its child; "process wall" adds Node's start-up. Peer times are process wall.`);
  for (const note of notes) console.log(`  ${note}`);
  console.log('');
  const ratio = medianMs(lading) / medianMs(peer);
  const verdicts = [printTarget(ratioLabel, times(ratio), '<= 1.00x', ratio <= 1.0)];
  console.log(
    `  for reference: CPU Lading / ${peer.name.split(' ')[0]} ${times(medianCpuMs(lading) / medianCpuMs(peer))}; peak RSS Lading ${mib(peakRssMB(lading))}`,
  );
  printConclusion(verdicts);
}
