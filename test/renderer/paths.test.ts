/** Target paths and the names proposed for them in the action dialogs (src-renderer/lib/paths.ts). */
import { describe, expect, it } from 'vitest';
import { checkPath, imageBaseName, joinPath, parentOf } from '../../src-renderer/lib/paths';

const DIGEST = `sha256:0123456789ab${'cd'.repeat(26)}`;

describe('imageBaseName', () => {
  it('names a tag by the tag and a digest by its first 12 hex digits', () => {
    expect(imageBaseName({ repository: 'team/app', reference: 'v1.2' })).toBe('app-v1.2');
    expect(imageBaseName({ repository: 'app', reference: DIGEST })).toBe('app-0123456789ab');
    expect(imageBaseName({ repository: 'app', reference: `sha512:fedcba987654${'0'.repeat(116)}` })).toBe('app-fedcba987654');
  });
});

describe('paths', () => {
  it('joins and splits with either separator', () => {
    expect(joinPath('/home/me/', 'app-v1')).toBe('/home/me/app-v1');
    expect(joinPath('', 'app-v1')).toBe('');
    expect(parentOf('/home/me/app-v1/')).toBe('/home/me');
    expect(parentOf('C:\\Users\\me\\app')).toBe('C:\\Users\\me');
    expect(parentOf('/app')).toBe('/app');
  });

  it('takes an absolute path and says what is wrong with another', () => {
    expect(checkPath(' /tmp/out ')).toBeUndefined();
    expect(checkPath('relative/path')).toContain('Path must be absolute');
    expect(checkPath('')).toBeDefined();
  });
});
