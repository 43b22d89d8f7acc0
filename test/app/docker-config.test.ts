/**
 * Importing logins from Docker's config.json (auths, credsStore,
 * credHelpers) and Podman's auth.json, with a real `docker-credential-*`
 * helper script on PATH, against the real registries: candidates carry no
 * secret, the import puts it in the keychain, and the imported connection
 * works.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { isLoopbackHost, normalizeServer } from '../../src-main/app/docker-config';
import { makeTempDir } from '../harness/tmp';
import { startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { basic, token } = lading.registries;
const { manyTags } = lading.fixtures;
const basicServer = `http://${basic.host}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const IDENTITY_TOKEN = 'idtok-9f8e7d6c5b4a';

let home: string;
let bin: string;
let app: TestApp;

/** A credential helper as Docker runs it: action as argument, server on stdin, JSON out; every call logged. */
async function writeHelper(name: string, entries: Record<string, { username: string; secret: string }>): Promise<void> {
  const gets = Object.entries(entries)
    .map(
      ([server, e]) => `    '${server}') printf '%s' '${JSON.stringify({ ServerURL: server, Username: e.username, Secret: e.secret })}' ;;`,
    )
    .join('\n');
  const list = JSON.stringify(Object.fromEntries(Object.entries(entries).map(([s, e]) => [s, e.username])));
  const script = `#!/bin/sh
read -r server || true
echo "$1 $server" >> '${join(bin, `${name}.log`)}'
case "$1" in
  get)
    case "$server" in
${gets}
    *) echo "credentials not found in native keychain"; exit 1 ;;
    esac ;;
  list) printf '%s' '${list}' ;;
  *) echo "unknown action $1" >&2; exit 2 ;;
esac
`;
  const path = join(bin, `docker-credential-${name}`);
  await writeFile(path, script);
  await chmod(path, 0o755);
}

async function helperCalls(name: string): Promise<string[]> {
  try {
    return (await readFile(join(bin, `${name}.log`), 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
}

beforeEach(async () => {
  home = await makeTempDir('lading-home-');
  bin = join(home, 'bin');
  await mkdir(bin);
  app = await startApp({
    homeDir: home,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, XDG_RUNTIME_DIR: join(home, 'run') },
  });
});
afterEach(async () => {
  const secrets = [
    basic.credentials.password,
    token.credentials.password,
    IDENTITY_TOKEN,
    b64(`${basic.credentials.username}:${basic.credentials.password}`),
  ];
  for (const line of app.transcript) for (const s of secrets) expect(line).not.toContain(s);
  await app.close();
  await rm(home, { recursive: true, force: true });
});

describe('normalizeServer', () => {
  it('names Docker Hub docker.io and keeps plain HTTP', () => {
    expect(normalizeServer('https://index.docker.io/v1/')).toEqual({ host: 'docker.io', plainHttp: false });
    expect(normalizeServer('registry-1.docker.io')).toEqual({ host: 'docker.io', plainHttp: false });
    expect(normalizeServer('http://LocalHost:5000/v2/')).toEqual({ host: 'localhost:5000', plainHttp: true });
    expect(normalizeServer('ghcr.io')).toEqual({ host: 'ghcr.io', plainHttp: false });
  });

  it('takes a loopback registry written without a scheme as plain HTTP, as Docker and containerd do', () => {
    for (const server of [
      'localhost:5000',
      'LOCALHOST:5000/',
      'localhost.:5000',
      '127.0.0.1:5000',
      '127.3.4.5:80',
      '[::1]:5000',
      '[::ffff:127.0.0.1]:5000',
      'localhost:5000/v2/',
    ]) {
      expect(normalizeServer(server), server).toEqual({ host: server.toLowerCase().replace(/\/(v2\/)?$/, ''), plainHttp: true });
    }
    // The scheme, when written, is what counts; without a port (or on 443) the port says TLS.
    expect(normalizeServer('https://localhost:5000')).toEqual({ host: 'localhost:5000', plainHttp: false });
    expect(normalizeServer('localhost')).toEqual({ host: 'localhost', plainHttp: false });
    expect(normalizeServer('127.0.0.1:443')).toEqual({ host: '127.0.0.1:443', plainHttp: false });
    // Not the loopback: HTTPS.
    for (const server of [
      '10.0.0.1:5000',
      '128.0.0.1:5000',
      '[::2]:5000',
      'localhost.example.com:5000',
      'mylocalhost:5000',
      '127.1:5000',
    ]) {
      expect(normalizeServer(server), server).toEqual({ host: server, plainHttp: false });
    }
  });

  it('isLoopbackHost: localhost, 127.0.0.0/8 and ::1, with or without a port', () => {
    expect(
      ['localhost', 'localhost:5000', '127.0.0.1', '127.255.255.254:1', '::1', '[::1]', '[::1]:5000', '0:0:0:0:0:0:0:1'].filter(
        (h) => !isLoopbackHost(h),
      ),
    ).toEqual([]);
    expect(['example.com', '10.1.2.3:5000', '::', '[fe80::1]:5000', '0.0.0.0:5000'].filter(isLoopbackHost)).toEqual([]);
  });
});

describe('~/.docker/config.json', () => {
  it('lists logins kept in the file without their secrets, and imports one that then works', async () => {
    await writeJson(join(home, '.docker', 'config.json'), {
      auths: {
        [basicServer]: { auth: b64(`${basic.credentials.username}:${basic.credentials.password}`) },
        'ghcr.io': { auth: b64('<token>:'), identitytoken: IDENTITY_TOKEN },
      },
    });
    const { candidates, sources } = await app.ok('connections.importCandidates', {});
    expect(sources[0]).toEqual({ file: join(home, '.docker', 'config.json'), source: 'docker', found: true });
    expect(sources.slice(1).every((s) => s.source === 'podman' && !s.found)).toBe(true);
    expect(candidates).toEqual([
      {
        key: `docker:${basicServer}`,
        source: 'docker',
        file: join(home, '.docker', 'config.json'),
        server: basicServer,
        host: basic.host,
        plainHttp: true,
        authKind: 'basic',
        username: basic.credentials.username,
        via: 'file',
      },
      {
        key: 'docker:ghcr.io',
        source: 'docker',
        file: join(home, '.docker', 'config.json'),
        server: 'ghcr.io',
        host: 'ghcr.io',
        plainHttp: false,
        authKind: 'token',
        tokenType: 'identity',
        via: 'file',
      },
    ]);

    const result = await app.ok('connections.import', { keys: [`docker:${basicServer}`] });
    expect(result.failed).toEqual([]);
    const [{ connection, updated }] = result.imported as [(typeof result.imported)[0]];
    expect(updated).toBe(false);
    expect(connection).toMatchObject({
      host: basic.host,
      authKind: 'basic',
      username: basic.credentials.username,
      plainHttp: true,
      secret: 'keychain',
    });
    expect(await keytar.getPassword(app.keychainService, connection.id)).toBe(basic.credentials.password);
    const page = await app.ok('browse.tags', { connectionId: connection.id, repository: manyTags.repository, limit: 2 });
    expect(page.tags).toEqual(manyTags.tags.slice(0, 2));

    // The identity token goes to the keychain as a token connection.
    const token = await app.ok('connections.import', { keys: ['docker:ghcr.io'] });
    expect(token.imported[0]!.connection).toMatchObject({ host: 'ghcr.io', authKind: 'token', tokenType: 'identity', secret: 'keychain' });
    expect(await keytar.getPassword(app.keychainService, token.imported[0]!.connection.id)).toBe(IDENTITY_TOKEN);

    // Importing again updates the same connection.
    const again = await app.ok('connections.import', { keys: [`docker:${basicServer}`] });
    expect(again.imported[0]).toMatchObject({ updated: true, connection: { id: connection.id } });
    const listed = await app.ok('connections.importCandidates', {});
    expect(listed.candidates.find((c) => c.server === basicServer)?.existing).toBe(connection.id);
  });

  it('lists a credsStore with `list` only (no secret fetched), and fetches the secret with `get` on import', async () => {
    await writeHelper('lading-store', {
      [basicServer]: { username: basic.credentials.username, secret: basic.credentials.password },
      'token.example.com': { username: '<token>', secret: IDENTITY_TOKEN },
    });
    await writeJson(join(home, '.docker', 'config.json'), { credsStore: 'lading-store', auths: { [basicServer]: {} } });
    const { candidates } = await app.ok('connections.importCandidates', {});
    expect(candidates.map((c) => [c.server, c.via, c.helper, c.authKind, c.username ?? null])).toEqual([
      [basicServer, 'credsStore', 'lading-store', 'basic', basic.credentials.username],
      ['token.example.com', 'credsStore', 'lading-store', 'token', null],
    ]);
    expect(await helperCalls('lading-store')).toEqual(['list ']);

    const result = await app.ok('connections.import', { keys: [`docker:${basicServer}`] });
    expect(result.failed).toEqual([]);
    expect(await helperCalls('lading-store')).toEqual(['list ', 'list ', `get ${basicServer}`]);
    const connection = result.imported[0]!.connection;
    expect(await keytar.getPassword(app.keychainService, connection.id)).toBe(basic.credentials.password);
    expect((await app.ok('browse.tags', { connectionId: connection.id, repository: manyTags.repository, limit: 1 })).tags).toEqual([
      manyTags.tags[0],
    ]);
  });

  it('uses credHelpers per registry, ahead of the credsStore', async () => {
    await writeHelper('lading-store', {});
    await writeHelper('lading-helper', { [token.host]: { username: token.credentials.username, secret: token.credentials.password } });
    await writeJson(join(home, '.docker', 'config.json'), {
      credsStore: 'lading-store',
      credHelpers: { [token.host]: 'lading-helper' },
      auths: { [token.host]: {} },
    });
    const { candidates } = await app.ok('connections.importCandidates', {});
    expect(candidates).toEqual([
      expect.objectContaining({
        key: `docker:${token.host}`,
        host: token.host,
        via: 'credHelper',
        helper: 'lading-helper',
        authKind: 'basic',
      }),
    ]);
    expect(candidates[0]!.username).toBeUndefined();
    expect(await helperCalls('lading-helper')).toEqual([]);

    const result = await app.ok('connections.import', { keys: [`docker:${token.host}`] });
    expect(await helperCalls('lading-helper')).toEqual([`get ${token.host}`]);
    const imported = result.imported[0]!.connection;
    // The file names the loopback registry without a scheme: plain HTTP, as Docker takes it, and it works as imported.
    expect(imported).toMatchObject({ username: token.credentials.username, plainHttp: true, secret: 'keychain' });
    const page = await app.ok('browse.tags', { connectionId: imported.id, repository: manyTags.repository, limit: 1 });
    expect(page.tags).toEqual([manyTags.tags[0]]);
  });

  it('reports a helper that has no entry, or is not installed, per key and per file', async () => {
    await writeHelper('lading-helper', {});
    await writeJson(join(home, '.docker', 'config.json'), {
      credsStore: 'not-installed',
      credHelpers: { 'registry.example.com': 'lading-helper' },
    });
    const { candidates, sources } = await app.ok('connections.importCandidates', {});
    expect(sources[0]!.error).toMatch(/docker-credential-not-installed is not installed/);
    expect(candidates.map((c) => c.key)).toEqual(['docker:registry.example.com']);
    const result = await app.ok('connections.import', { keys: ['docker:registry.example.com', 'docker:nowhere.example.com'] });
    expect(result.imported).toEqual([]);
    expect(result.failed).toEqual([
      {
        key: 'docker:registry.example.com',
        error: {
          code: 'not-found',
          message: expect.stringMatching(/docker-credential-lading-helper get failed \(exit 1\): credentials not found/),
        },
      },
      {
        key: 'docker:nowhere.example.com',
        error: { code: 'not-found', message: expect.stringMatching(/No login "docker:nowhere.example.com"/) },
      },
    ]);
    expect(await app.ok('connections.list', {})).toHaveLength(2);
  });
});

describe("Podman's auth.json", () => {
  it('finds logins in $XDG_RUNTIME_DIR/containers/auth.json and ~/.config/containers/auth.json', async () => {
    const runtimeFile = join(home, 'run', 'containers', 'auth.json');
    const configFile = join(home, '.config', 'containers', 'auth.json');
    await writeJson(runtimeFile, {
      auths: { [`http://${token.host}`]: { auth: b64(`${token.credentials.username}:${token.credentials.password}`) } },
    });
    await writeJson(configFile, { auths: { 'quay.io': { auth: b64('carol:quay-secret-1234') } } });
    const { candidates, sources } = await app.ok('connections.importCandidates', {});
    expect(sources.filter((s) => s.found).map((s) => s.file)).toEqual([runtimeFile, configFile]);
    expect(candidates.map((c) => [c.key, c.source, c.file, c.username])).toEqual([
      [`podman:http://${token.host}`, 'podman', runtimeFile, token.credentials.username],
      ['podman:quay.io', 'podman', configFile, 'carol'],
    ]);
    expect(JSON.stringify(candidates)).not.toContain('quay-secret-1234');

    const result = await app.ok('connections.import', { keys: [`podman:http://${token.host}`] });
    const connection = result.imported[0]!.connection;
    expect(connection).toMatchObject({ host: token.host, plainHttp: true, authKind: 'basic', username: token.credentials.username });
    const view = await app.ok('browse.manifest', {
      connectionId: connection.id,
      repository: lading.fixtures.ociImage.repository,
      reference: 'v1',
    });
    expect(view.digest).toBe(lading.fixtures.ociImage.digest);
    for (const line of app.transcript) expect(line).not.toContain('quay-secret-1234');
  });
});
