/**
 * The Files and Compare tabs' small pure parts: `ls -l` modes, the hex view,
 * the config history lines beside the layers, and what a person types as the
 * image to compare with.
 */
import { describe, expect, it } from 'vitest';
import type { Connection, HistoryEntry } from '../../src-shared/contract';
import { compareTarget } from '../../src-renderer/lib/compare-target';
import { formatMode, fromBase64, hexDump } from '../../src-renderer/lib/file-format';
import { layerHistory, stepLine } from '../../src-renderer/lib/layer-history';

const DIGEST = `sha256:${'cd'.repeat(32)}`;

function connection(id: string, host: string): Connection {
  return {
    id,
    name: id,
    host,
    authKind: 'anonymous',
    plainHttp: false,
    tlsSkipVerify: false,
    secret: 'none',
    createdAt: '',
    updatedAt: '',
  };
}

describe('formatMode', () => {
  it('writes the type and permission bits as ls -l does', () => {
    expect(formatMode('directory', 0o755)).toBe('drwxr-xr-x');
    expect(formatMode('file', 0o640)).toBe('-rw-r-----');
    expect(formatMode('hardlink', 0o644)).toBe('-rw-r--r--');
    expect(formatMode('symlink', 0o777)).toBe('lrwxrwxrwx');
    expect(formatMode('other', 0o600)).toBe('?rw-------');
  });

  it('shows set-id and sticky bits with and without the execute bit below them', () => {
    expect(formatMode('file', 0o4755)).toBe('-rwsr-xr-x');
    expect(formatMode('file', 0o4644)).toBe('-rwSr--r--');
    expect(formatMode('file', 0o2755)).toBe('-rwxr-sr-x');
    expect(formatMode('file', 0o2745)).toBe('-rwxr-Sr-x');
    expect(formatMode('directory', 0o1777)).toBe('drwxrwxrwt');
    expect(formatMode('directory', 0o1776)).toBe('drwxrwxrwT');
  });
});

describe('the hex view', () => {
  it('writes lines as hexdump -C: offset, 16 bytes with a gap after 8, the printable ones as text', () => {
    const bytes = fromBase64(Buffer.from('Hello, world!\n\x00\x01\xffXYZ', 'latin1').toString('base64'));
    expect(Array.from(bytes.subarray(13, 17))).toEqual([0x0a, 0x00, 0x01, 0xff]);
    expect(hexDump(bytes)).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|',
      '00000010  ff 58 59 5a                                       |.XYZ|',
    ]);
    expect(hexDump(new Uint8Array(0))).toEqual([]);
  });
});

describe('layer history', () => {
  const step = (createdBy: string, emptyLayer = false): HistoryEntry => ({ createdBy, emptyLayer });

  it('pairs the steps that made a layer with the layers, leaving out ENV, CMD and the like', () => {
    const history = [step('ADD file:abc in /'), step('/bin/sh -c #(nop)  CMD ["sh"]', true), step('/bin/sh -c apk add  curl')];
    expect(layerHistory(history, 2).map(stepLine)).toEqual(['ADD file:abc in /', 'RUN apk add curl']);
  });

  it('names no layer when the counts do not match: the history cannot be trusted', () => {
    expect(layerHistory([step('ADD x /')], 2)).toEqual([undefined, undefined]);
  });

  it('a step without created_by falls back to its comment; without either, nothing', () => {
    expect(stepLine({ comment: 'buildkit.dockerfile.v0', emptyLayer: false })).toBe('buildkit.dockerfile.v0');
    expect(stepLine({ emptyLayer: false })).toBeUndefined();
    expect(stepLine(undefined)).toBeUndefined();
  });
});

describe('compareTarget', () => {
  const current = { connectionId: 'local', repository: 'team/app' };
  const connections = [connection('local', 'localhost:5000'), connection('ghcr', 'ghcr.io')];

  it('a tag or a digest: the same repository', () => {
    expect(compareTarget(' v2 ', current, connections)).toEqual({
      ok: true,
      value: { connectionId: 'local', repository: 'team/app', reference: 'v2' },
    });
    expect(compareTarget(DIGEST, current, connections)).toEqual({
      ok: true,
      value: { connectionId: 'local', repository: 'team/app', reference: DIGEST },
    });
  });

  it('a repository without a host: the same connection', () => {
    expect(compareTarget('team/other:v1', current, connections)).toEqual({
      ok: true,
      value: { connectionId: 'local', repository: 'team/other', reference: 'v1' },
    });
  });

  it('a full reference: the saved connection for its host, or says to add one', () => {
    expect(compareTarget('ghcr.io/org/app:v1', current, connections)).toEqual({
      ok: true,
      value: { connectionId: 'ghcr', repository: 'org/app', reference: 'v1' },
    });
    expect(compareTarget('quay.io/org/app:v1', current, connections)).toEqual({ ok: false, message: expect.stringContaining('quay.io') });
  });

  it('nothing typed, or not a reference: a message, no target', () => {
    expect(compareTarget('  ', current, connections)).toMatchObject({ ok: false });
    expect(compareTarget('Not A Reference!', current, connections)).toMatchObject({ ok: false });
  });
});
