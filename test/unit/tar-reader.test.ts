/**
 * TarReader reads what tar-stream's extract read before it (the layer reader
 * used tar-stream): the same headers, the same contents, the same errors, for
 * archives made by tar-stream's pack and by GNU tar, and for hand-made blocks
 * that only some tools write (base-256 numbers, the ustar prefix, old GNU
 * magic, spaces before octal digits, zero blocks between entries, PAX globals).
 * Each archive is fed in chunks of many sizes, so headers, long headers and
 * contents straddle chunk boundaries everywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { TarEvent, TarReader } from '../../src-main/registry/extract/tar-reader';

interface Read {
  header: Record<string, unknown>;
  content: string;
}

/** What tar-stream's extract makes of `archive`: headers and contents, or its error's message. */
async function withTarStream(archive: Buffer): Promise<Read[] | string> {
  const extract = tar.extract();
  const out: Read[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('error', () => undefined); // the extract reports it
      body.on('data', (c) => chunks.push(c as Buffer));
      body.on('end', () => {
        out.push({ header: comparable(header as unknown as Record<string, unknown>), content: Buffer.concat(chunks).toString('latin1') });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(archive);
  try {
    await done;
  } catch (err) {
    return (err as Error).message;
  }
  return out;
}

/** What TarReader makes of `archive` fed `step` bytes at a time. */
function withTarReader(archive: Buffer, step: number): Read[] | string {
  const reader = new TarReader();
  const out: Read[] = [];
  let content: Buffer[] = [];
  const flush = (): void => {
    const last = out[out.length - 1];
    if (last) last.content = Buffer.concat(content).toString('latin1');
    content = [];
  };
  try {
    for (let at = 0; ;) {
      const event = reader.read();
      if (event === TarEvent.header) {
        flush();
        out.push({ header: comparable(reader.header as unknown as Record<string, unknown>), content: '' });
      } else if (event === TarEvent.data) {
        content.push(Buffer.from(reader.data));
      } else {
        if (at >= archive.length) break;
        reader.feed(archive.subarray(at, at + step));
        at += step;
      }
    }
    reader.end();
  } catch (err) {
    return (err as Error).message;
  }
  flush();
  return out;
}

function comparable(header: Record<string, unknown>): Record<string, unknown> {
  const { name, mode, uid, gid, size, mtime, type, linkname, uname, gname, devmajor, devminor, pax } = header;
  return {
    name,
    mode: mode ?? null,
    uid: uid ?? null,
    gid: gid ?? null,
    size,
    mtime: (mtime as Date).getTime(),
    type,
    linkname,
    uname,
    gname,
    devmajor: devmajor ?? null,
    devminor: devminor ?? null,
    pax: pax ? { ...pax } : null,
  };
}

async function expectSame(archive: Buffer): Promise<void> {
  const expected = await withTarStream(archive);
  for (const step of [1, 3, 100, 511, 512, 513, 1024, 4096, archive.length]) {
    expect(withTarReader(archive, step), `fed ${step} bytes at a time`).toEqual(expected);
  }
}

type PackHeader = Parameters<ReturnType<typeof tar.pack>['entry']>[0];

async function packed(entries: { header: PackHeader; content?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { header, content } of entries) {
    if (content === undefined) pack.entry(header);
    else pack.entry(header, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A raw header block: fields written as given, checksum computed unless given. */
function block(fields: { [offset: number]: string | number[] }, checksum?: string): Buffer {
  const b = Buffer.alloc(512);
  for (const [offset, value] of Object.entries(fields)) {
    if (typeof value === 'string') b.write(value, Number(offset), 'latin1');
    else Buffer.from(value).copy(b, Number(offset));
  }
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(checksum ?? `${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

const USTAR = { 257: 'ustar\u0000', 263: '00' };
const GNU = { 257: 'ustar ', 263: ' \u0000' };
const padded = (content: string): Buffer => {
  const b = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  b.write(content, 'latin1');
  return b;
};
const END = Buffer.alloc(1024);

describe('TarReader reads what tar-stream read', () => {
  it('archives made by tar-stream: every type, long names (PAX), link names, owners, contents of many sizes', async () => {
    const long = `${'deep/'.repeat(40)}file-with-a-long-name.txt`;
    await expectSame(
      await packed([
        { header: { name: 'etc', type: 'directory', mode: 0o755, mtime: new Date(1700000000000) } },
        { header: { name: 'etc/empty', mode: 0o600, uid: 1000, gid: 100, uname: 'me', gname: 'us', mtime: new Date(0) }, content: '' },
        { header: { name: 'etc/one', mode: 0o644, mtime: new Date(1) }, content: 'x' },
        { header: { name: 'etc/block', mode: 0o644 }, content: 'b'.repeat(512) },
        { header: { name: 'etc/more', mode: 0o4755 }, content: 'm'.repeat(5000) },
        { header: { name: long, mode: 0o644 }, content: 'long name\n' },
        { header: { name: 'etc/link', type: 'symlink', linkname: `../${'t/'.repeat(80)}target` } },
        { header: { name: 'etc/hard', type: 'link', linkname: 'etc/one' } },
        { header: { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 } },
        { header: { name: 'dev/fifo', type: 'fifo' } },
        { header: { name: 'ünïcødé/名前', mode: 0o644 }, content: 'utf-8 names' },
      ]),
    );
  });

  it('an archive made by GNU tar (GNU long names, old GNU magic, its end-of-archive padding)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lading-tar-reader-'));
    try {
      const root = join(dir, 'root');
      const deep = join(root, 'a'.repeat(60), 'b'.repeat(60));
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, 'c'.repeat(40)), 'gnu long name\n');
      writeFileSync(join(root, 'small'), 'small\n');
      symlinkSync('x'.repeat(150), join(root, 'long-link'));
      for (const format of ['gnu', 'oldgnu', 'posix', 'ustar']) {
        if (format === 'ustar') rmSync(join(root, 'long-link')); // ustar cannot hold a 150-character link target
        const archive = execFileSync('tar', ['-c', `--format=${format}`, '-C', root, '.'], { maxBuffer: 1 << 24 });
        await expectSame(archive);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hand-made headers: ustar prefix, base-256 numbers, spaces and NULs before digits, zero blocks between entries', async () => {
    await expectSame(
      Buffer.concat([
        block({ 0: 'name', 100: '0000644\0', 124: '00000000003\0', 136: '00000000000\0', 156: '0', 345: 'the/prefix', ...USTAR }),
        padded('abc'),
        Buffer.alloc(512),
        block({ 0: 'spaces', 100: '   644 \0', 108: '\0\0\u0000017\0', 124: ' 0000000001 ', 156: '0', ...GNU }),
        padded('z'),
        block({
          0: 'big',
          100: '0000644\0',
          108: [0x80, 0, 0, 0, 0, 0, 0x01, 0x00],
          124: [0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
          156: '0',
          ...USTAR,
        }),
        padded('hi'),
        block({ 0: 'negative', 136: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], 156: '5', ...USTAR }),
        block({ 0: 'odd-type', 156: 'X', ...USTAR }),
        block({ 0: 'weird-number', 100: '+644', 108: 'xyz', 156: '0', ...USTAR }),
        END,
      ]),
    );
  });

  it('a directory with a size: its header alone, the next block read as the next header (tar-stream waited for ever here)', () => {
    const archive = Buffer.concat([
      block({ 0: 'dir/', 124: '00000001000\0', 156: '5', ...USTAR }),
      block({ 0: 'dir/file', 124: '00000000001\0', 156: '0', ...USTAR }),
      padded('f'),
      END,
    ]);
    const read = withTarReader(archive, 100);
    expect(read).toMatchObject([
      { header: { name: 'dir/', type: 'directory', size: 512 }, content: '' },
      { header: { name: 'dir/file', type: 'file', size: 1 }, content: 'f' },
    ]);
  });

  it('PAX: a global header merged into the next ones, path, linkpath and size taken, other records kept', async () => {
    /** PAX records (`<length> <key>=<value>\n`, the length counting itself), padded to whole blocks. */
    const paxBody = (records: string[]): { size: number; bytes: Buffer } => {
      const text = records
        .map((r) => {
          let len = r.length + 3;
          while (`${len} ${r}\n`.length !== len) len++;
          return `${len} ${r}\n`;
        })
        .join('');
      return { size: text.length, bytes: padded(text) };
    };
    const global = paxBody(['comment=global', 'uname=root']);
    const local = paxBody(['path=from/pax/name', 'linkpath=from/pax/link', 'mtime=1.5', 'size=4']);
    await expectSame(
      Buffer.concat([
        block({ 0: 'global', 124: global.size.toString(8).padStart(11, '0'), 156: 'g', ...USTAR }),
        global.bytes,
        block({ 0: 'pax', 124: local.size.toString(8).padStart(11, '0'), 156: 'x', ...USTAR }),
        local.bytes,
        block({ 0: 'short', 124: '00000000001\0', 156: '0', ...USTAR }),
        padded('data'),
        END,
      ]),
    );
  });

  it('what is not a tar, or not a whole one: the same errors', async () => {
    const one = await packed([{ header: { name: 'a', mode: 0o644 }, content: 'a'.repeat(700) }]);
    const cases: Buffer[] = [
      Buffer.from('this is not a tar archive at all, just some text that goes on for a while'.repeat(10)),
      block({ 0: 'bad-checksum', 156: '0', ...USTAR }, '0000001\0'),
      block({ 0: 'no-magic', 156: '0' }),
      one.subarray(0, 512 + 100), // cut inside the content
      one.subarray(0, 512 + 700), // cut inside the padding
      one.subarray(0, 300), // cut inside the header
      Buffer.concat([block({ 0: 'huge-pax', 124: (5 * 1024 * 1024).toString(8).padStart(11, '0'), 156: 'x', ...USTAR }), END]),
    ];
    for (const archive of cases) {
      const expected = await withTarStream(archive);
      expect(typeof expected).toBe('string');
      for (const step of [1, 512, archive.length]) expect(withTarReader(archive, step)).toEqual(expected);
    }
  });
});
