/**
 * The contract at the boundary: every operation's input is validated before
 * a service sees it, and bad input (wrong types, `..`, oversized strings,
 * unknown fields, unknown ids) is refused with a clear `invalid-input` or
 * `not-found` error that does not echo the offending value.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES, operations, type OperationName } from '../../src-shared/contract';
import { isAppError } from '../../src-shared/errors';
import { startApp, type TestApp } from './helpers';

let app: TestApp;
const conn = 'conn-0123456789abcdef';

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('the operation table', () => {
  it('names every operation the design lists, each with a strict input schema', () => {
    expect(OPERATION_NAMES.sort()).toEqual([
      'browse.children',
      'browse.config',
      'browse.manifest',
      'browse.selectTags',
      'browse.tags',
      'connections.import',
      'connections.importCandidates',
      'connections.list',
      'connections.remove',
      'connections.save',
      'connections.test',
      'credentials.status',
      'files.diff',
      'files.head',
      'files.list',
      'files.read',
      'jobs.cancel',
      'jobs.extract',
      'jobs.indexFiles',
      'jobs.leftovers',
      'jobs.list',
      'jobs.mirror',
      'jobs.mirrorRepository',
      'jobs.openFolder',
      'jobs.removeLeftovers',
      'jobs.saveArchive',
      'jobs.saveFiles',
      'jobs.saveLayers',
      'jobs.saveLayout',
      'jobs.tagFacts',
      'referrers.list',
      'referrers.read',
      'referrers.save',
      'referrers.verify',
      'tags.delete',
      'tags.deletePlan',
      'tags.facts',
      'tags.rateLimit',
      'tags.retag',
    ]);
    for (const name of OPERATION_NAMES) {
      const result = operations[name].input.safeParse({ surely: 'not a field' });
      expect(result.success, `${name} accepted an unknown field`).toBe(false);
    }
  });

  it('has a handler for every operation', () => {
    for (const name of OPERATION_NAMES) expect(typeof app.dispatcher.handlers[name], name).toBe('function');
  });

  // semver: plain functions on strings (the version sort), no Node or DOM either.
  it('src-shared imports nothing but zod, semver and itself (no Node, no DOM, no electron)', async () => {
    const dir = join(import.meta.dirname, '../../src-shared');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      const imports = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      for (const spec of imports)
        expect(spec === 'zod' || spec === 'semver' || spec.startsWith('./'), `${file} imports ${spec}`).toBe(true);
      expect(text).not.toMatch(/\b(?:process|Buffer|window|document|require)\b\s*[.(]/);
    }
  });
});

describe('input validation', () => {
  const cases: [string, OperationName, unknown, RegExp][] = [
    [
      'a tag pattern that does not compile',
      'browse.selectTags',
      { connectionId: 'conn-0123456789abcdef', repository: 'a/b', tags: { kind: 'pattern', pattern: '(' } },
      /tags\.pattern: Not a regular expression/,
    ],
    [
      'an unknown kind of tag selection',
      'jobs.mirrorRepository',
      {
        source: { connectionId: 'conn-0123456789abcdef', repository: 'a' },
        target: { connectionId: 'conn-0123456789abcdef', repository: 'b' },
        tags: { kind: 'glob' },
      },
      /Tags must be one of: all, a list, a pattern, a version range/,
    ],
    [
      'an archive format other than docker or oci',
      'jobs.saveArchive',
      {
        connectionId: 'conn-0123456789abcdef',
        repository: 'a',
        reference: 'v1',
        file: '/tmp/a.tar',
        format: 'zip',
      },
      /format: Format must be "docker" or "oci"/,
    ],
    [
      'an archive name with upper-case letters',
      'jobs.saveArchive',
      {
        connectionId: 'conn-0123456789abcdef',
        repository: 'a',
        reference: 'v1',
        file: '/tmp/a.tar',
        format: 'docker',
        name: 'Team/App:v1',
      },
      /name: Name must look like/,
    ],
    ['a number for a name', 'connections.save', { name: 123, host: 'ghcr.io', authKind: 'anonymous' }, /name: Name must be a string/],
    ['an unknown auth kind', 'connections.save', { name: 'x', host: 'ghcr.io', authKind: 'kerberos' }, /authKind: Auth kind must be/],
    [
      'basic auth without a username',
      'connections.save',
      { name: 'x', host: 'ghcr.io', authKind: 'basic' },
      /username: Basic auth needs a username/,
    ],
    [
      'a host with a scheme other than http(s)',
      'connections.save',
      { name: 'x', host: 'ftp://ghcr.io', authKind: 'anonymous' },
      /host: Host is invalid/,
    ],
    [
      'a host with ..',
      'connections.save',
      { name: 'x', host: 'ghcr.io/../x', authKind: 'anonymous' },
      /host: Host must not contain "\.\."/,
    ],
    [
      'a name of 101 characters',
      'connections.save',
      { name: 'n'.repeat(101), host: 'ghcr.io', authKind: 'anonymous' },
      /name: Name is longer than 100/,
    ],
    [
      'an unknown field',
      'connections.save',
      { name: 'x', host: 'ghcr.io', authKind: 'anonymous', password: 'p' },
      /Unrecognized key: "password"/,
    ],
    ['a malformed connection id', 'browse.tags', { connectionId: 'conn-1', repository: 'a' }, /connectionId: Connection id is invalid/],
    ['../ in a repository', 'browse.tags', { connectionId: conn, repository: '../etc' }, /repository: Repository must not contain "\.\."/],
    ['.. inside a repository', 'browse.manifest', { connectionId: conn, repository: 'a/../b', reference: 'v1' }, /must not contain "\.\."/],
    ['upper case in a repository', 'browse.tags', { connectionId: conn, repository: 'Team/App' }, /Repository is invalid/],
    ['a repository of 256 characters', 'browse.tags', { connectionId: conn, repository: 'a'.repeat(256) }, /longer than 255/],
    [
      'a filter of 129 characters',
      'browse.tags',
      { connectionId: conn, repository: 'a', filter: 'f'.repeat(129) },
      /filter: Filter is longer than 128/,
    ],
    ['a limit above 1000', 'browse.tags', { connectionId: conn, repository: 'a', limit: 1001 }, /limit: Limit must be at most 1000/],
    ['a fractional limit', 'browse.children', { connectionId: conn, limit: 1.5 }, /limit: Limit must be a whole number/],
    ['a string limit', 'browse.children', { connectionId: conn, limit: '10' }, /limit: Limit must be a number/],
    [
      'a child name with a slash',
      'browse.children',
      { connectionId: conn, last: 'a/b' },
      /last: Child name must be one repository path component/,
    ],
    [
      'a reference that is neither tag nor digest',
      'browse.manifest',
      { connectionId: conn, repository: 'a', reference: 'v1:x' },
      /reference: Reference must be a tag/,
    ],
    [
      'a short sha256 digest',
      'browse.manifest',
      { connectionId: conn, repository: 'a', reference: 'sha256:abc' },
      /Reference must be a tag/,
    ],
    [
      'a bad platform',
      'browse.config',
      { connectionId: conn, repository: 'a', reference: 'v1', platform: 'linux' },
      /platform: Platform must look like/,
    ],
    [
      'a relative target',
      'jobs.extract',
      { connectionId: conn, repository: 'a', reference: 'v1', targetDir: 'out/x' },
      /targetDir: Path must be absolute/,
    ],
    [
      '.. in a target',
      'jobs.extract',
      { connectionId: conn, repository: 'a', reference: 'v1', targetDir: '/tmp/../etc' },
      /targetDir: Path must not contain "\.\." segments/,
    ],
    [
      'NUL in a target',
      'jobs.saveLayers',
      { connectionId: conn, repository: 'a', reference: 'v1', targetDir: '/tmp/a\0b' },
      /targetDir: Path must not contain a NUL/,
    ],
    [
      'a target of 4097 characters',
      'jobs.saveLayout',
      { connectionId: conn, repository: 'a', reference: 'v1', targetDir: `/${'p'.repeat(4096)}` },
      /Path is longer than 4096/,
    ],
    [
      'a repeated layer',
      'jobs.saveLayers',
      {
        connectionId: conn,
        repository: 'a',
        reference: 'v1',
        targetDir: '/tmp',
        layers: [`sha256:${'a'.repeat(64)}`, `sha256:${'a'.repeat(64)}`],
      },
      /layers must not repeat/,
    ],
    ['a malformed job id', 'jobs.cancel', { jobId: 'job-1' }, /jobId: Job id is invalid/],
    [
      'both id and draft',
      'connections.test',
      { id: conn, draft: { name: 'x', host: 'ghcr.io', authKind: 'anonymous' } },
      /Give either "id" or "draft"/,
    ],
    ['an import key from elsewhere', 'connections.import', { keys: ['file:/etc/passwd'] }, /Import key is invalid/],
    ['an array instead of an object', 'connections.list', [], /expected object/i],
  ];

  for (const [what, name, input, message] of cases) {
    it(`refuses ${what} (${name})`, async () => {
      const error = await app.fail(name, input);
      expect(isAppError(error)).toBe(true);
      expect(error.code).toBe('invalid-input');
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`Invalid input for ${name}: `)).toBe(true);
      expect(JSON.stringify(error)).not.toMatch(/\n\s+at /);
    });
  }

  it('never echoes a refused secret', async () => {
    const secret = `S3cr3t-${'x'.repeat(16_400)}`;
    const error = await app.fail('connections.save', { name: 'x', host: 'ghcr.io', authKind: 'basic', username: 'u', secret });
    expect(error.message).toMatch(/secret: Secret is longer than 16384/);
    expect(JSON.stringify(error)).not.toContain('S3cr3t');
    const withNewline = await app.fail('connections.save', {
      name: 'x',
      host: 'ghcr.io',
      authKind: 'basic',
      username: 'u',
      secret: 'hunter2\nmore',
    });
    expect(withNewline.message).toMatch(/Secret must not contain control characters/);
    expect(JSON.stringify(withNewline)).not.toContain('hunter2');
  });

  it('refuses an unknown operation', async () => {
    const error = await app.fail('connections.drop' as OperationName, {});
    expect(error).toMatchObject({ code: 'invalid-input', message: 'Unknown operation "connections.drop"' });
  });

  it('answers not-found for a well-formed but unknown connection id, and starts no job', async () => {
    for (const [name, input] of [
      ['browse.tags', { connectionId: conn, repository: 'a' }],
      ['browse.children', { connectionId: conn }],
      ['connections.remove', { id: conn }],
      ['connections.test', { id: conn }],
      ['connections.save', { id: conn, name: 'x', host: 'ghcr.io', authKind: 'anonymous' }],
      ['jobs.saveLayers', { connectionId: conn, repository: 'a', reference: 'v1', targetDir: '/tmp' }],
      [
        'jobs.mirror',
        { source: { connectionId: conn, repository: 'a', reference: 'v1' }, target: { connectionId: conn, repository: 'b' } },
      ],
    ] as const) {
      const error = await app.fail(name, input);
      expect(error.code, name).toBe('not-found');
      expect(error.message, name).toContain(conn);
    }
    expect(await app.ok('jobs.list', {})).toEqual([]);
  });

  it('refuses a mirror from a digest without a target tag', async () => {
    const [first] = await app.ok('connections.list', {});
    const digest = `sha256:${'b'.repeat(64)}`;
    const error = await app.fail('jobs.mirror', {
      source: { connectionId: first!.id, repository: 'a', reference: digest },
      target: { connectionId: first!.id, repository: 'b' },
    });
    expect(error).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/name a target tag/) });
  });

  it('answers not-found for an unknown job id', async () => {
    const error = await app.fail('jobs.cancel', { jobId: 'job-0123456789abcdef' });
    expect(error).toMatchObject({ code: 'not-found', message: 'No job with id job-0123456789abcdef' });
  });

  it('accepts a missing input for operations without fields', async () => {
    const outcome = await app.dispatcher.call('connections.list', undefined);
    expect(outcome.ok).toBe(true);
  });
});
