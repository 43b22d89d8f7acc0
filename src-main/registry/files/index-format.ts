/**
 * The on-disk form of a layer index (columns.ts's format, kind "LDFI"), the
 * subject being the layer's digest:
 *
 *   u32 count  kinds u8[]  modes u16[]  uids u32[]  gids u32[]  ordinals u32[]  sizes f64[]  mtimes f64[]
 *   paths  links  sha256 of each file
 *
 * About 40 bytes per entry plus its name: a layer of 100,000 files takes a few
 * MB. A file that is truncated, altered, of another version, or made for
 * another digest is refused (CorruptFileError), never partly believed.
 */
import { ColumnReader, ColumnWriter, CorruptFileError } from './columns';
import { Kind, KIND_COUNT, MAX_LAYER_ENTRIES, type LayerIndex } from './layer-index';

const MAGIC = 'LDFI';
/** Bump on any change of the layout above or of what a column means. */
const VERSION = 1;

export function encodeIndex(index: LayerIndex): Buffer[] {
  const out = new ColumnWriter(MAGIC, VERSION, index.digest);
  out.u32(index.count);
  out.column(index.kinds);
  out.column(index.modes);
  out.column(index.uids);
  out.column(index.gids);
  out.column(index.ordinals);
  out.column(index.sizes);
  out.column(index.mtimes);
  out.strings(index.paths);
  out.strings(index.links);
  out.digests(index.hashes.filter((_, i) => index.kinds[i] === Kind.file));
  return out.finish();
}

/** Reads an index written by encodeIndex() for `digest`; throws CorruptFileError for anything else. */
export function decodeIndex(bytes: Buffer, digest: string): LayerIndex {
  const input = new ColumnReader(bytes, MAGIC, VERSION, digest);
  const count = input.u32();
  if (count > MAX_LAYER_ENTRIES) throw new CorruptFileError(`${count} records`);
  const kinds = input.column(Uint8Array, count);
  for (const kind of kinds) if (kind >= KIND_COUNT) throw new CorruptFileError('unknown record kind');
  const modes = input.column(Uint16Array, count);
  const uids = input.column(Uint32Array, count);
  const gids = input.column(Uint32Array, count);
  const ordinals = input.column(Uint32Array, count);
  const sizes = input.column(Float64Array, count);
  const mtimes = input.column(Float64Array, count);
  const paths = input.strings(count).all();
  const links = input.strings(count).all();
  const digests = input.digests();
  input.finish();
  const hex = digests.hex();
  const hashes = new Array<string>(count);
  let file = 0;
  for (let i = 0; i < count; i++) hashes[i] = kinds[i] === Kind.file ? hex.slice(64 * file, 64 * ++file) : '';
  if (file !== digests.length) throw new CorruptFileError('digests do not match the files');
  return { digest, count, kinds, paths, modes, uids, gids, sizes, mtimes, ordinals, links, hashes };
}
