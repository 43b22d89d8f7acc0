import { describe, expect, it } from 'vitest';
import { ConnectionError, RegistryError } from '../../src-main/registry/index';
import { redactUrl } from '../../src-main/registry/redact';

describe('redactUrl', () => {
  it('drops user and password', () => {
    const out = redactUrl('https://alice:s3cret@registry.example/v2/app/manifests/v1');
    expect(out).toBe('https://registry.example/v2/app/manifests/v1');
    expect(out).not.toContain('s3cret');
    expect(out).not.toContain('alice');
  });

  it('replaces the values of presigned-URL and token parameters', () => {
    const url =
      'https://bucket.s3.example/blob?X-Amz-Signature=abcdef123&X-Amz-Credential=AKIAXXX%2F2024&X-Amz-Security-Token=tok999' +
      '&access_token=at777&sig=zzz&_state=upload-state-888&code=c0de&apikey=k3y&password=pw1';
    const out = redactUrl(url);
    for (const secret of ['abcdef123', 'AKIAXXX', 'tok999', 'at777', 'zzz', 'upload-state-888', 'c0de', 'k3y', 'pw1']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('X-Amz-Signature=REDACTED');
    expect(out).toContain('_state=REDACTED');
  });

  it('keeps harmless parameters and the path', () => {
    const out = redactUrl('https://registry.example/v2/app/tags/list?n=100&last=v1.2&service=reg&scope=repository%3Aapp%3Apull');
    const parsed = new URL(out);
    expect(parsed.pathname).toBe('/v2/app/tags/list');
    expect(parsed.searchParams.get('n')).toBe('100');
    expect(parsed.searchParams.get('last')).toBe('v1.2');
    expect(parsed.searchParams.get('scope')).toBe('repository:app:pull');
  });

  it('removes user-info from something that is not a URL', () => {
    expect(redactUrl('//bob:hunter2@host/x')).not.toContain('hunter2');
  });

  it('changes nothing in a URL without secrets', () => {
    expect(redactUrl('http://127.0.0.1:5000/v2/')).toBe('http://127.0.0.1:5000/v2/');
  });
});

describe('errors store redacted URLs', () => {
  it('RegistryError', () => {
    const err = new RegistryError('failed', { url: 'https://u:p4ss@r.example/v2/?token=t0k', status: 500 });
    expect(err.url).not.toContain('p4ss');
    expect(err.url).not.toContain('t0k');
    expect(JSON.stringify({ ...err, message: err.message })).not.toMatch(/p4ss|t0k/);
  });

  it('ConnectionError', () => {
    const err = new ConnectionError('dropped', 'ECONNRESET', { url: 'https://s3.example/b?X-Amz-Signature=s1gn' });
    expect(err.url).not.toContain('s1gn');
    expect(err.code).toBe('ECONNRESET');
    expect(err).toBeInstanceOf(RegistryError);
  });
});
