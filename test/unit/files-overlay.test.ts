/**
 * The file listing's pure parts, on layer indexes written here record by
 * record: how layers are applied (the cases a registry fixture makes awkward
 * to build), the cache's two file formats round-tripped and refused when
 * damaged, and how hostile names are listed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../src-main/registry/files/columns';
import { decodeIndex, encodeIndex } from '../../src-main/registry/files/index-format';
import { Kind, LayerIndexBuilder, type LayerIndex } from '../../src-main/registry/files/layer-index';
import { Overlay, type ImageView } from '../../src-main/registry/files/overlay';
import { imagePath } from '../../src-main/registry/files/paths';
import { encodeView, lookupOf, viewKey, ViewReader } from '../../src-main/registry/files/view-format';
import type { TarHeader } from '../../src-main/registry/extract/layer-entries';

type Record = [kind: keyof typeof Kind, path: string, extra?: { size?: number; link?: string; mode?: number }];

let layers = 0;
function layer(records: Record[]): LayerIndex {
  const out = new LayerIndexBuilder(`sha256:${String(++layers).padStart(64, '0')}`);
  records.forEach(([kind, path, extra = {}], ordinal) => {
    const header = {
      name: path,
      mode: extra.mode ?? (kind === 'directory' ? 0o755 : 0o644),
      uid: 0,
      gid: 0,
      mtime: new Date(1000),
    } as TarHeader;
    const sha256 =
      kind === 'file'
        ? createHash('sha256')
            .update(`${path} ${extra.size ?? 0}`)
            .digest('hex')
        : '';
    out.add(Kind[kind], path, header, ordinal, extra.size ?? 0, extra.link ?? '', sha256);
  });
  return out.finish();
}

function flatten(...indexes: LayerIndex[]): ImageView {
  const overlay = new Overlay();
  for (const index of indexes) overlay.apply(index);
  return overlay.result();
}

function listing(view: ImageView): string[] {
  return view.files.entries.map((e) => `${e.path} ${e.type}${e.linkname !== undefined ? ` -> ${e.linkname}` : ''}`);
}

function changes(view: ImageView, layer: number): string[] {
  return view.files.layers[layer]!.changes.map((c) => `${c.change} ${c.path} ${c.type}`);
}

describe('applying layers', () => {
  it('a directory that became a file and then a directory again keeps nothing of the first one', () => {
    const view = flatten(
      layer([
        ['directory', 'x'],
        ['file', 'x/a'],
      ]),
      layer([['file', 'x']]),
      layer([['file', 'x/b']]),
    );
    expect(listing(view)).toEqual(['x directory', 'x/b file']);
    expect(changes(view, 1)).toEqual(['modified x file', 'deleted x/a file']);
    expect(changes(view, 2)).toEqual(['modified x directory', 'added x/b file']);
    expect(view.files.entries[0]).toMatchObject({ layer: 2, mode: 0o755, mtime: '1970-01-01T00:00:00.000Z' });
  });

  it("an entry below a symlink of its own layer is skipped; below a lower layer's symlink, that symlink becomes a directory", () => {
    const view = flatten(
      layer([
        ['symlink', 'a', { link: '/' }],
        ['file', 'a/etc/passwd'],
        ['symlink', 'b', { link: '/tmp' }],
      ]),
      layer([['file', 'b/x']]),
    );
    expect(listing(view)).toEqual(['a symlink -> /', 'b directory', 'b/x file']);
    expect(view.files.skipped).toEqual([{ path: 'a/etc/passwd', layer: 0, reason: 'parent a is a symlink' }]);
    expect(changes(view, 1)).toEqual(['modified b directory', 'added b/x file']);
  });

  it('whiteouts and opaque markers act on lower layers only, wherever they stand in the archive', () => {
    const view = flatten(
      layer([
        ['directory', 'd'],
        ['file', 'd/old'],
        ['directory', 'o'],
        ['file', 'o/a'],
        ['file', 'o/b'],
      ]),
      layer([
        ['file', 'd/new'],
        ['whiteout', 'd'],
        ['file', 'o/a', { size: 3 }],
        ['opaque', 'o'],
      ]),
    );
    expect(listing(view)).toEqual(['d directory', 'd/new file', 'o directory', 'o/a file']);
    expect(changes(view, 1)).toEqual(['added d/new file', 'deleted d/old file', 'modified o/a file', 'deleted o/b file']);
  });

  it("hard links share their target's content and keep it when the target goes; links to links follow them", () => {
    const view = flatten(
      layer([
        ['hardlink', 'early', { link: 't' }],
        ['file', 't', { size: 5 }],
      ]),
      layer([['hardlink', 'l1', { link: 't' }]]),
      layer([['hardlink', 'l2', { link: 'l1' }]]),
      layer([['whiteout', 't']]),
    );
    expect(listing(view)).toEqual(['early file', 'l1 hardlink -> early', 'l2 hardlink -> early']);
    expect(view.files.entries.map((e) => e.size)).toEqual([5, 5, 5]);
    expect(view.locate(2)).toMatchObject({ layer: 0, ordinal: 1, path: 't', size: 5 });
    expect(view.files.wastedBytes).toBe(0);
  });

  it('refuses hard links to a directory, a symlink, a missing path, and a non-directory over the root', () => {
    const view = flatten(
      layer([
        ['directory', 'dir'],
        ['symlink', 'sym', { link: 'dir' }],
        ['hardlink', 'to-dir', { link: 'dir' }],
        ['hardlink', 'to-sym', { link: 'sym' }],
        ['hardlink', 'to-none', { link: 'none' }],
        ['file', '.'],
      ]),
    );
    expect(listing(view)).toEqual(['dir directory', 'sym symlink -> dir']);
    expect(view.files.skipped.map((s) => `${s.path}: ${s.reason}`)).toEqual([
      'to-dir: hard link to a directory (dir)',
      'to-sym: hard link target sym is a symlink, not a regular file',
      ".: a regular file cannot replace the image's root directory",
      'to-none: hard link target none does not exist',
    ]);
  });

  it('counts as wasted the files a later entry replaced or deleted, in the same layer too', () => {
    const view = flatten(
      layer([
        ['file', 'x', { size: 1 }],
        ['file', 'x', { size: 2 }],
        ['file', 'gone', { size: 10 }],
        ['directory', 'd'],
        ['file', 'd/f', { size: 100 }],
      ]),
      layer([
        ['whiteout', 'gone'],
        ['file', 'd', { size: 4 }],
      ]),
    );
    expect(listing(view)).toEqual(['d file', 'x file']);
    expect(view.files.wastedBytes).toBe(1 + 10 + 100);
    expect(view.files.layers.map((l) => [l.fileCount, l.addedBytes])).toEqual([
      [4, 113],
      [1, 4],
    ]);
  });
});

describe('cache file formats', () => {
  const sample = layer([
    ['directory', 'etc'],
    ['file', 'etc/ünïcödé', { size: 7 }],
    ['file', 'etc/plain', { size: 0 }],
    ['symlink', 'link', { link: '' }],
    ['hardlink', 'hard', { link: 'etc/plain' }],
    ['other', 'dev/null'],
    ['whiteout', 'old'],
    ['opaque', 'etc'],
    ['unsupported', 'x', { link: 'S' }],
  ]);

  it('a layer index reads back as written, non-ASCII names and empty strings included', () => {
    const bytes = Buffer.concat(encodeIndex(sample));
    expect(decodeIndex(bytes, sample.digest)).toEqual(sample);
  });

  it('refuses any changed byte, a truncation, trailing bytes, and an index of another layer', () => {
    const bytes = Buffer.concat(encodeIndex(sample));
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Buffer.from(bytes);
      damaged[i]! ^= 0x20;
      expect(() => decodeIndex(damaged, sample.digest), `byte ${i}`).toThrow(CorruptFileError);
    }
    expect(() => decodeIndex(bytes.subarray(0, bytes.length - 1), sample.digest)).toThrow(CorruptFileError);
    expect(() => decodeIndex(Buffer.concat([bytes, Buffer.alloc(1)]), sample.digest)).toThrow(CorruptFileError);
    expect(() => decodeIndex(bytes, `sha256:${'f'.repeat(64)}`)).toThrow(/made for sha256:0+\d+, expected sha256:f+/);
  });

  it('a view reads back as made, and answers lookups as the view in memory does', () => {
    const lower = layer([
      ['directory', 'a'],
      ['file', 'a/x', { size: 3 }],
      ['file', 'a/ÿ', { size: 1 }],
      ['file', 'gone'],
    ]);
    const upper = layer([
      ['whiteout', 'gone'],
      ['hardlink', 'b', { link: 'a/x' }],
      ['symlink', 's', { link: 'a' }],
    ]);
    const view = flatten(lower, upper);
    const key = viewKey([lower.digest, upper.digest]);
    const reader = new ViewReader(Buffer.concat(encodeView(key, view)), key);
    const back = reader.view();
    expect(back.files).toEqual(view.files);
    // Changes are made on first read, and read as plain data by JSON and structured clone (IPC).
    expect(JSON.parse(JSON.stringify(reader.view().files))).toEqual(JSON.parse(JSON.stringify(view.files)));
    expect(structuredClone(reader.view().files)).toEqual(view.files);
    const replaced = reader.view().files.layers[1]!;
    replaced.changes = [];
    expect(replaced.changes).toEqual([]);
    const memory = lookupOf(view);
    for (const path of ['a', 'a/x', 'a/ÿ', 'b', 's', 'gone', 'none', 'a/x/y']) {
      const at = reader.find(path);
      expect(at, path).toBe(memory.find(path));
      expect(reader.lastChange(path), path).toEqual(memory.lastChange(path));
      if (at >= 0) {
        expect(reader.entry(at), path).toEqual(memory.entry(at));
        const where = memory.locate(at);
        expect(reader.locate(at), path).toEqual(
          where && { layer: where.layer, ordinal: where.ordinal, path: where.path, size: where.size, sha256: where.sha256 },
        );
      }
    }
    expect(reader.lastChange('gone')).toEqual({ layer: 1, change: 'deleted' });
    expect(() => new ViewReader(Buffer.concat(encodeView(key, view)), viewKey([upper.digest]))).toThrow(CorruptFileError);

    // Its columns are views of a buffer aligned for them (as the cache reads a file), and copied from one that is not.
    const bytes = Buffer.concat(encodeView(key, view));
    const aligned = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(aligned);
    const shifted = Buffer.allocUnsafeSlow(bytes.length + 1).subarray(1);
    bytes.copy(shifted);
    for (const buffer of [aligned, shifted]) expect(new ViewReader(buffer, key).view().files).toEqual(view.files);
    expect(new ViewReader(aligned, key).view().mtimes.buffer).toBe(aligned.buffer);
    expect(new ViewReader(shifted, key).view().mtimes.buffer).not.toBe(shifted.buffer);
  });
});

describe('image paths', () => {
  it('normalises names, and resolves hostile ones inside the image', () => {
    const cases: [string, string][] = [
      ['a/b', 'a/b'],
      ['./a/b/', 'a/b'],
      ['a//b', 'a/b'],
      ['a/./b', 'a/b'],
      ['.', '.'],
      ['./', '.'],
      ['', '.'],
      ['/etc/passwd', 'etc/passwd'],
      ['../x', 'x'],
      ['a/../../x', 'x'],
      ['a/..', '.'],
      ['..', '.'],
      ['//', '.'],
      ['...', '...'],
      ['.a/.b', '.a/.b'],
      ['a/.wh..wh..opq', 'a/.wh..wh..opq'],
    ];
    for (const [raw, path] of cases) expect(imagePath(raw), JSON.stringify(raw)).toBe(path);
  });
});
