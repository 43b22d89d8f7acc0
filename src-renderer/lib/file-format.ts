/** How the Files tab writes an entry's facts: `ls -l` modes, owners, hex dumps. */
import type { FileType } from '../../src-shared/files';

const TYPE_LETTER: Record<FileType, string> = { file: '-', hardlink: '-', directory: 'd', symlink: 'l', other: '?' };

/** `0o755` of a directory -> `drwxr-xr-x`; set-id and sticky bits as `ls` shows them (`s`/`S`, `t`/`T`). */
export function formatMode(type: FileType, mode: number): string {
  const bits = (shift: number, special: boolean, letter: string): string => {
    const r = mode & (4 << shift) ? 'r' : '-';
    const w = mode & (2 << shift) ? 'w' : '-';
    const x = (mode & (1 << shift)) !== 0;
    const last = special ? (x ? letter : letter.toUpperCase()) : x ? 'x' : '-';
    return r + w + last;
  };
  return (
    TYPE_LETTER[type] + bits(6, (mode & 0o4000) !== 0, 's') + bits(3, (mode & 0o2000) !== 0, 's') + bits(0, (mode & 0o1000) !== 0, 't')
  );
}

/** Lines of `hexdump -C`: offset, 16 bytes in hex, the printable ones as text. */
export function hexDump(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    let hex = '';
    let text = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? '   ' : `${b.toString(16).padStart(2, '0')} `;
      if (i === 7) hex += ' ';
      if (b !== undefined) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex} |${text}|`);
  }
  return lines;
}

/** Base64 (as the contract carries bytes) to bytes. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
