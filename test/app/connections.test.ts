/**
 * Connection profiles: the JSON file in the data folder (presets on first
 * launch, atomic writes, no secrets, a broken file set aside rather than
 * overwritten), and the secrets beside it in the keychain.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTIONS_FILE } from '../../src-main/app/connections';
import { startApp, type TestApp } from './helpers';

const apps: TestApp[] = [];
async function app(options: Parameters<typeof startApp>[0] = {}): Promise<TestApp> {
  const a = await startApp(options);
  apps.push(a);
  return a;
}
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function fileOf(a: TestApp): Promise<{ version: number; connections: Record<string, unknown>[] }> {
  return JSON.parse(await readFile(join(a.dataDir, CONNECTIONS_FILE), 'utf8'));
}

describe('connections.json', () => {
  it('starts with anonymous Docker Hub and GHCR presets, written at once, private to the user', async () => {
    const a = await app();
    const list = await a.ok('connections.list', {});
    expect(list.map((c) => [c.name, c.host, c.authKind, c.preset, c.secret])).toEqual([
      ['Docker Hub', 'docker.io', 'anonymous', 'docker-hub', 'none'],
      ['GitHub Container Registry', 'ghcr.io', 'anonymous', 'ghcr', 'none'],
    ]);
    for (const c of list) expect(c.id).toMatch(/^conn-[0-9a-f]{16}$/);
    const file = await fileOf(a);
    expect(file.version).toBe(1);
    expect(file.connections.map((c) => c.id)).toEqual(list.map((c) => c.id));
    expect((await stat(join(a.dataDir, CONNECTIONS_FILE))).mode & 0o777).toBe(0o600);
  });

  it('keeps ids and profiles across restarts', async () => {
    const a = await app();
    const saved = await a.ok('connections.save', { name: 'Local', host: 'http://Localhost:5000/team', authKind: 'anonymous' });
    expect(saved).toMatchObject({ host: 'localhost:5000/team', plainHttp: true, tlsSkipVerify: false, secret: 'none' });
    const b = await app({ dataDir: a.dataDir, keychainService: a.keychainService });
    const again = await b.ok('connections.list', {});
    expect(again.find((c) => c.id === saved.id)).toEqual(saved);
    expect(again).toHaveLength(3);
  });

  it('updates in place (createdAt kept) and removes', async () => {
    const a = await app();
    const saved = await a.ok('connections.save', { name: 'One', host: 'registry.example.com', authKind: 'anonymous', tlsSkipVerify: true });
    await new Promise((r) => setTimeout(r, 5));
    const updated = await a.ok('connections.save', { id: saved.id, name: 'Two', host: 'registry.example.com', authKind: 'anonymous' });
    expect(updated).toMatchObject({ id: saved.id, name: 'Two', createdAt: saved.createdAt, tlsSkipVerify: false });
    expect(updated.updatedAt > saved.updatedAt).toBe(true);
    expect(await a.ok('connections.remove', { id: saved.id })).toEqual({ id: saved.id });
    expect((await a.ok('connections.list', {})).some((c) => c.id === saved.id)).toBe(false);
    expect((await fileOf(a)).connections.some((c) => c.id === saved.id)).toBe(false);
    expect((await a.fail('connections.remove', { id: saved.id })).code).toBe('not-found');
  });

  it('writes atomically: concurrent saves all land, the file is always whole, no temporary file is left', async () => {
    const a = await app();
    await a.ok('connections.list', {});
    const saves = await Promise.all(
      Array.from({ length: 20 }, (_, i) => a.ok('connections.save', { name: `R${i}`, host: `r${i}.example.com`, authKind: 'anonymous' })),
    );
    const file = await fileOf(a);
    expect(file.connections).toHaveLength(22);
    for (const s of saves) expect(file.connections.some((c) => c.id === s.id)).toBe(true);
    expect((await readdir(a.dataDir)).sort()).toEqual([CONNECTIONS_FILE]);
  });

  it('sets a broken file aside instead of overwriting it, and starts over with the presets', async () => {
    const a = await app();
    await writeFile(join(a.dataDir, CONNECTIONS_FILE), '{"version": 1, "connections": [ {"id": 7} ]}');
    const list = await a.ok('connections.list', {});
    expect(list.map((c) => c.preset)).toEqual(['docker-hub', 'ghcr']);
    const names = await readdir(a.dataDir);
    const aside = names.find((n) => n.startsWith(`${CONNECTIONS_FILE}.broken-`));
    expect(aside).toBeDefined();
    expect(await readFile(join(a.dataDir, aside!), 'utf8')).toBe('{"version": 1, "connections": [ {"id": 7} ]}');
  });
});

describe('secrets beside the profiles', () => {
  it('puts the secret in the keychain (service, account = id), never in the file', async () => {
    const a = await app();
    const secret = `pw-${Date.now()}-Zq9`;
    const saved = await a.ok('connections.save', {
      name: 'Private',
      host: 'registry.example.com',
      authKind: 'basic',
      username: 'alice',
      secret,
    });
    expect(saved.secret).toBe('keychain');
    expect(await keytar.getPassword(a.keychainService, saved.id)).toBe(secret);
    expect(await readFile(join(a.dataDir, CONNECTIONS_FILE), 'utf8')).not.toContain(secret);
    expect(JSON.stringify(saved)).not.toContain(secret);

    // No secret given: kept. null: removed.
    const renamed = await a.ok('connections.save', {
      id: saved.id,
      name: 'Renamed',
      host: 'registry.example.com',
      authKind: 'basic',
      username: 'alice',
    });
    expect(renamed.secret).toBe('keychain');
    expect(await keytar.getPassword(a.keychainService, saved.id)).toBe(secret);
    const cleared = await a.ok('connections.save', {
      id: saved.id,
      name: 'Renamed',
      host: 'registry.example.com',
      authKind: 'basic',
      username: 'alice',
      secret: null,
    });
    expect(cleared.secret).toBe('none');
    expect(await keytar.getPassword(a.keychainService, saved.id)).toBeNull();
  });

  it('drops the secret when a connection becomes anonymous or is removed', async () => {
    const a = await app();
    const one = await a.ok('connections.save', { name: 'A', host: 'a.example.com', authKind: 'token', secret: 'token-aaaa-1111' });
    expect(one).toMatchObject({ authKind: 'token', tokenType: 'identity', secret: 'keychain' });
    await a.ok('connections.save', { id: one.id, name: 'A', host: 'a.example.com', authKind: 'anonymous' });
    expect(await keytar.getPassword(a.keychainService, one.id)).toBeNull();

    const two = await a.ok('connections.save', {
      name: 'B',
      host: 'b.example.com',
      authKind: 'token',
      tokenType: 'bearer',
      secret: 'token-bbbb-2222',
    });
    expect(await keytar.getPassword(a.keychainService, two.id)).toBe('token-bbbb-2222');
    await a.ok('connections.remove', { id: two.id });
    expect(await keytar.getPassword(a.keychainService, two.id)).toBeNull();
  });

  it('uses the keychain service "Lading" unless told otherwise', async () => {
    const { KEYCHAIN_SERVICE, CredentialStore } = await import('../../src-main/app/credentials');
    expect(KEYCHAIN_SERVICE).toBe('Lading');
    expect(new CredentialStore().service).toBe('Lading');
  });
});
