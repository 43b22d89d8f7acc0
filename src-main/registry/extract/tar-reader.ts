/**
 * A tar parser that reads from chunks handed to it, synchronously, and hands
 * back headers and content bytes one at a time (a pull parser): no stream,
 * promise or object per entry beyond its header, and content bytes are
 * subarrays of the chunks given (never copied; a header that straddles two
 * chunks is the only thing assembled).
 *
 * It reads exactly what tar-stream 3 reads (whose extract it replaces in the
 * layer reader: its streamx streams and callbacks cost more than inflating the
 * bytes did), quirks included, so that every result stays the same: the header
 * fields and their decoding (octal with leading spaces or NULs, base-256,
 * the ustar prefix, the GNU magic, the checksum), GNU long names and link
 * names, PAX `path`, `linkpath` and `size` (a global PAX header merged into
 * the next ones), a directory's size never read as content, zero blocks
 * skipped wherever they are, and the same error messages.
 */

export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'
  | 'pax-header'
  | 'pax-global-header'
  | 'gnu-long-link-path'
  | 'gnu-long-path';

/** A header, with the fields tar-stream's headers have (and the same values). */
export interface TarHeader {
  name: string;
  /** Undefined (tar-stream: null) for a base-256 field with neither 0x80 nor 0xff first, as uid, gid and the device numbers. */
  mode?: number | undefined;
  uid?: number | undefined;
  gid?: number | undefined;
  size: number;
  mtime: Date;
  /** null for a typeflag tar does not define. */
  type: TarEntryType | null;
  linkname: string | null;
  uname: string;
  gname: string;
  devmajor?: number | undefined;
  devminor?: number | undefined;
  /** The entry's PAX records, when it had any. */
  pax: Record<string, string> | null;
}

/** What read() found next. */
export const enum TarEvent {
  /** A new entry: its header is `header`; its content (if any) follows as `data` events. */
  header,
  /** Content bytes of the current entry, in `data`. */
  data,
  /** Everything given so far is used up: feed() the next chunk, or end(). */
  needMore,
}

const BLOCK = 512;
/** The longest GNU long name or PAX header read (tar-stream's bound). */
const MAX_HEADER_SIZE = 4 * 1024 * 1024;
const ZERO = 0x30;
const EMPTY = Buffer.alloc(0);

export class TarReader {
  /** The header of the entry read last. */
  header: TarHeader | undefined;
  /** The content bytes of the last `data` event. */
  data: Buffer = EMPTY;

  private input: Buffer = EMPTY;
  private at = 0;
  /** Bytes of a header (or long header) begun at the end of an earlier chunk. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Bytes still to take: content, a long header, or padding. */
  private missing = 0;
  /** The bytes `missing` counts are the current entry's content. */
  private inContent = false;
  /** The bytes `missing` counts are a long header's (tar-stream's flag, kept as it behaves). */
  private longHeader = false;
  /** The header being read: the entry's, or a long header's. */
  private current: TarHeader | undefined;
  private pax: Record<string, string> | null = null;
  private paxGlobal: Record<string, string> | null = null;
  private gnuLongPath: string | null = null;
  private gnuLongLinkPath: string | null = null;

  /** Whether the entry read last still has content bytes to come (as `data` events). */
  get contentLeft(): boolean {
    return this.inContent;
  }

  /** The next chunk of the archive; everything given before must have been read (read() said needMore). */
  feed(chunk: Buffer): void {
    if (this.at < this.input.length) throw new Error('TarReader: fed before the last chunk was read');
    this.input = chunk;
    this.at = 0;
  }

  /** The end of the archive: throws when it ends inside an entry or a header. */
  end(): void {
    if (this.missing !== 0 || this.partialBytes !== 0 || this.at < this.input.length) throw new Error('Unexpected end of data');
  }

  /** The next header or content bytes, or needMore. Throws for what is not a tar archive. */
  read(): TarEvent {
    for (;;) {
      const available = this.input.length - this.at;
      if (available === 0) return TarEvent.needMore;
      if (this.missing > 0) {
        if (this.inContent) {
          const take = Math.min(this.missing, available);
          this.data = this.input.subarray(this.at, this.at + take);
          this.at += take;
          this.missing -= take;
          if (this.missing === 0) {
            this.inContent = false;
            this.missing = overflow(this.current?.size ?? 0);
          }
          return TarEvent.data;
        }
        if (this.longHeader) {
          const bytes = this.take(this.current?.size ?? 0);
          if (bytes === undefined) return TarEvent.needMore;
          this.longHeader = false;
          this.missing = overflow(this.current?.size ?? 0);
          this.decodeLongHeader(bytes);
          continue;
        }
        const skip = Math.min(this.missing, available);
        this.at += skip;
        this.missing -= skip;
        continue;
      }
      const block = this.take(BLOCK);
      if (block === undefined) return TarEvent.needMore;
      if (this.consumeHeader(block)) return TarEvent.header;
    }
  }

  /** `length` bytes, from the chunk when it holds them, else assembled across chunks; undefined until all are there. */
  private take(length: number): Buffer | undefined {
    const available = this.input.length - this.at;
    if (this.partialBytes === 0 && available >= length) {
      const bytes = this.input.subarray(this.at, this.at + length);
      this.at += length;
      return bytes;
    }
    const wanted = Math.min(length - this.partialBytes, available);
    // Copied: the chunk this part came from may be reused once it is read.
    this.partial.push(Buffer.from(this.input.subarray(this.at, this.at + wanted)));
    this.partialBytes += wanted;
    this.at += wanted;
    if (this.partialBytes < length) return undefined;
    const bytes = Buffer.concat(this.partial, length);
    this.partial = [];
    this.partialBytes = 0;
    return bytes;
  }

  /** True when the block starts an entry (this.header); false for a zero block or a long header. */
  private consumeHeader(block: Buffer): boolean {
    const header = decodeHeader(block);
    if (!header) return false;
    this.current = header;
    switch (header.type) {
      case 'gnu-long-path':
      case 'gnu-long-link-path':
      case 'pax-global-header':
      case 'pax-header':
        this.longHeader = true;
        this.missing = header.size;
        if (this.missing > MAX_HEADER_SIZE) throw new Error('Header exceeds max size');
        return false;
      default:
        break;
    }
    this.applyLongHeaders(header);
    if (!(header.size >= 0)) throw new Error('Invalid header');
    if (header.size !== 0 && header.type !== 'directory') {
      this.inContent = true;
      this.missing = header.size;
    }
    this.header = header;
    return true;
  }

  private applyLongHeaders(header: TarHeader): void {
    if (this.gnuLongPath !== null) {
      header.name = this.gnuLongPath;
      this.gnuLongPath = null;
    }
    if (this.gnuLongLinkPath !== null) {
      header.linkname = this.gnuLongLinkPath;
      this.gnuLongLinkPath = null;
    }
    if (this.pax) {
      if (this.pax.path) header.name = this.pax.path;
      if (this.pax.linkpath) header.linkname = this.pax.linkpath;
      if (this.pax.size) header.size = parseInt(this.pax.size, 10);
      header.pax = this.pax;
      this.pax = null;
    }
  }

  private decodeLongHeader(bytes: Buffer): void {
    switch (this.current?.type) {
      case 'gnu-long-path':
        this.gnuLongPath = decodeString(bytes, 0, bytes.length);
        break;
      case 'gnu-long-link-path':
        this.gnuLongLinkPath = decodeString(bytes, 0, bytes.length);
        break;
      case 'pax-global-header':
        this.paxGlobal = decodePax(bytes);
        break;
      case 'pax-header':
        this.pax = this.paxGlobal === null ? decodePax(bytes) : { ...this.paxGlobal, ...decodePax(bytes) };
        break;
      default:
        break;
    }
  }
}

/** Padding after `size` bytes of content, to the next block. */
function overflow(size: number): number {
  const rest = size & 511;
  return rest && BLOCK - rest;
}

/** A 512-byte header block; null for a block of zeros (an end-of-archive marker). */
export function decodeHeader(buf: Buffer): TarHeader | null {
  const typeflag = buf[156] === 0 ? 0 : buf[156]! - ZERO;
  let name = decodeString(buf, 0, 100);
  const mode = decodeOctal(buf, 100, 8);
  const uid = decodeOctal(buf, 108, 8);
  const gid = decodeOctal(buf, 116, 8);
  // tar-stream's null size makes it wait for ever; NaN fails the size check below instead.
  const size = decodeOctal(buf, 124, 12) ?? NaN;
  const mtime = decodeOctal(buf, 136, 12) ?? 0;
  const type = typeOf(typeflag);
  const linkname = buf[157] === 0 ? null : decodeString(buf, 157, 100);
  const uname = decodeString(buf, 265, 32);
  const gname = decodeString(buf, 297, 32);
  const devmajor = decodeOctal(buf, 329, 8);
  const devminor = decodeOctal(buf, 337, 8);

  const sum = checksum(buf);
  // The checksum of a block of zeros (its checksum field counted as spaces).
  if (sum === 8 * 32) return null;
  if (sum !== (decodeOctal(buf, 148, 8) ?? NaN))
    throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');

  if (isUstar(buf)) {
    if (buf[345]) name = `${decodeString(buf, 345, 155)}/${name}`;
  } else if (!isGnu(buf)) {
    throw new Error('Invalid tar header: unknown format.');
  }
  // (tar-stream also turns a `file` typeflag with a trailing `/` into a directory's typeflag, after its type is
  // decided: the type stays `file`. Kept so.)
  return {
    name,
    mode,
    uid,
    gid,
    size,
    mtime: new Date(1000 * mtime),
    type,
    linkname,
    uname,
    gname,
    devmajor,
    devminor,
    pax: null,
  };
}

function typeOf(flag: number): TarEntryType | null {
  switch (flag) {
    case 0:
      return 'file';
    case 1:
      return 'link';
    case 2:
      return 'symlink';
    case 3:
      return 'character-device';
    case 4:
      return 'block-device';
    case 5:
      return 'directory';
    case 6:
      return 'fifo';
    case 7:
      return 'contiguous-file';
    case 72:
      return 'pax-header';
    case 55:
      return 'pax-global-header';
    case 27:
      return 'gnu-long-link-path';
    case 28:
    case 30:
      return 'gnu-long-path';
    default:
      return null;
  }
}

function checksum(block: Buffer): number {
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += block[i]!;
  for (let i = 156; i < BLOCK; i++) sum += block[i]!;
  return sum;
}

/** `ustar\0` at 257. */
function isUstar(buf: Buffer): boolean {
  return buf[257] === 0x75 && buf[258] === 0x73 && buf[259] === 0x74 && buf[260] === 0x61 && buf[261] === 0x72 && buf[262] === 0;
}

/** `ustar ` at 257 and ` \0` at 263 (GNU and old GNU). */
function isGnu(buf: Buffer): boolean {
  return (
    buf[257] === 0x75 &&
    buf[258] === 0x73 &&
    buf[259] === 0x74 &&
    buf[260] === 0x61 &&
    buf[261] === 0x72 &&
    buf[262] === 0x20 &&
    buf[263] === 0x20 &&
    buf[264] === 0
  );
}

/** UTF-8 up to the first NUL within the field. */
function decodeString(buf: Buffer, offset: number, length: number): string {
  let end = offset;
  const limit = offset + length;
  while (end < limit && buf[end] !== 0) end++;
  return buf.toString('utf8', offset, end);
}

/**
 * A numeric field: base-256 when its first byte has the high bit, else octal
 * text after leading spaces and NULs, up to the first space, read as
 * parseInt(text, 8) reads it. The usual field (octal digits, then a NUL or a
 * space) is read without making a string.
 */
function decodeOctal(buf: Buffer, offset: number, length: number): number | undefined {
  const end = offset + length;
  if (buf[offset]! & 0x80) return parse256(buf, offset, end);
  let at = offset;
  while (at < end && buf[at] === 0x20) at++;
  let stop = at;
  while (stop < end && buf[stop] !== 0x20) stop++;
  while (at < stop && buf[at] === 0) at++;
  if (stop === at) return 0;
  const first = buf[at]!;
  if (first < ZERO || first > ZERO + 7) return parseInt(buf.toString('utf8', at, stop), 8);
  // parseInt reads the leading octal digits and stops at the first other character.
  let value = 0;
  for (let i = at; i < stop; i++) {
    const digit = buf[i]! - ZERO;
    if (digit < 0 || digit > 7) break;
    value = value * 8 + digit;
  }
  return value;
}

/** Base-256 (GNU): 0x80 then a big-endian positive number, or 0xff then a two's-complement negative one. */
function parse256(buf: Buffer, offset: number, end: number): number | undefined {
  const lead = buf[offset];
  let positive: boolean;
  if (lead === 0x80) positive = true;
  else if (lead === 0xff) positive = false;
  else return undefined;
  let sum = 0;
  let scale = 1;
  for (let i = end - 1; i > offset; i--) {
    const byte = buf[i]!;
    sum += (positive ? byte : 0xff - byte) * scale;
    scale *= 256;
  }
  return positive ? sum : -1 * sum;
}

/** PAX records: `<length> <key>=<value>\n` each. */
function decodePax(input: Buffer): Record<string, string> {
  // No prototype: a `__proto__` record is a record like any other.
  const result = Object.create(null) as Record<string, string>;
  let buf = input;
  while (buf.length) {
    let i = 0;
    while (i < buf.length && buf[i] !== 32) i++;
    const len = parseInt(buf.toString('utf8', 0, i), 10);
    // (tar-stream stops at a length of 0 or NaN, and loops for ever on a negative one.)
    if (!(len > 0)) return result;
    const record = buf.toString('utf8', i + 1, len - 1);
    const keyIndex = record.indexOf('=');
    if (keyIndex === -1) return result;
    result[record.slice(0, keyIndex)] = record.slice(keyIndex + 1);
    buf = buf.subarray(len);
  }
  return result;
}
