/**
 * The client pool against a real registry: one client per connection while it
 * is in use, a fresh one after the connection is edited, and the old one
 * closed only when its last user lets go (editing a connection never breaks a
 * running job).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '../../src-main/registry/index';
import { connect, startApp, type TestApp } from './helpers';

const { registries, fixtures } = inject('lading');
const { repository, digest } = fixtures.ociImage;

let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('ClientPool', () => {
  it('hands out one client per connection while it is in use', async () => {
    const c = await connect(app, registries.anonymous, 'anonymous');
    const pool = app.services.clients;
    const [a, b] = await Promise.all([pool.use(c.id, async (client) => client), pool.use(c.id, async (client) => client)]);
    expect(a).toBe(b);
  });

  it('keeps the old client working for its user after an edit, then closes it', async () => {
    const c = await connect(app, registries.anonymous, 'anonymous', 'before');
    const pool = app.services.clients;
    let held: Client | undefined;
    let fresh: Client | undefined;
    await pool.use(c.id, async (client, connection) => {
      held = client;
      expect(connection.name).toBe('before');
      await app.ok('connections.save', { id: c.id, name: 'after', host: c.host, authKind: 'anonymous', plainHttp: true });
      // The edit made a new client for new callers ...
      fresh = await pool.use(c.id, async (next, edited) => {
        expect(edited.name).toBe('after');
        return next;
      });
      // ... while this user's own client still answers.
      expect(await client.withSegment(repository).getDigest(digest)).toBe(digest);
    });
    expect(fresh).not.toBe(held);
    // The last user let go: the old client is closed.
    await expect(held!.withSegment(repository).getDigest(digest)).rejects.toThrow();
    expect(await fresh!.withSegment(repository).getDigest(digest)).toBe(digest);
  });

  it('fails an unknown connection with not-found', async () => {
    await expect(app.services.clients.use('no-such-connection', async () => 'ran')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('does not keep a failed client: the next call tries again', async () => {
    const { basic } = registries;
    const c = await app.ok('connections.save', {
      name: 'no secret yet',
      host: basic.host,
      plainHttp: true,
      authKind: 'basic',
      username: basic.credentials.username,
    });
    const pool = app.services.clients;
    await expect(pool.use(c.id, async () => 'ran')).rejects.toMatchObject({ code: 'access-denied', details: { reason: 'missing-secret' } });
    // Stored behind the pool's back (no edit that would drop a cached client).
    await app.services.credentials.set(c.id, basic.credentials.password);
    expect(await pool.use(c.id, (client) => client.withSegment(repository).getDigest(digest))).toBe(digest);
  });
});
