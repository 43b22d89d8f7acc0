/**
 * The Files tab's model without a page: a listing encoded as main encodes it
 * (columns over a path table), read back as a tree; the rows for collapsed
 * folders, a filter, a layer's marks with the paths it deleted, "changes
 * only"; and the small formats (modes, hex, history lines, compare targets).
 */
import { describe, expect, it } from 'vitest';
import { encodeListing } from '../../src-main/app/file-listing';
import type { ImageFileEntry, ImageFiles, LayerChange } from '../../src-main/registry/index';
import type { Connection, HistoryEntry } from '../../src-shared/contract';
import { compareTarget } from '../../src-renderer/lib/compare-target';
import { formatMode, fromBase64, hexDump } from '../../src-renderer/lib/file-format';
import { FileTree, markOf, type RowOptions } from '../../src-renderer/lib/file-tree';
import { layerHistory, stepLine } from '../../src-renderer/lib/layer-history';

function entry(path: string, type: ImageFileEntry['type'], layer: number, extra: Partial<ImageFileEntry> = {}): ImageFileEntry {
  return {
    path,
    type,
    size: type === 'file' ? path.length : 0,
    mode: type === 'directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    mtime: '1970-01-01T00:00:00.000Z',
    layer,
    ...extra,
  };
}

const ENTRIES: ImageFileEntry[] = [
  entry('a', 'directory', 0),
  entry('a-b', 'file', 0),
  entry('a/B', 'file', 1),
  entry('a/b', 'directory', 0),
  entry('a/b/c', 'file', 0),
  entry('link', 'symlink', 1, { linkname: '/a/b/c', mode: 0o777 }),
  entry('state', 'file', 1),
  entry('z', 'hardlink', 1, { linkname: 'a/b/c' }),
].sort((x, y) => (x.path < y.path ? -1 : 1));

const change = (path: string, type: LayerChange['type'], kind: LayerChange['change']): LayerChange => ({
  path,
  type,
  size: 0,
  change: kind,
});

const FILES: ImageFiles = {
  entries: ENTRIES,
  layers: [
    {
      digest: 'sha256:aa',
      changes: ENTRIES.filter((e) => e.layer === 0).map((e) => change(e.path, e.type, 'added')),
      addedBytes: 1,
      fileCount: 2,
    },
    {
      digest: 'sha256:bb',
      changes: [
        change('a/B', 'file', 'added'),
        change('gone', 'directory', 'deleted'),
        change('gone/x', 'file', 'deleted'),
        change('link', 'symlink', 'added'),
        change('state', 'file', 'modified'),
        change('state/db', 'file', 'deleted'),
        change('z', 'hardlink', 'added'),
      ],
      addedBytes: 6,
      fileCount: 4,
    },
  ],
  wastedBytes: 7,
  skipped: [],
};

const tree = new FileTree(encodeListing('sha256:image', FILES, [100, 200]));
const options = (more: Partial<RowOptions> = {}): RowOptions => ({
  collapsed: new Uint8Array(tree.count),
  filter: '',
  marks: undefined,
  changesOnly: false,
  ...more,
});
const shown = (opts: RowOptions) => {
  const rows = tree.rows(opts);
  return Array.from(rows.nodes.subarray(0, rows.length), (n, i) => `${'  '.repeat(rows.depths[i]!)}${tree.name(n, opts.marks)}`);
};

describe('FileTree', () => {
  it('reads the columns back: paths, types, links, parents, children in name order', () => {
    expect(Array.from({ length: tree.count }, (_, i) => tree.path(i))).toEqual(ENTRIES.map((e) => e.path));
    // In path order, where a-b sorts between a and a/B; the rows put each below its folder.
    expect(tree.listing.names).toEqual(['a', 'a-b', 'B', 'b', 'c', 'link', 'state', 'z']);
    expect(tree.link(tree.find('link'))).toBe('/a/b/c');
    expect(tree.link(tree.find('z'))).toBe('a/b/c');
    expect(tree.link(tree.find('a/b/c'))).toBeUndefined();
    expect(tree.find('nope')).toBe(-1);
    expect(tree.listing.totalBytes).toBe(ENTRIES.filter((e) => e.type === 'file').reduce((n, e) => n + e.size, 0));
    expect(shown(options())).toEqual(['a', '  B', '  b', '    c', 'a-b', 'link', 'state', 'z']);
  });

  it('a collapsed folder hides what is below it; a filter shows the matches and the folders above them', () => {
    const collapsed = new Uint8Array(tree.count);
    collapsed[tree.find('a/b')] = 1;
    expect(shown(options({ collapsed }))).toEqual(['a', '  B', '  b', 'a-b', 'link', 'state', 'z']);
    const rows = tree.rows(options({ filter: 'C' }));
    expect(rows.matches).toBe(1);
    expect(shown(options({ filter: 'C' }))).toEqual(['a', '  b', '    c']);
  });

  it("a layer's marks: changed entries, and the paths it deleted where they were (below a file that replaced a folder too)", () => {
    const marks = tree.layerMarks(1)!;
    expect(marks.counts).toEqual({ added: 3, modified: 1, deleted: 3 });
    expect(marks.ghosts.map((g) => g.path)).toEqual(['gone', 'gone/x', 'state/db']);
    expect(markOf(marks, tree.find('state'))).toBe('modified');
    expect(markOf(marks, tree.find('a/b/c'))).toBeUndefined();
    expect(shown(options({ marks }))).toEqual(['a', '  B', '  b', '    c', 'a-b', 'gone', '  x', 'link', 'state', '  db', 'z']);
    expect(shown(options({ marks, changesOnly: true }))).toEqual(['a', '  B', 'gone', '  x', 'link', 'state', '  db', 'z']);
    const ghost = tree.count + 2;
    expect([tree.isGhost(ghost), tree.path(ghost, marks), markOf(marks, ghost), tree.parent(ghost, marks)]).toEqual([
      true,
      'state/db',
      'deleted',
      tree.find('state'),
    ]);
    expect(tree.layerMarks(1)).toBe(marks);
    expect(tree.layerMarks(5)).toBeUndefined();
  });
});

describe('formats', () => {
  it('modes as ls writes them, set-id and sticky bits included', () => {
    expect(formatMode('directory', 0o755)).toBe('drwxr-xr-x');
    expect(formatMode('file', 0o640)).toBe('-rw-r-----');
    expect(formatMode('symlink', 0o777)).toBe('lrwxrwxrwx');
    expect(formatMode('directory', 0o1777)).toBe('drwxrwxrwt');
    expect(formatMode('file', 0o4755)).toBe('-rwsr-xr-x');
    expect(formatMode('file', 0o2644)).toBe('-rw-r-Sr--');
    expect(formatMode('other', 0o600)).toBe('?rw-------');
  });

  it('a hex dump like hexdump -C, from base64', () => {
    const bytes = fromBase64(Buffer.from('ELF\u0000 hello, world!\n').toString('base64'));
    expect(hexDump(bytes)).toEqual([
      '00000000  45 4c 46 00 20 68 65 6c  6c 6f 2c 20 77 6f 72 6c  |ELF. hello, worl|',
      '00000010  64 21 0a                                          |d!.|',
    ]);
  });

  it('history lines for the layers: empty-layer steps skipped; none when the counts do not match', () => {
    const h = (createdBy: string, emptyLayer = false): HistoryEntry => ({ createdBy, emptyLayer });
    const history = [
      h('/bin/sh -c #(nop) ADD file:abc in / '),
      h('/bin/sh -c #(nop)  CMD ["sh"]', true),
      h('/bin/sh -c apk add  curl'),
      h('ENV A=1', true),
    ];
    expect(layerHistory(history, 2).map(stepLine)).toEqual(['ADD file:abc in /', 'RUN apk add curl']);
    expect(layerHistory(history, 3)).toEqual([undefined, undefined, undefined]);
  });

  it('what to compare with: a tag or digest of this repository, a repository of this connection, or a reference elsewhere', () => {
    const here = { connectionId: 'conn-0000000000000001', repository: 'team/app' };
    const other = { id: 'conn-0000000000000002', host: 'ghcr.io' } as Connection;
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(compareTarget('v2', here, [other])).toEqual({ ok: true, value: { ...here, reference: 'v2' } });
    expect(compareTarget(digest, here, [other])).toEqual({ ok: true, value: { ...here, reference: digest } });
    expect(compareTarget('team/other:v1', here, [other])).toEqual({
      ok: true,
      value: { connectionId: here.connectionId, repository: 'team/other', reference: 'v1' },
    });
    expect(compareTarget('ghcr.io/org/app@' + digest, here, [other])).toEqual({
      ok: true,
      value: { connectionId: other.id, repository: 'org/app', reference: digest },
    });
    expect(compareTarget('quay.io/org/app:v1', here, [other])).toEqual({
      ok: false,
      message: 'No saved connection for quay.io: add one first',
    });
    expect(compareTarget('  ', here, [other]).ok).toBe(false);
  });
});
