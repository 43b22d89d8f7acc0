/**
 * The error shape: every kind of failure maps to its code with a message for
 * a person and no stack; the secret scrubber as the last line of defence,
 * also on job events.
 */
import { describe, expect, it } from 'vitest';
import { AppFailure, CancelledError, appErrorFromThrown } from '../../src-main/app/errors';
import { JobEventBus } from '../../src-main/app/events';
import { JobManager } from '../../src-main/app/jobs';
import { REDACTED, scrubSecrets } from '../../src-main/app/redact';
import {
  AccessDeniedError,
  CatalogNotSupportedError,
  ConnectionError,
  DigestMismatchError,
  ExtractError,
  InvalidManifestError,
  InvalidReferenceError,
  RegistryError,
  RepositoryNotFoundError,
} from '../../src-main/registry/index';
import type { JobEvent } from '../../src-shared/contract';

function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('appErrorFromThrown', () => {
  const cases: [string, unknown, Record<string, unknown>][] = [
    ['an invalid reference', new InvalidReferenceError('Tag "x y" is invalid'), { code: 'invalid-input', message: 'Tag "x y" is invalid' }],
    [
      'a missing repository',
      new RepositoryNotFoundError('Not found: repository r/x', { status: 404, errors: [{ code: 'NAME_UNKNOWN' }] }),
      { code: 'not-found', details: { status: 404, registryCodes: ['NAME_UNKNOWN'] } },
    ],
    [
      'refused credentials',
      new AccessDeniedError('r rejected the credentials', { status: 401 }),
      { code: 'access-denied', details: { status: 401 } },
    ],
    ['no catalog', new CatalogNotSupportedError('no catalog', { status: 404 }), { code: 'catalog-unsupported' }],
    [
      'a digest mismatch',
      new DigestMismatchError('bad bytes', 'sha256:aa', 'sha256:bb'),
      { code: 'digest-mismatch', details: { expected: 'sha256:aa', actual: 'sha256:bb' } },
    ],
    [
      'a refused connection',
      new ConnectionError('Could not connect', 'ECONNREFUSED'),
      { code: 'unreachable', details: { networkCode: 'ECONNREFUSED' } },
    ],
    ['a bad manifest', new InvalidManifestError('schema 1'), { code: 'registry', message: 'schema 1' }],
    [
      'a full disk inside a registry error',
      new RegistryError('The disk is full: could not write /x', { cause: errno('ENOSPC', 'no space') }),
      { code: 'disk', details: { fsCode: 'ENOSPC' } },
    ],
    [
      'an unwritable extraction target',
      new ExtractError('No permission to write /t', '/t', { cause: errno('EACCES', 'denied') }),
      { code: 'disk', message: 'No permission to write /t' },
    ],
    ['a plain ENOSPC', errno('ENOSPC', 'ENOSPC: no space left on device, write'), { code: 'disk' }],
    ['a plain EEXIST', errno('EEXIST', "EEXIST: file already exists, open '/x'"), { code: 'exists' }],
    [
      'a 500 from the registry',
      new RegistryError('Internal Server Error', { status: 500 }),
      { code: 'registry', details: { status: 500 } },
    ],
    ['a cancel', new CancelledError(), { code: 'cancelled', message: 'Cancelled' }],
    ['an AbortError', new DOMException('This operation was aborted', 'AbortError'), { code: 'cancelled', message: 'Cancelled' }],
    ['a service failure', new AppFailure('exists', '/x already exists'), { code: 'exists', message: '/x already exists' }],
    [
      'a bug',
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      { code: 'internal', message: "Internal error: Cannot read properties of undefined (reading 'x')" },
    ],
    ['a thrown string', 'oops', { code: 'internal', message: 'Internal error: oops' }],
  ];
  for (const [what, err, want] of cases) {
    it(`maps ${what}`, () => {
      const got = appErrorFromThrown(err);
      expect(got).toMatchObject(want);
      const json = JSON.stringify(got);
      expect(JSON.parse(json)).toEqual(got);
      expect(json).not.toMatch(/stack|\bat .*\.ts:\d+/);
      expect(Object.keys(got).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
    });
  }

  it('drops a stack that was pasted into a message', () => {
    const err = new Error('boom\n    at foo (/src/x.ts:1:2)\n    at bar (/src/y.ts:3:4)');
    expect(appErrorFromThrown(err).message).toBe('Internal error: boom');
  });
});

describe('scrubSecrets', () => {
  it('replaces secrets wherever they occur, including ones with quotes and backslashes', () => {
    const secret = 'p"a\\ss-w0rd';
    const value = { a: `x${secret}y`, list: [secret, { deep: `-${secret}-` }], n: 3 };
    expect(scrubSecrets(value, [secret])).toEqual({ a: `x${REDACTED}y`, list: [REDACTED, { deep: `-${REDACTED}-` }], n: 3 });
  });

  it('returns the same object when there is nothing to hide, and ignores very short secrets', () => {
    const value = { a: 'abc' };
    expect(scrubSecrets(value, ['zzzzzz'])).toBe(value);
    expect(scrubSecrets(value, ['abc'])).toBe(value);
  });
});

describe('job events', () => {
  it('are scrubbed before any listener sees them', async () => {
    const secret = 'Top-Secret-Token-42';
    const events: JobEvent[] = [];
    const bus = new JobEventBus();
    bus.subscribe((e) => events.push(e));
    // A listener that throws does not stop the others or the job.
    bus.subscribe(() => {
      throw new Error('broken listener');
    });
    const jobs = new JobManager({ events: bus, throttleMs: 0, sanitize: (v) => scrubSecrets(v, [secret]) });
    const { jobId } = jobs.start('mirror', 'leaky', async () => {
      throw new RegistryError(`registry said: bad token ${secret}`);
    });
    const info = await jobs.settled(jobId);
    expect(info.state).toBe('failed');
    expect(info.error?.message).toBe(`registry said: bad token ${REDACTED}`);
    expect(events.map((e) => e.type)).toEqual(['failed']);
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});
