/**
 * The last line of defence: whatever leaves main (results, errors, events)
 * is searched for every secret this process has handled, and any occurrence
 * is replaced. Nothing is supposed to contain one in the first place.
 */

/** Secrets shorter than this are not searched for (they would match ordinary text). */
const MIN_LENGTH = 4;
export const REDACTED = '[redacted]';

export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const candidates = secrets.filter((s) => s.length >= MIN_LENGTH);
  if (!candidates.length || value === undefined) return value;
  let json = JSON.stringify(value);
  if (json === undefined) return value;
  let changed = false;
  for (const secret of candidates) {
    // As it appears inside a JSON string.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (json.includes(escaped)) {
      json = json.split(escaped).join(REDACTED);
      changed = true;
    }
  }
  return changed ? (JSON.parse(json) as T) : value;
}
