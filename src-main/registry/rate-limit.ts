/**
 * The pull rate limit a registry reports. Docker Hub sends, on manifest
 * answers (GET and HEAD), `ratelimit-limit: 100;w=21600` and
 * `ratelimit-remaining: 76;w=21600`: pulls allowed per window of `w` seconds,
 * and how many are left. A manifest GET counts as a pull; a HEAD does not.
 * Other registries send nothing, and the client's `rateLimit` stays undefined.
 */
import { header, type HttpResponse } from './transport/http';

export interface RateLimit {
  /** Pulls allowed per window. */
  limit: number;
  /** Pulls left in the window when the answer was sent. */
  remaining: number;
  /** The window in seconds (`w=`), when the registry says it. */
  windowSeconds?: number;
  /** When the answer that said so arrived (ISO 8601). */
  seenAt: string;
}

/** `100;w=21600` -> {value: 100, window: 21600}; anything else -> undefined. */
function parseQuota(value: string | undefined): { value: number; window?: number } | undefined {
  if (!value) return undefined;
  // Several quota policies may be listed (`100;w=21600, 200;w=86400`): the first is the one that binds.
  const [first = ''] = value.split(',');
  const [count = '', ...params] = first.split(';').map((p) => p.trim());
  if (!/^\d{1,12}$/.test(count)) return undefined;
  const window = params.map((p) => /^w=(\d{1,12})$/i.exec(p)?.[1]).find((w) => w !== undefined);
  return window === undefined ? { value: Number(count) } : { value: Number(count), window: Number(window) };
}

/** The rate limit an answer reports, if it reports one. */
export function rateLimitOf(res: Pick<HttpResponse, 'headers'>, now: Date = new Date()): RateLimit | undefined {
  const limit = parseQuota(header(res, 'ratelimit-limit'));
  const remaining = parseQuota(header(res, 'ratelimit-remaining'));
  if (!limit || !remaining) return undefined;
  const window = limit.window ?? remaining.window;
  return {
    limit: limit.value,
    remaining: Math.min(remaining.value, limit.value),
    ...(window !== undefined ? { windowSeconds: window } : {}),
    seenAt: now.toISOString(),
  };
}
