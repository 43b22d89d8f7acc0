/** Numbers, sizes, dates and digests written for a person. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 KB" (powers of 1024, as registries and docker report). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

const countFormat = new Intl.NumberFormat('en-US');

/** 20000 -> "20,000". */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** "3 tags", "1 tag". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** An ISO 8601 time as "2024-05-01 12:34:56 UTC" (unambiguous, sortable), or the text as given when it does not parse. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')
    .replace(/Z$/, '')} UTC`;
}

/** Seconds as "42 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "sha256:0123456789ab…" -> "0123456789ab" (12 hex digits, as docker shows). */
export function shortDigest(digest: string): string {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return hex.slice(0, 12);
}

/** A media type without the common prefix, for dense tables: "oci.image.layer.v1.tar+gzip". */
export function shortMediaType(mediaType: string): string {
  return mediaType.replace(/^application\/vnd\./, '');
}

const RELATIVE_STEPS: [number, string][] = [
  [60, 's'],
  [60, 'min'],
  [24, 'h'],
  [30, 'day'],
  [12, 'month'],
  [Infinity, 'year'],
];

/**
 * How long before `now` an ISO 8601 time was: "just now", "5 min ago", "3 days ago", "2 years ago"; "—" when
 * unknown. A time before 1970 is unknown too: Go's zero time (`0001-01-01T00:00:00Z`) is what tools such as
 * cosign and go-containerregistry write when they set no date, and "2025 years ago" would mislead.
 */
export function formatAgo(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  if (t < 0) return '—';
  let value = (now - t) / 1000;
  if (value < 0) return 'in the future';
  if (value < 45) return 'just now';
  for (const [size, unit] of RELATIVE_STEPS) {
    if (value < size) {
      const n = Math.floor(value);
      return unit === 's' || unit === 'min' || unit === 'h' ? `${n} ${unit} ago` : `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
    value /= size;
  }
  return formatTime(iso);
}

/** Platforms in a table cell: `linux/` is left out ("amd64 · arm64/v8"), other systems are named ("windows/amd64"). */
export function formatPlatforms(platforms: readonly { platform: string }[]): string {
  return platforms.map((p) => p.platform.replace(/^linux\//, '')).join(' · ');
}
