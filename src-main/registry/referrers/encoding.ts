/** Decoding the text encodings attachments use, strictly: junk is an error, never silently skipped bytes. */

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Base64, standard or URL-safe (DSSE allows both), padded or not. Returns
 * undefined for anything else: Node's decoder would skip the bad characters
 * and hand back the rest.
 */
export function decodeBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  if (!STANDARD.test(text) && !URL_SAFE.test(text)) return undefined;
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined;
  return Buffer.from(body, 'base64');
}

/** Parses JSON text; undefined-safe error text for messages. */
export function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(Buffer.from(bytes).toString('utf8')) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
