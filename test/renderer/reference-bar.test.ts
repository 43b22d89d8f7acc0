/** The reference bar's parsing and the connection a pasted reference belongs to (src-renderer/lib/reference.ts). */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import { formatReference, imageName, isDigest, parseReference, resolveReference, tagOf } from '../../src-renderer/lib/reference';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function connection(id: string, host: string, preset?: Connection['preset']): Connection {
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
    ...(preset ? { preset } : {}),
  };
}

const connections = [
  connection('hub', 'docker.io', 'docker-hub'),
  connection('ghcr', 'ghcr.io', 'ghcr'),
  connection('local', 'localhost:5000'),
  connection('deckhouse', 'registry.deckhouse.io/deckhouse/ce'),
  connection('deckhouse-all', 'registry.deckhouse.io'),
];

function go(text: string) {
  const parsed = parseReference(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const r = resolveReference(parsed.value, connections);
  return r && { id: r.connection.id, repository: r.repository, reference: r.reference };
}

describe('parseReference', () => {
  it('reads host, repository and tag or digest', () => {
    expect(parseReference('ghcr.io/org/app:v1.2')).toEqual({
      ok: true,
      value: { host: 'ghcr.io', path: 'org/app', reference: 'v1.2', defaulted: false },
    });
    expect(parseReference(`localhost:5000/team/app@${DIGEST}`)).toEqual({
      ok: true,
      value: { host: 'localhost:5000', path: 'team/app', reference: DIGEST, defaulted: false },
    });
    // A digest wins over a tag written before it.
    expect(parseReference(`ghcr.io/org/app:v1@${DIGEST}`)).toMatchObject({ ok: true, value: { path: 'org/app', reference: DIGEST } });
  });

  it('fills in Docker Hub and latest the way docker does', () => {
    expect(parseReference('alpine')).toEqual({
      ok: true,
      value: { host: 'docker.io', path: 'alpine', reference: 'latest', defaulted: true },
    });
    expect(parseReference('bitnami/redis:7')).toMatchObject({
      ok: true,
      value: { host: 'docker.io', path: 'bitnami/redis', reference: '7' },
    });
    expect(parseReference('index.docker.io/library/alpine:3')).toMatchObject({
      ok: true,
      value: { host: 'docker.io', path: 'library/alpine' },
    });
  });

  it('takes scheme prefixes and spaces around', () => {
    expect(parseReference('  docker://ghcr.io/org/app:v1 ')).toMatchObject({ ok: true, value: { host: 'ghcr.io', path: 'org/app' } });
    expect(parseReference('https://ghcr.io/org/app')).toMatchObject({ ok: true, value: { host: 'ghcr.io', reference: 'latest' } });
  });

  it('refuses what is not a reference, saying why', () => {
    expect(parseReference('')).toMatchObject({ ok: false });
    expect(parseReference('ghcr.io/org/app@sha256:xyz')).toMatchObject({ ok: false, message: expect.stringContaining('is not a digest') });
    expect(parseReference('ghcr.io/Org/App:v1')).toMatchObject({ ok: false, message: expect.stringContaining('"Org"') });
    expect(parseReference('ghcr.io/org/app:-bad')).toMatchObject({ ok: false, message: expect.stringContaining('not a valid tag') });
    expect(parseReference('ghcr.io/org//app')).toMatchObject({ ok: false });
    expect(parseReference('ghcr.io/org app')).toMatchObject({ ok: false, message: 'A reference has no spaces' });
  });
});

describe('resolveReference', () => {
  it('finds the connection by host, Docker Hub aliases included, with library/ for one-word names', () => {
    expect(go('alpine:3.20')).toEqual({ id: 'hub', repository: 'library/alpine', reference: '3.20' });
    expect(go('registry-1.docker.io/bitnami/redis')).toEqual({ id: 'hub', repository: 'bitnami/redis', reference: 'latest' });
    expect(go('ghcr.io/org/app:v1')).toEqual({ id: 'ghcr', repository: 'org/app', reference: 'v1' });
    expect(go(`localhost:5000/app@${DIGEST}`)).toEqual({ id: 'local', repository: 'app', reference: DIGEST });
  });

  it('prefers the connection with the longest scope path, and names the repository below it', () => {
    expect(go('registry.deckhouse.io/deckhouse/ce/install:v1.60')).toEqual({ id: 'deckhouse', repository: 'install', reference: 'v1.60' });
    expect(go('registry.deckhouse.io/deckhouse/ee/install:v1.60')).toEqual({
      id: 'deckhouse-all',
      repository: 'deckhouse/ee/install',
      reference: 'v1.60',
    });
  });

  it('answers nothing for a host without a connection', () => {
    expect(go('quay.io/org/app:v1')).toBeUndefined();
    // A host is not a prefix of another host.
    expect(go('localhost:50000/app:v1')).toBeUndefined();
  });

  it('formats a reference back', () => {
    expect(formatReference('ghcr.io', 'org/app', 'v1')).toBe('ghcr.io/org/app:v1');
    expect(formatReference('ghcr.io', 'org/app', DIGEST)).toBe(`ghcr.io/org/app@${DIGEST}`);
  });
});

describe('tag or digest', () => {
  it('tells a digest by its form, not by a colon', () => {
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest(`sha512:${'ab'.repeat(64)}`)).toBe(true);
    for (const notDigest of ['v1.2', 'latest', 'sha256', 'sha256:abc', `sha256:${'AB'.repeat(32)}`, `sha1:${'ab'.repeat(20)}`])
      expect(isDigest(notDigest)).toBe(false);
    expect(tagOf('v1.2')).toBe('v1.2');
    expect(tagOf(DIGEST)).toBeUndefined();
  });

  it('names an image as docker does', () => {
    expect(imageName('org/app', 'v1')).toBe('org/app:v1');
    expect(imageName('org/app', DIGEST)).toBe(`org/app@${DIGEST}`);
  });
});
