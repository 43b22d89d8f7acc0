/**
 * The images the file-listing tests use, as data: two images sharing a base
 * layer (for diffImages), a layer of hostile names, and what each should give.
 * The comparison image (whiteouts, opaque directories, hard links into lower
 * layers, files replaced later) is extract-specs.ts's COMPARISON_LAYERS.
 */
import type { LayerChange } from '../../src-main/registry/index';
import type { LayerSpec } from '../harness/layers.js';
import type { ContainerConfigSpec, RawLayerSpec } from './extract-images.js';

const base: LayerSpec = {
  createdBy: 'ADD base.tar /',
  entries: [
    { path: 'etc/os-release', type: 'file', content: 'NAME=lading\n' },
    { path: 'etc/config', type: 'file', content: 'a=1\n' },
    { path: 'bin/tool', type: 'file', content: '#!/bin/sh\necho tool\n', mode: 0o755 },
    { path: 'lib/libx.so', type: 'file', content: 'not really a library\n' },
    { path: 'docs/readme', type: 'file', content: 'read me\n' },
    { path: 'link', type: 'symlink', target: 'bin/tool' },
  ],
};

const topA: LayerSpec = {
  createdBy: 'COPY app /app (a)',
  entries: [
    { path: 'app/main.js', type: 'file', content: 'console.log(1)\n' },
    { path: 'app/data.bin', type: 'file', content: 'a'.repeat(1000) },
    { path: 'app/same.txt', type: 'file', content: 'the same in both\n' },
    { path: 'a-only/x', type: 'file', content: 'only in a\n' },
  ],
};

const topB: LayerSpec = {
  createdBy: 'COPY app /app (b)',
  entries: [
    // Same size as a's, other bytes: only the hash tells them apart.
    { path: 'app/main.js', type: 'file', content: 'console.log(2)\n' },
    { path: 'app/data.bin', type: 'file', content: 'b'.repeat(2000) },
    { path: 'app/same.txt', type: 'file', content: 'the same in both\n' },
    // Same content as the base's, another mode.
    { path: 'etc/config', type: 'file', content: 'a=1\n', mode: 0o600 },
    { path: 'docs/readme', type: 'whiteout' },
    { path: 'bin/tool', type: 'symlink', target: '/usr/bin/tool' },
    { path: 'link', type: 'symlink', target: 'lib/libx.so' },
    { path: 'new/file', type: 'file', content: 'only in b\n' },
  ],
};

export const DIFF_A_LAYERS = [base, topA];
export const DIFF_B_LAYERS = [base, topB];

export const DIFF_A_CONFIG: ContainerConfigSpec = {
  Env: ['PATH=/usr/bin:/bin', 'MODE=a'],
  Cmd: ['node', 'main.js'],
  WorkingDir: '/app',
  Labels: { x: '1', y: '2' },
  ExposedPorts: { '80/tcp': {} },
};

export const DIFF_B_CONFIG: ContainerConfigSpec = {
  Env: ['PATH=/usr/bin:/bin', 'MODE=b'],
  Cmd: ['node', 'main.js'],
  Entrypoint: ['/bin/sh', '-c'],
  User: 'app',
  WorkingDir: '/app',
  // y changed; written in another key order, which alone is no change.
  Labels: { y: '3', x: '1' },
  ExposedPorts: { '443/tcp': {}, '80/tcp': {} },
};

/** What diffImages(a, b) must say about the files, entry by entry. */
export const DIFF_FILES = {
  added: [
    { path: 'new', type: 'directory', size: 0 },
    { path: 'new/file', type: 'file', size: 10 },
  ],
  removed: [
    { path: 'a-only', type: 'directory', size: 0 },
    { path: 'a-only/x', type: 'file', size: 10 },
    { path: 'docs/readme', type: 'file', size: 8 },
  ],
  changed: [
    { path: 'app/data.bin', a: { type: 'file', size: 1000 }, b: { type: 'file', size: 2000 } },
    { path: 'app/main.js', a: { type: 'file', size: 15 }, b: { type: 'file', size: 15 } },
    { path: 'bin/tool', a: { type: 'file', size: 20 }, b: { type: 'symlink', size: 0 } },
    { path: 'etc/config', a: { type: 'file', size: 4 }, b: { type: 'file', size: 4 } },
    { path: 'link', a: { type: 'symlink', size: 0 }, b: { type: 'symlink', size: 0 } },
  ],
};

/**
 * What each layer of COMPARISON_LAYERS changed, worked out from the specs by
 * hand (the builder writes every parent directory with mode 0755, so
 * re-stated parents are no change).
 */
export const COMPARISON_CHANGES: Omit<LayerChange, 'size'>[][] = [
  [], // layer 1: everything added (checked against the listing instead)
  [
    { path: 'etc/conf.d/a.conf', type: 'file', change: 'deleted' },
    { path: 'etc/conf.d/b.conf', type: 'file', change: 'deleted' },
    { path: 'etc/conf.d/c.conf', type: 'file', change: 'added' },
    { path: 'etc/conf.d/sub', type: 'directory', change: 'deleted' },
    { path: 'etc/conf.d/sub/deep.conf', type: 'file', change: 'deleted' },
    { path: 'etc/gone', type: 'file', change: 'deleted' },
    { path: 'etc/replaced', type: 'file', change: 'modified' },
    { path: 'gonedir', type: 'directory', change: 'deleted' },
    { path: 'gonedir/x', type: 'directory', change: 'deleted' },
    { path: 'gonedir/x/y', type: 'file', change: 'deleted' },
    { path: 'links/to-be-dir', type: 'directory', change: 'modified' },
    { path: 'links/to-be-dir/file', type: 'file', change: 'added' },
    { path: 'opt/app/bin', type: 'directory', change: 'modified' },
    { path: 'opt/app/bin/tool', type: 'file', change: 'added' },
    { path: 'var/lib/state', type: 'file', change: 'modified' },
    { path: 'var/lib/state/db', type: 'file', change: 'deleted' },
  ],
  [
    { path: 'dot-prefixed', type: 'file', change: 'added' },
    { path: 'hl/from-layer-3', type: 'hardlink', change: 'added' },
    { path: 'usr', type: 'directory', change: 'added' },
    { path: 'usr/bin', type: 'directory', change: 'added' },
    { path: 'usr/bin/exec-link', type: 'hardlink', change: 'added' },
  ],
  [
    { path: 'data/exec', type: 'file', change: 'modified' },
    { path: 'hl/orig', type: 'file', change: 'deleted' },
    { path: 'pair/first', type: 'file', change: 'deleted' },
    { path: 'pair2/first', type: 'file', change: 'modified' },
  ],
];

/**
 * Names a layer may use to reach outside the image. `canary` is a random
 * word in each, so a test can look for it anywhere on the disk.
 */
export function hostileNameLayers(canary: string): RawLayerSpec[] {
  return [
    {
      createdBy: 'hostile names',
      raw: [
        { name: 'ok.txt', content: 'fine\n' },
        { name: `../${canary}-dotdot`, content: 'escaped with ..\n' },
        { name: `dir/../../${canary}-sneaky`, content: 'escaped through dir/../..\n' },
        { name: `/tmp/${canary}-absolute`, content: 'absolute path\n' },
        { name: 'a', type: 'symlink', linkname: '/' },
        { name: `a/tmp/${canary}-via-symlink`, content: 'through a symlink to /\n' },
        { name: 'passwd-link', type: 'link', linkname: '../../etc/passwd' },
        { name: 'ok-link', type: 'link', linkname: '/ok.txt' },
        { name: `long/${'n'.repeat(250)}/${'m'.repeat(5000)}`, content: 'a name longer than PATH_MAX\n' },
        { name: 'dev/console', type: 'character-device', devmajor: 5, devminor: 1, mode: 0o600 },
        { name: 'fifo', type: 'fifo', mode: 0o644 },
      ],
    },
  ];
}

/**
 * A plain tar of `count` empty files spread over 100 directories, written
 * header by header (tar-stream takes seconds for this many entries): what a
 * hostile layer of millions of empty files looks like, a few MB of gzip.
 */
export function emptyFilesTar(count: number): Buffer {
  // Every header is this one plus its name: the checksum is the template's plus the name's bytes.
  const template = Buffer.alloc(512);
  template.write('0000644\0', 100, 'ascii');
  template.write('0000000\0', 108, 'ascii');
  template.write('0000000\0', 116, 'ascii');
  template.write('00000000000\0', 124, 'ascii');
  template.write('14432111111\0', 136, 'ascii');
  template.write('        ', 148, 'ascii');
  template.write('0', 156, 'ascii');
  template.write('ustar\x0000', 257, 'latin1');
  const templateSum = template.reduce((sum, byte) => sum + byte, 0);
  const out = Buffer.alloc((count + 2) * 512);
  for (let i = 0; i < count; i++) {
    const header = out.subarray(i * 512, (i + 1) * 512);
    template.copy(header);
    const name = `d${i % 100}/f${i}`;
    header.write(name, 0, 100, 'ascii');
    let sum = templateSum;
    for (let j = 0; j < name.length; j++) sum += name.charCodeAt(j);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  }
  return out;
}
