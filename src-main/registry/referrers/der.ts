/**
 * Just enough DER to read a certificate's extensions, which node:crypto's
 * X509Certificate does not expose: tag-length-value elements, object
 * identifiers and strings. Every read is bounds-checked; a malformed
 * certificate is an error, never a read past the end.
 */

export interface DerElement {
  /** The identifier octet, e.g. 0x30 for SEQUENCE, 0xa3 for [3] constructed. */
  tag: number;
  /** The value's bytes. */
  value: Buffer;
  /** The whole element's bytes (tag, length and value). */
  raw: Buffer;
}

export class DerError extends Error {
  override name = 'DerError';
}

/** The element that starts at `offset` of `bytes`. */
export function readElement(bytes: Buffer, offset = 0): DerElement {
  if (offset + 2 > bytes.length) throw new DerError('truncated element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in certificates');
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported length encoding');
    if (offset + 2 + count > bytes.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new DerError('element runs past the end');
  return { tag, value: bytes.subarray(offset + header, end), raw: bytes.subarray(offset, end) };
}

/** The elements inside a constructed element's value. */
export function children(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < element.value.length) {
    const child = readElement(element.value, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

/** An OBJECT IDENTIFIER's value as dotted decimal, e.g. `1.3.6.1.4.1.57264.1.8`. */
export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new DerError('empty object identifier');
  const parts: number[] = [];
  let n = 0;
  for (const byte of value) {
    n = n * 128 + (byte & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

const STRING_TAGS = new Set([0x0c /* UTF8String */, 0x13 /* PrintableString */, 0x16 /* IA5String */, 0x1a /* VisibleString */]);

/** A DER string element's text; undefined when the element is not a string. */
export function decodeString(element: DerElement): string | undefined {
  return STRING_TAGS.has(element.tag) ? element.value.toString('utf8') : undefined;
}
