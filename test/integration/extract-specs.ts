/**
 * The layer stacks the extract tests use, as data.
 */
import type { LayerSpec } from '../harness/layers.js';
import { deterministicBytes } from '../harness/fixture-specs.js';
import type { MixedLayerSpec } from './extract-images.js';

/** Big enough to span many tar and gzip chunks. */
export const BLOB_BYTES = deterministicBytes('lading/extract/blob', 300 * 1024);

const base: LayerSpec = {
  createdBy: 'ADD base.tar /',
  entries: [
    { path: 'etc', type: 'dir' },
    { path: 'etc/keep', type: 'file', content: 'kept from layer 1\n' },
    { path: 'etc/gone', type: 'file', content: 'whited out by layer 2\n' },
    { path: 'etc/replaced', type: 'file', content: 'old content\n' },
    { path: 'etc/conf.d/a.conf', type: 'file', content: 'a\n' },
    { path: 'etc/conf.d/b.conf', type: 'file', content: 'b\n' },
    { path: 'etc/conf.d/sub/deep.conf', type: 'file', content: 'deep\n' },
    { path: 'gonedir/x/y', type: 'file', content: 'in a directory deleted later\n' },
    { path: 'opt/app/bin', type: 'file', content: 'a file that becomes a directory\n', mode: 0o755 },
    { path: 'var/lib/state/db', type: 'file', content: 'a directory that becomes a file\n' },
    { path: 'data/blob.bin', type: 'file', content: BLOB_BYTES },
    { path: 'data/exec', type: 'file', content: '#!/bin/sh\n', mode: 0o755 },
    { path: 'data/private', type: 'file', content: 'secret\n', mode: 0o600 },
    // The file first: the layer builder gives a file's parents mode 0755 as it writes the file.
    { path: 'ro/inside', type: 'file', content: 'read-only file in a read-only dir\n', mode: 0o444 },
    { path: 'ro', type: 'dir', mode: 0o555 },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'hl/orig', type: 'file', content: 'hard-linked within layer 1\n' },
    { path: 'hl/twin', type: 'hardlink', target: 'hl/orig' },
    { path: 'pair/first', type: 'file', content: 'first name deleted later, second keeps it\n' },
    { path: 'pair/second', type: 'hardlink', target: 'pair/first' },
    { path: 'pair2/first', type: 'file', content: 'first name replaced later, second keeps this\n' },
    { path: 'pair2/second', type: 'hardlink', target: 'pair2/first' },
    { path: 'links/relative', type: 'symlink', target: '../etc/keep' },
    { path: 'links/absolute', type: 'symlink', target: '/etc/keep' },
    { path: 'links/dangling', type: 'symlink', target: 'nowhere/at/all' },
    { path: 'links/to-be-dir', type: 'symlink', target: '/tmp' },
  ],
};

const changes: LayerSpec = {
  createdBy: 'RUN rm /etc/gone && rm -r /gonedir ...',
  entries: [
    { path: 'etc', type: 'dir', mode: 0o750 },
    { path: 'etc/gone', type: 'whiteout' },
    { path: 'gonedir', type: 'whiteout' },
    { path: 'etc/conf.d', type: 'opaque' },
    { path: 'etc/conf.d/c.conf', type: 'file', content: 'only c survives the opaque directory\n' },
    { path: 'etc/replaced', type: 'file', content: 'new content from layer 2\n', mode: 0o640 },
    { path: 'opt/app/bin/tool', type: 'file', content: 'bin is a directory now\n', mode: 0o755 },
    { path: 'var/lib/state', type: 'file', content: 'state is a file now\n' },
    { path: 'links/to-be-dir/file', type: 'file', content: 'a directory replaced a symlink\n' },
  ],
};

/** Plain (uncompressed) tar, crafted: a hard link into layer 1 and one into this layer's later entry order. */
const linksIntoLower: MixedLayerSpec = {
  createdBy: 'RUN ln /hl/orig /hl/from-layer-3 && ln /data/exec /usr/bin/exec-link',
  compression: 'none',
  raw: [
    { name: 'hl/', type: 'directory', mode: 0o755 },
    { name: 'hl/from-layer-3', type: 'link', linkname: 'hl/orig' },
    { name: 'usr/', type: 'directory', mode: 0o755 },
    { name: 'usr/bin/', type: 'directory', mode: 0o755 },
    { name: 'usr/bin/exec-link', type: 'link', linkname: 'data/exec' },
    { name: './dot-prefixed', type: 'file', content: 'named ./dot-prefixed in the tar\n', mode: 0o644 },
  ],
};

/** Hides targets of hard links made in layers 1 and 3: the links keep the old content. */
const hideLinkTargets: LayerSpec = {
  createdBy: 'RUN rm /hl/orig /pair/first && echo new > /pair2/first && echo new > /data/exec',
  entries: [
    { path: 'hl/orig', type: 'whiteout' },
    { path: 'pair/first', type: 'whiteout' },
    { path: 'pair2/first', type: 'file', content: 'new first from layer 4\n' },
    { path: 'data/exec', type: 'file', content: '#!/bin/sh\necho replaced\n', mode: 0o755 },
  ],
};

/** Layers applied oldest first: what umoci and Lading must agree on. */
export const COMPARISON_LAYERS: MixedLayerSpec[] = [base, changes, linksIntoLower, hideLinkTargets];

/** Every path the flattened image holds, as the tar stream must list it. */
export const COMPARISON_PATHS = [
  'data',
  'data/blob.bin',
  'data/exec',
  'data/private',
  'dot-prefixed',
  'etc',
  'etc/conf.d',
  'etc/conf.d/c.conf',
  'etc/keep',
  'etc/replaced',
  'hl',
  'hl/from-layer-3',
  'hl/twin',
  'links',
  'links/absolute',
  'links/dangling',
  'links/relative',
  'links/to-be-dir',
  'links/to-be-dir/file',
  'opt',
  'opt/app',
  'opt/app/bin',
  'opt/app/bin/tool',
  'pair',
  'pair/second',
  'pair2',
  'pair2/first',
  'pair2/second',
  'ro',
  'ro/inside',
  'tmp',
  'usr',
  'usr/bin',
  'usr/bin/exec-link',
  'var',
  'var/lib',
  'var/lib/state',
];

/**
 * Layers that try to write outside the target. `canary` is a random word in
 * every name that would land outside, so a test can look for it anywhere.
 */
export function hostileLayers(canary: string): MixedLayerSpec[] {
  return [
    {
      createdBy: 'hostile: a symlink that a later layer writes through',
      raw: [{ name: 'b', type: 'symlink', linkname: '/tmp' }],
    },
    {
      createdBy: 'hostile: escapes, devices and links',
      raw: [
        { name: 'ok.txt', content: 'written\n' },
        { name: `../${canary}-dotdot`, content: 'escaped with ..\n' },
        { name: `dir/../../${canary}-sneaky`, content: 'escaped through dir/../..\n' },
        { name: `/tmp/${canary}-absolute`, content: 'absolute path\n' },
        { name: 'a', type: 'symlink', linkname: '/' },
        { name: `a/tmp/${canary}-via-symlink`, content: 'through a symlink to /\n' },
        { name: 'up', type: 'symlink', linkname: '..' },
        { name: `up/${canary}-up`, content: 'through a symlink to ..\n' },
        { name: 'passwd-link', type: 'link', linkname: '../../etc/passwd' },
        { name: 'absolute-link', type: 'link', linkname: '/etc/passwd' },
        { name: 'link-through-symlink', type: 'link', linkname: `a/tmp/${canary}-via-symlink` },
        { name: 'link-to-symlink', type: 'link', linkname: 'up' },
        { name: 'link-to-missing', type: 'link', linkname: 'no/such/file' },
        { name: 'dev/console', type: 'character-device', devmajor: 5, devminor: 1, mode: 0o600 },
        { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 },
        { name: 'fifo', type: 'fifo', mode: 0o644 },
        // The lower layer made `b` a symlink to /tmp; this layer has a directory there.
        { name: `b/${canary}-cross-layer`, content: 'below b, which this layer has as a directory\n' },
      ],
    },
  ];
}

/** Each path the hostile image must report as skipped, with a pattern its reason must match. */
export function hostileSkips(canary: string): Record<string, RegExp> {
  return {
    [`../${canary}-dotdot`]: /'\.\.'/,
    [`dir/../../${canary}-sneaky`]: /'\.\.'/,
    [`/tmp/${canary}-absolute`]: /absolute/,
    [`a/tmp/${canary}-via-symlink`]: /parent a is a symlink/,
    [`up/${canary}-up`]: /parent up is a symlink/,
    'passwd-link': /outside the target directory/,
    'absolute-link': /outside the target directory/,
    'link-through-symlink': /passes through symlink a/,
    'link-to-symlink': /is a symlink, not a regular file/,
    'link-to-missing': /no\/such\/file is in no layer/,
    'dev/console': /character device/,
    'dev/sda': /block device/,
    fifo: /FIFO/,
  };
}
