/**
 * The renderer's bridge client (src-renderer/bridge/index.ts) choosing its
 * host: the preload's `lading` in Electron, else a WebSocket to the page's
 * own origin with the launch token taken from the URL (and then removed
 * from the address bar). Browser globals are stubbed; the real-socket round
 * trips are in server.test.ts and, in Chromium, browser.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OPERATION_NAMES } from '../../src-shared/contract';

type Index = typeof import('../../src-renderer/bridge/index');

async function freshIndex(): Promise<Index> {
  vi.resetModules();
  return import('../../src-renderer/bridge/index');
}

function fakePage(url: string, stored: Record<string, string> = {}) {
  const parsed = new URL(url);
  const location = { protocol: parsed.protocol, host: parsed.host, hash: parsed.hash, search: parsed.search, pathname: parsed.pathname };
  const replaced: string[] = [];
  const storage = new Map(Object.entries(stored));
  return {
    location,
    history: { state: { s: 1 }, replaceState: (_d: unknown, _u: string, next?: string) => replaced.push(next ?? '') },
    sessionStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
    replaced,
    storage,
  };
}

beforeEach(() => {
  vi.unstubAllGlobals();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the launch token', () => {
  it('comes from the fragment, is kept for reloads, and leaves the address bar', async () => {
    const { takeToken } = await freshIndex();
    const page = fakePage('http://127.0.0.1:4000/#token=abc_DEF-123');
    expect(takeToken(page)).toBe('abc_DEF-123');
    expect(page.storage.get('lading.token')).toBe('abc_DEF-123');
    expect(page.replaced).toEqual(['/']);
  });

  it('keeps the rest of the fragment and the query', async () => {
    const { takeToken } = await freshIndex();
    const page = fakePage('http://127.0.0.1:4000/index.html?x=1#view=tags&token=t0k');
    expect(takeToken(page)).toBe('t0k');
    expect(page.replaced).toEqual(['/index.html?x=1#view=tags']);
  });

  it('falls back to the query, then to the token kept in sessionStorage', async () => {
    const { takeToken } = await freshIndex();
    expect(takeToken(fakePage('http://127.0.0.1:4000/?token=q1'))).toBe('q1');
    const reloaded = fakePage('http://127.0.0.1:4000/', { 'lading.token': 'kept' });
    expect(takeToken(reloaded)).toBe('kept');
    expect(reloaded.replaced).toEqual([]);
    expect(takeToken(fakePage('http://127.0.0.1:4000/'))).toBeNull();
  });

  it('makes the WebSocket URL on the page origin', async () => {
    const { bridgeUrl } = await freshIndex();
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:4000' }, 'a+b/c')).toBe('ws://127.0.0.1:4000/ws?token=a%2Bb%2Fc');
    expect(bridgeUrl({ protocol: 'https:', host: 'localhost:4000' }, null)).toBe('wss://localhost:4000/ws?token=');
  });
});

describe('getLadingClient', () => {
  it('uses the preload in Electron: outcomes unwrapped, errors thrown as LadingError, the folder picker', async () => {
    const calls: [string, unknown][] = [];
    const preload: Record<string, unknown> = {};
    for (const name of OPERATION_NAMES) {
      preload[name] = async (input: unknown) => {
        calls.push([name, input]);
        return name === 'jobs.list'
          ? { ok: false, error: { code: 'not-found', message: 'No such job', details: { id: 'x' } } }
          : { ok: true, value: name };
      };
    }
    const unsubscribe = vi.fn();
    preload.onJobEvent = vi.fn(() => unsubscribe);
    preload.pickFolder = vi.fn(async () => '/home/me/out');
    vi.stubGlobal('lading', preload);
    const { getLadingClient, LadingError } = await freshIndex();
    const api = getLadingClient();
    expect(getLadingClient()).toBe(api);
    expect(api.host).toBe('electron');
    expect(api.canPickFolder).toBe(true);
    expect(await api['connections.list']({})).toBe('connections.list');
    const error = await api['jobs.list']({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LadingError);
    expect(error).toMatchObject({ code: 'not-found', message: 'No such job', details: { id: 'x' } });
    expect((error as InstanceType<typeof LadingError>).toPlainError()).toEqual({
      code: 'not-found',
      message: 'No such job',
      details: { id: 'x' },
    });
    expect(await api.pickFolder()).toBe('/home/me/out');
    const listener = () => {};
    expect(api.onJobEvent(listener)).toBe(unsubscribe);
    expect(preload.onJobEvent).toHaveBeenCalledWith(listener);
    expect(calls).toEqual([
      ['connections.list', {}],
      ['jobs.list', {}],
    ]);
    expect(
      Object.keys(api)
        .filter((k) => k.includes('.'))
        .sort(),
    ).toEqual([...OPERATION_NAMES].sort());
  });

  it('uses a WebSocket to the page origin in a browser, with the token from the URL; no folder picker', async () => {
    const page = fakePage('http://127.0.0.1:4000/#token=T0KEN');
    const opened: string[] = [];
    class FakeWebSocket {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose: ((e: unknown) => void) | null = null;
      onerror = null;
      constructor(url: string) {
        opened.push(url);
        setTimeout(() => this.onclose?.({}), 0);
      }
      send() {}
      close() {}
    }
    vi.stubGlobal('location', page.location);
    vi.stubGlobal('history', page.history);
    vi.stubGlobal('sessionStorage', page.sessionStorage);
    vi.stubGlobal('WebSocket', FakeWebSocket);
    const { getLadingClient } = await freshIndex();
    const api = getLadingClient();
    expect(api.host).toBe('web');
    expect(api.canPickFolder).toBe(false);
    expect(await api.pickFolder()).toBeNull();
    const error = await api['connections.list']({}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unreachable' });
    expect(opened).toEqual(['ws://127.0.0.1:4000/ws?token=T0KEN']);
    expect(page.replaced).toEqual(['/']);
  });
});
