/**
 * The on-disk form of a layer index (FileIndexCache's files): its columns one
 * after the other, little-endian, then a checksum, so that reading one back
 * is a few copies and two string decodes rather than work per entry.
 *
 *   "LDFI"  u32 version  u32 n(digest) digest  u32 count
 *   kinds u8[count]  modes u16[count]  uids u32[count]  gids u32[count]  ordinals u32[count]
 *   sizes f64[count]  mtimes f64[count]
 *   path lengths u32[count] (UTF-16 units)  u32 n(paths)  paths, concatenated, UTF-8
 *   link lengths u32[count]                 u32 n(links)  links, concatenated, UTF-8
 *   u32 files  sha256 of each file, 32 bytes each
 *   sha256 of everything before
 *
 * About 40 bytes per entry plus its name: a layer of 100,000 files takes a few
 * MB. A file that is truncated, altered, of another version, or made for
 * another digest is refused (CorruptIndexError), never partly believed.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { Kind, KIND_COUNT, MAX_LAYER_ENTRIES, type LayerIndex } from './layer-index';

const MAGIC = Buffer.from('LDFI', 'latin1');
/** Bump on any change of the layout above or of what a column means. */
export const INDEX_FORMAT_VERSION = 1;
const CHECKSUM_BYTES = 32;
const SHA256_BYTES = 32;

/** Columns are copied as the machine holds them; the format is little-endian. */
export const FORMAT_USABLE = endianness() === 'LE';

export class CorruptIndexError extends Error {
  override name = 'CorruptIndexError';
}

type Column = Uint8Array | Uint16Array | Uint32Array | Float64Array;

function columnBytes(column: Column): Buffer {
  return Buffer.from(column.buffer, column.byteOffset, column.byteLength);
}

function u32(value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(value);
  return b;
}

function lengthsOf(strings: string[]): Uint32Array {
  const lengths = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
  return lengths;
}

export function encodeIndex(index: LayerIndex): Buffer {
  const digest = Buffer.from(index.digest, 'utf8');
  const paths = Buffer.from(index.paths.join(''), 'utf8');
  const links = Buffer.from(index.links.join(''), 'utf8');
  let files = 0;
  for (let i = 0; i < index.count; i++) if (index.kinds[i] === Kind.file) files++;
  const hashes = Buffer.allocUnsafe(files * SHA256_BYTES);
  for (let i = 0, at = 0; i < index.count; i++) {
    if (index.kinds[i] !== Kind.file) continue;
    if (hashes.write(index.hashes[i] ?? '', at, SHA256_BYTES, 'hex') !== SHA256_BYTES) throw new Error(`entry ${i} has no sha256`);
    at += SHA256_BYTES;
  }
  const body = Buffer.concat([
    MAGIC, u32(INDEX_FORMAT_VERSION), u32(digest.length), digest, u32(index.count),
    columnBytes(index.kinds), columnBytes(index.modes), columnBytes(index.uids), columnBytes(index.gids), columnBytes(index.ordinals),
    columnBytes(index.sizes), columnBytes(index.mtimes),
    columnBytes(lengthsOf(index.paths)), u32(paths.length), paths,
    columnBytes(lengthsOf(index.links)), u32(links.length), links,
    u32(files), hashes,
  ]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Reads an index written by encodeIndex() for `digest`; throws CorruptIndexError for anything else. */
export function decodeIndex(bytes: Buffer, digest: string): LayerIndex {
  if (!FORMAT_USABLE) throw new CorruptIndexError('this machine is big-endian');
  if (bytes.length < MAGIC.length + 4 + CHECKSUM_BYTES) throw new CorruptIndexError('too short');
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new CorruptIndexError('not a layer index');
  const bodyEnd = bytes.length - CHECKSUM_BYTES;
  const checksum = createHash('sha256').update(bytes.subarray(0, bodyEnd)).digest();
  if (!checksum.equals(bytes.subarray(bodyEnd))) throw new CorruptIndexError('checksum mismatch');

  const input = new Reader(bytes, MAGIC.length, bodyEnd);
  const version = input.u32();
  if (version !== INDEX_FORMAT_VERSION) throw new CorruptIndexError(`version ${version}, expected ${INDEX_FORMAT_VERSION}`);
  const stored = input.utf8(input.u32());
  if (stored !== digest) throw new CorruptIndexError(`index of ${stored}, expected ${digest}`);
  const count = input.u32();
  if (count > MAX_LAYER_ENTRIES) throw new CorruptIndexError(`${count} records`);

  const kinds = input.column(new Uint8Array(count));
  const modes = input.column(new Uint16Array(count));
  const uids = input.column(new Uint32Array(count));
  const gids = input.column(new Uint32Array(count));
  const ordinals = input.column(new Uint32Array(count));
  const sizes = input.column(new Float64Array(count));
  const mtimes = input.column(new Float64Array(count));
  const paths = input.strings(count);
  const links = input.strings(count);
  const files = input.u32();
  const allHashes = input.hex(files * SHA256_BYTES);
  if (!input.atEnd()) throw new CorruptIndexError('trailing bytes');

  const hashes = new Array<string>(count);
  let file = 0;
  for (let i = 0; i < count; i++) {
    const kind = kinds[i]!;
    if (kind >= KIND_COUNT) throw new CorruptIndexError('unknown record kind');
    if (kind === Kind.file) {
      if (file === files) throw new CorruptIndexError('more files than hashes');
      hashes[i] = allHashes.slice(file * 2 * SHA256_BYTES, (file + 1) * 2 * SHA256_BYTES);
      file++;
    } else {
      hashes[i] = '';
    }
  }
  if (file !== files) throw new CorruptIndexError('more hashes than files');
  return { digest, count, kinds, paths, modes, uids, gids, sizes, mtimes, ordinals, links, hashes };
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    private at: number,
    private readonly end: number,
  ) {}

  private take(length: number): number {
    if (length > this.end - this.at) throw new CorruptIndexError('truncated');
    const start = this.at;
    this.at += length;
    return start;
  }

  u32(): number {
    return this.buf.readUInt32LE(this.take(4));
  }

  utf8(length: number): string {
    const start = this.take(length);
    return this.buf.toString('utf8', start, start + length);
  }

  hex(length: number): string {
    const start = this.take(length);
    return this.buf.toString('hex', start, start + length);
  }

  /** Fills `column` from the next bytes (a copy: the file's buffer may not be aligned for it). */
  column<T extends Column>(column: T): T {
    const start = this.take(column.byteLength);
    new Uint8Array(column.buffer, column.byteOffset, column.byteLength).set(this.buf.subarray(start, start + column.byteLength));
    return column;
  }

  /** `count` strings stored as UTF-16 lengths, then their UTF-8 concatenation. */
  strings(count: number): string[] {
    const lengths = this.column(new Uint32Array(count));
    const all = this.utf8(this.u32());
    const out = new Array<string>(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const length = lengths[i]!;
      if (length > all.length - at) throw new CorruptIndexError('string lengths do not match');
      out[i] = all.slice(at, at + length);
      at += length;
    }
    if (at !== all.length) throw new CorruptIndexError('string lengths do not match');
    return out;
  }

  atEnd(): boolean {
    return this.at === this.end;
  }
}
