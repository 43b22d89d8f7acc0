import { afterEach, describe, expect, it } from 'vitest';
import { createClient, InvalidReferenceError, RegistryError, type Client } from '../../src-main/registry/index';
import {
  dockerHubPath,
  isValidRepositoryName,
  isValidTag,
  normalizeSegments,
  parseDigest,
  parseHost,
  parseReference,
} from '../../src-main/registry/reference';

const HEX = 'a'.repeat(64);
const DIGEST = `sha256:${HEX}`;

const clients: Client[] = [];
function client(host: string, options = {}): Client {
  const c = createClient(host, options);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('path components (OCI grammar)', () => {
  it.each(['a', 'abc', 'a0', '0a', 'my-app', 'my--app', 'my---app', 'my.app', 'my_app', 'my__app', 'a.b-c_d__e', 'v1.2.3'])(
    'accepts %j',
    (component) => {
      expect(normalizeSegments([component])).toEqual([component]);
    },
  );

  it.each([
    'A',
    'MyApp',
    'my app',
    'my___app',
    'my..app',
    'my._app',
    'my-.app',
    '-app',
    'app-',
    '.app',
    'app.',
    '_app',
    'app_',
    'app:tag',
    'app@x',
    'ä',
    'a+b',
  ])('rejects %j with InvalidReferenceError', (component) => {
    expect(() => normalizeSegments([component])).toThrow(InvalidReferenceError);
  });

  it('names the bad component and gives an example in the message', () => {
    expect(() => normalizeSegments(['ok', 'Bad'])).toThrow(/"Bad".*lower-case.*e\.g\./);
  });

  it('rejects empty segments and segments made only of slashes', () => {
    expect(() => normalizeSegments([''])).toThrow(/empty/);
    expect(() => normalizeSegments(['/'])).toThrow(/empty/);
    expect(() => normalizeSegments(['//'])).toThrow(InvalidReferenceError);
  });

  it('rejects an empty component inside a segment (a//b)', () => {
    expect(() => normalizeSegments(['a//b'])).toThrow(InvalidReferenceError);
  });

  it('trims leading and trailing slashes and splits embedded ones', () => {
    expect(normalizeSegments(['/org/', 'team/app/'])).toEqual(['org', 'team', 'app']);
    expect(normalizeSegments(['///deep///'])).toEqual(['deep']);
  });

  it('rejects a repository path longer than 255 characters', () => {
    const long = Array.from({ length: 30 }, () => 'abcdefghi').join('/'); // 299 characters
    expect(() => normalizeSegments([long])).toThrow(/longer than 255/);
    expect(normalizeSegments(['a'.repeat(255)])).toHaveLength(1);
  });

  it('rejects non-string segments', () => {
    expect(() => normalizeSegments([42 as unknown as string])).toThrow(InvalidReferenceError);
  });

  it('isValidRepositoryName checks every component', () => {
    expect(isValidRepositoryName('org/app')).toBe(true);
    expect(isValidRepositoryName('org//app')).toBe(false);
    expect(isValidRepositoryName('Org/app')).toBe(false);
    expect(isValidRepositoryName('')).toBe(false);
    expect(isValidRepositoryName(null)).toBe(false);
  });
});

describe('hosts', () => {
  it('accepts host, host:port, IPv6 and strips a scheme, lower-casing the host', () => {
    expect(parseHost('ghcr.io')).toEqual({ host: 'ghcr.io', path: [], plainHttp: false });
    expect(parseHost('localhost:5000')).toEqual({ host: 'localhost:5000', path: [], plainHttp: false });
    expect(parseHost('[::1]:5000').host).toBe('[::1]:5000');
    expect(parseHost('https://GHCR.io/org/app/')).toEqual({ host: 'ghcr.io', path: ['org', 'app'], plainHttp: false });
    expect(parseHost('http://127.0.0.1:5000')).toEqual({ host: '127.0.0.1:5000', path: [], plainHttp: true });
  });

  it.each(['', 'ftp://x.io', 'bad host', 'x.io:0', 'x.io:70000', '-x.io', 'x_y.io'])('rejects %j', (host) => {
    expect(() => parseHost(host)).toThrow(InvalidReferenceError);
  });

  it('createClient refuses a host that is not a string or not valid, before any request', () => {
    expect(() => createClient(undefined as unknown as string)).toThrow(InvalidReferenceError);
    expect(() => createClient('ftp://registry.example')).toThrow(/scheme "ftp:\/\/"/);
  });
});

describe('withSegment and getRegistry', () => {
  it('returns a new client and leaves the parent unchanged', () => {
    const root = client('registry.example:5000');
    const org = root.withSegment('org');
    const app = org.withSegment('team', 'app');
    expect(root.getRegistry()).toBe('registry.example:5000');
    expect(org.getRegistry()).toBe('registry.example:5000/org');
    expect(app.getRegistry()).toBe('registry.example:5000/org/team/app');
    // Deriving from `org` twice gives independent children.
    expect(org.withSegment('other').getRegistry()).toBe('registry.example:5000/org/other');
    expect(app.getRegistry()).toBe('registry.example:5000/org/team/app');
  });

  it('trims slashes in segments and keeps a path given with the host', () => {
    expect(client('registry.example').withSegment('/org/', '/app').getRegistry()).toBe('registry.example/org/app');
    expect(client('registry.example/org').withSegment('app').getRegistry()).toBe('registry.example/org/app');
  });

  it('rejects a bad segment without touching the parent', () => {
    const root = client('registry.example');
    expect(() => root.withSegment('Bad')).toThrow(InvalidReferenceError);
    expect(() => root.withSegment('')).toThrow(InvalidReferenceError);
    expect(root.getRegistry()).toBe('registry.example');
  });
});

describe('Docker Hub', () => {
  it('puts one-word names under library/', () => {
    expect(dockerHubPath(['alpine'])).toEqual(['library', 'alpine']);
    expect(dockerHubPath(['bitnami', 'redis'])).toEqual(['bitnami', 'redis']);
    expect(client('docker.io').withSegment('alpine').getRegistry()).toBe('docker.io/library/alpine');
    expect(client('docker.io').withSegment('bitnami', 'redis').getRegistry()).toBe('docker.io/bitnami/redis');
    expect(client('docker.io/alpine').getRegistry()).toBe('docker.io/library/alpine');
  });

  it('treats every Docker Hub alias as docker.io', () => {
    for (const alias of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'Docker.IO']) {
      expect(client(alias).withSegment('nginx').getRegistry()).toBe('docker.io/library/nginx');
    }
  });

  it('does not add library/ on other registries', () => {
    expect(client('ghcr.io').withSegment('alpine').getRegistry()).toBe('ghcr.io/alpine');
  });
});

describe('tags and digests', () => {
  it('reads tags', () => {
    expect(parseReference('latest')).toEqual({ kind: 'tag', tag: 'latest' });
    expect(parseReference('v1.2.3-rc_1')).toEqual({ kind: 'tag', tag: 'v1.2.3-rc_1' });
    expect(parseReference('_x')).toEqual({ kind: 'tag', tag: '_x' });
    expect(parseReference('A'.repeat(128))).toEqual({ kind: 'tag', tag: 'A'.repeat(128) });
  });

  it('reads digests with and without @', () => {
    expect(parseReference(`@${DIGEST}`)).toEqual({ kind: 'digest', digest: DIGEST });
    expect(parseReference(DIGEST)).toEqual({ kind: 'digest', digest: DIGEST });
    const sha512 = `sha512:${'b'.repeat(128)}`;
    expect(parseReference(`@${sha512}`)).toEqual({ kind: 'digest', digest: sha512 });
  });

  it.each(['', '@', '.hidden', '-dash', 'a'.repeat(129), 'with space', 'tag/slash', 'ümlaut'])('rejects the tag %j', (tag) => {
    expect(() => parseReference(tag)).toThrow(InvalidReferenceError);
  });

  it.each([
    ['too short', 'sha256:abc'],
    ['too long', `sha256:${HEX}0`],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['not hex', `sha256:${'g'.repeat(64)}`],
    ['sha512 of the wrong length', `sha512:${HEX}`],
    ['an unsupported algorithm', `md5:${'a'.repeat(32)}`],
    ['no hex at all', 'sha256:'],
    ['no algorithm', `:${HEX}`],
    ['a tag with a colon', 'name:tag'],
  ])('rejects a digest with %s', (_what, value) => {
    expect(() => parseReference(value)).toThrow(InvalidReferenceError);
    expect(() => parseReference(`@${value}`)).toThrow(InvalidReferenceError);
  });

  it('explains a bad digest', () => {
    expect(() => parseDigest('sha256:abc')).toThrow(/64/);
    expect(() => parseDigest(`md5:${'a'.repeat(32)}`)).toThrow(/only sha256 and sha512/);
  });

  it('isValidTag filters junk', () => {
    expect(['v1', null, 3, DIGEST, '', {}, 'latest'].filter(isValidTag)).toEqual(['v1', 'latest']);
  });

  it('client calls reject a bad reference with InvalidReferenceError (a RegistryError) before any request', async () => {
    // Nothing listens on port 9 of this invented host: a request would fail with ConnectionError instead.
    const c = client('unreachable.invalid:9', { insecure: true }).withSegment('app');
    for (const call of [
      () => c.getDigest('bad tag'),
      () => c.getManifest('sha256:short'),
      () => c.checkImageExists('.x'),
      () => c.getImage(''),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidReferenceError);
      expect(err).toBeInstanceOf(RegistryError);
    }
  });

  it('a client without a repository refuses repository calls with a hint', async () => {
    const err = await client('unreachable.invalid:9', { insecure: true })
      .getManifest('latest')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidReferenceError);
    expect((err as Error).message).toMatch(/withSegment/);
  });
});
