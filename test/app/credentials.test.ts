/**
 * Credentials against a real Secret Service (gnome-keyring over D-Bus, set
 * up by scripts/with-keyring.sh) and without one (a child process with no
 * D-Bus session): the keychain case stores and finds secrets across restarts;
 * the headless case keeps them for the session only and says so.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CONNECTIONS_FILE } from '../../src-main/app/connections';
import { makeTempDir } from '../harness/tmp';
import { connect, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { basic } = lading.registries;
const { manyTags } = lading.fixtures;
const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

describe('with a Secret Service', () => {
  it('reports the keychain as where secrets go', async () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS, 'run the tests through scripts/with-keyring.sh (npm test does)').toBeTruthy();
    const a = await startApp();
    apps.push(a);
    expect(await a.ok('credentials.status', {})).toEqual({
      storage: 'keychain',
      keychainAvailable: true,
      message: 'Passwords and tokens are kept in the system keychain.',
    });
  });

  it('keeps the password in the keychain across a restart, and the registry accepts it', async () => {
    const a = await startApp();
    apps.push(a);
    const saved = await connect(a, basic, basic.credentials);
    expect(saved.secret).toBe('keychain');
    expect(await keytar.getPassword(a.keychainService, saved.id)).toBe(basic.credentials.password);

    // A new set of services over the same data folder: nothing in memory but the keychain.
    const b = await startApp({ dataDir: a.dataDir, keychainService: a.keychainService });
    const page = await b.ok('browse.tags', { connectionId: saved.id, repository: manyTags.repository, limit: 3 });
    expect(page.tags).toEqual(manyTags.tags.slice(0, 3));
    expect((await b.ok('connections.list', {})).find((c) => c.id === saved.id)?.secret).toBe('keychain');
    await b.services.close();

    const file = await readFile(join(a.dataDir, CONNECTIONS_FILE), 'utf8');
    expect(file).not.toContain(basic.credentials.password);
    for (const line of [...a.transcript, ...b.transcript]) expect(line).not.toContain(basic.credentials.password);
  });

  it('rejects a wrong password as access-denied, and a changed password takes effect at once', async () => {
    const a = await startApp();
    apps.push(a);
    const saved = await connect(a, basic, { username: basic.credentials.username, password: 'not-the-password' });
    const denied = await a.fail('browse.tags', { connectionId: saved.id, repository: manyTags.repository });
    expect(denied.code).toBe('access-denied');
    await a.ok('connections.save', {
      id: saved.id,
      name: saved.name,
      host: basic.host,
      plainHttp: true,
      authKind: 'basic',
      username: basic.credentials.username,
      secret: basic.credentials.password,
    });
    const page = await a.ok('browse.tags', { connectionId: saved.id, repository: manyTags.repository, limit: 1 });
    expect(page.tags).toEqual([manyTags.tags[0]]);
  });
});

describe('without a Secret Service', () => {
  it('keeps secrets in memory for the session only, works, and says so', async () => {
    const dataDir = await makeTempDir('lading-nokeychain-');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const script = join(import.meta.dirname, 'no-keychain-child.ts');
    const args = [
      '--import',
      'tsx',
      script,
      dataDir,
      `Lading-test-nokeychain`,
      basic.host,
      basic.credentials.username,
      basic.credentials.password,
      manyTags.repository,
    ];
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.dbus).toBeNull();

    expect(result.status.ok).toBe(true);
    expect(result.status.value.storage).toBe('session');
    expect(result.status.value.keychainAvailable).toBe(false);
    expect(result.status.value.message).toMatch(/Cannot autolaunch D-Bus without X11 \$DISPLAY/);
    expect(result.status.value.message).toMatch(/for this session only/);

    // Works for the session.
    expect(result.saved.value.secret).toBe('session');
    expect(result.tags.ok).toBe(true);
    expect(result.tags.value.tags).toEqual(manyTags.tags.slice(0, 5));
    expect(result.list.value.find((c: { id: string }) => c.id === result.saved.value.id).secret).toBe('session');

    // Gone after a restart, with a clear error.
    expect(result.afterRestart.ok).toBe(false);
    expect(result.afterRestart.error.code).toBe('access-denied');
    expect(result.afterRestart.error.message).toMatch(/No password is stored for connection "Basic"/);
    expect(result.list2.value.find((c: { id: string }) => c.id === result.saved.value.id).secret).toBe('none');

    expect(stdout).not.toContain(basic.credentials.password);
    expect(await readFile(join(dataDir, CONNECTIONS_FILE), 'utf8')).not.toContain(basic.credentials.password);
    await rm(dataDir, { recursive: true, force: true });
  });
});
