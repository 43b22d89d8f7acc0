/**
 * A small binary format for column data, shared by the cache's two kinds of
 * file (index-format.ts, view-format.ts): typed arrays copied whole, string
 * lists as their byte lengths plus one UTF-8 blob, hex digests as raw bytes.
 * Reading a string list back is one latin1 decode of the blob and a slice per
 * string (a one-byte string, as fast as V8 makes them); only the few strings
 * that are not ASCII, listed apart, are decoded as UTF-8 on their own. The whole file ends with its sha256; nothing is believed before that
 * checksum, the file's kind and version, and its subject are checked.
 *
 *   magic(4)  u32 version  str subject  ...columns...  sha256(everything before)
 *
 * Little-endian, as typed arrays are copied as the machine holds them: on a
 * big-endian machine the cache keeps nothing (FORMAT_USABLE).
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

export const FORMAT_USABLE = endianness() === 'LE';
const CHECKSUM_BYTES = 32;

export class CorruptFileError extends Error {
  override name = 'CorruptFileError';
}

type Column = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** A typed array's constructor: a new one of `count` values, or a view of an ArrayBuffer. */
export interface ColumnType<T extends Column> {
  readonly BYTES_PER_ELEMENT: number;
  new (count: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, count: number): T;
}

/**
 * `aligned`: every column starts at a multiple of 8 bytes from the start of
 * the file (zero bytes before it), so a reader whose buffer starts aligned
 * (a file read into a buffer of its own) takes the columns as views of it,
 * without copying them: a file reopened in a new process is then read into
 * memory once, and touched no more than its checksum needs.
 */
export interface ColumnLayout {
  aligned?: boolean;
}

const ALIGN = 8;
const ZEROS = Buffer.alloc(ALIGN);

export class ColumnWriter {
  private readonly parts: Buffer[] = [];
  private length = 0;
  private readonly aligned: boolean;

  constructor(magic: string, version: number, subject: string, layout: ColumnLayout = {}) {
    this.aligned = layout.aligned ?? false;
    this.push(Buffer.from(magic, 'latin1'));
    this.u32(version);
    this.string(subject);
  }

  private push(part: Buffer): void {
    this.parts.push(part);
    this.length += part.length;
  }

  u32(value: number): void {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(value);
    this.push(b);
  }

  f64(value: number): void {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(value);
    this.push(b);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u32(bytes.length);
    this.push(bytes);
  }

  column(values: Column): void {
    const pad = this.aligned ? (ALIGN - (this.length % ALIGN)) % ALIGN : 0;
    if (pad > 0) this.push(ZEROS.subarray(0, pad));
    this.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }

  strings(values: readonly string[]): void {
    const lengths = new Uint32Array(values.length);
    const wide: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const bytes = Buffer.byteLength(value, 'utf8');
      lengths[i] = bytes;
      if (bytes !== value.length) wide.push(i);
    }
    this.column(lengths);
    this.u32(wide.length);
    this.column(Uint32Array.from(wide));
    this.string(values.join(''));
  }

  /** sha256 digests (64 hex digits each) as 32 raw bytes each, after their count. */
  digests(hexes: readonly string[]): void {
    const bytes = Buffer.allocUnsafe(hexes.length * 32);
    hexes.forEach((hex, k) => {
      if (bytes.write(hex, k * 32, 32, 'hex') !== 32) throw new Error(`not a sha256: ${hex}`);
    });
    this.u32(hexes.length);
    this.push(bytes);
  }

  /** The file's bytes, in parts (written with one writev, never copied into one buffer), checksum last. */
  finish(): Buffer[] {
    const hash = createHash('sha256');
    for (const part of this.parts) hash.update(part);
    return [...this.parts, hash.digest()];
  }
}

export class ColumnReader {
  private at: number;
  private readonly bodyEnd: number;
  private readonly aligned: boolean;

  /** Checks the checksum, kind, version and subject; throws CorruptFileError when any is wrong. */
  constructor(
    private readonly buf: Buffer,
    magic: string,
    version: number,
    subject: string,
    layout: ColumnLayout = {},
  ) {
    this.aligned = layout.aligned ?? false;
    if (!FORMAT_USABLE) throw new CorruptFileError('this machine is big-endian');
    if (buf.length < magic.length + 4 + CHECKSUM_BYTES) throw new CorruptFileError('too short');
    if (buf.toString('latin1', 0, magic.length) !== magic) throw new CorruptFileError(`not a ${magic} file`);
    this.bodyEnd = buf.length - CHECKSUM_BYTES;
    const checksum = createHash('sha256').update(buf.subarray(0, this.bodyEnd)).digest();
    if (!checksum.equals(buf.subarray(this.bodyEnd))) throw new CorruptFileError('checksum mismatch');
    this.at = magic.length;
    const stored = this.u32();
    if (stored !== version) throw new CorruptFileError(`version ${stored}, expected ${version}`);
    const storedSubject = this.string();
    if (storedSubject !== subject) throw new CorruptFileError(`made for ${storedSubject}, expected ${subject}`);
  }

  private take(length: number): number {
    if (length > this.bodyEnd - this.at) throw new CorruptFileError('truncated');
    const start = this.at;
    this.at += length;
    return start;
  }

  u32(): number {
    return this.buf.readUInt32LE(this.take(4));
  }

  f64(): number {
    return this.buf.readDoubleLE(this.take(8));
  }

  string(): string {
    const length = this.u32();
    const start = this.take(length);
    return this.buf.toString('utf8', start, start + length);
  }

  /**
   * The next `count` values of a column: in an aligned file whose buffer is
   * aligned for them, a view of the buffer; else a copy (a buffer need not be
   * aligned for a typed array).
   */
  column<T extends Column>(type: ColumnType<T>, count: number): T {
    if (this.aligned) this.take((ALIGN - (this.at % ALIGN)) % ALIGN);
    const bytes = count * type.BYTES_PER_ELEMENT;
    const start = this.take(bytes);
    if (this.aligned && (this.buf.byteOffset + start) % type.BYTES_PER_ELEMENT === 0) {
      return new type(this.buf.buffer, this.buf.byteOffset + start, count);
    }
    const column = new type(count);
    new Uint8Array(column.buffer, column.byteOffset, column.byteLength).set(this.buf.subarray(start, start + bytes));
    return column;
  }

  /** A string list written by ColumnWriter.strings(), checked, each string decoded when asked for. */
  strings(count: number): StringColumn {
    const lengths = this.column(Uint32Array, count);
    const wideCount = this.u32();
    if (wideCount > count) throw new CorruptFileError('more wide strings than strings');
    const wide = this.column(Uint32Array, wideCount);
    const bytes = this.u32();
    return new StringColumn(this.buf, this.take(bytes), bytes, lengths, wide);
  }

  /** Digests written by ColumnWriter.digests(), in the order written. */
  digests(): DigestList {
    const count = this.u32();
    return new DigestList(this.buf, this.take(count * 32), count);
  }

  /** Everything was read: a file with more in it is not one this code wrote. */
  finish(): void {
    if (this.at !== this.bodyEnd) throw new CorruptFileError('trailing bytes');
  }
}

/** Strings of one list, in the file's buffer until asked for. */
export class StringColumn {
  private offsets: Float64Array | undefined;

  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly bytes: number,
    private readonly lengths: Uint32Array,
    /** Ascending indexes of the strings that are not ASCII. */
    private readonly wide: Uint32Array,
  ) {}

  get length(): number {
    return this.lengths.length;
  }

  get(i: number): string {
    if (!this.offsets) {
      this.offsets = new Float64Array(this.lengths.length);
      let at = 0;
      for (let j = 0; j < this.lengths.length; j++) {
        this.offsets[j] = at;
        at += this.lengths[j]!;
      }
      if (at !== this.bytes) throw new CorruptFileError('string lengths do not match');
    }
    if (i < 0 || i >= this.lengths.length) throw new CorruptFileError('no such string');
    const from = this.start + this.offsets[i]!;
    return this.buf.toString(this.isWide(i) ? 'utf8' : 'latin1', from, from + this.lengths[i]!);
  }

  /**
   * Every string: one latin1 decode of the blob and a slice each (byte offsets
   * are character offsets there, right for every ASCII string), then the wide
   * ones decoded as UTF-8 on their own.
   */
  all(): string[] {
    const { lengths } = this;
    const blob = this.buf.toString('latin1', this.start, this.start + this.bytes);
    const out = new Array<string>(lengths.length);
    let at = 0;
    for (let i = 0; i < lengths.length; i++) {
      out[i] = blob.slice(at, at + lengths[i]!);
      at += lengths[i]!;
    }
    if (at !== this.bytes) throw new CorruptFileError('string lengths do not match');
    for (const i of this.wide) out[i] = this.get(i);
    return out;
  }

  private isWide(i: number): boolean {
    let lo = 0;
    let hi = this.wide.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.wide[mid]!;
      if (at === i) return true;
      if (at < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** Hex sha256 digests, in the file's buffer until asked for. */
export class DigestList {
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    readonly length: number,
  ) {}

  /** The k-th digest. */
  get(k: number): string {
    if (k < 0 || k >= this.length) throw new CorruptFileError('no such digest');
    return this.buf.toString('hex', this.start + k * 32, this.start + (k + 1) * 32);
  }

  /** All of them as one string, 64 hex digits each (one decode; slice it). */
  hex(): string {
    return this.buf.toString('hex', this.start, this.start + this.length * 32);
  }
}
