/**
 * The web bridge's request checks (src-main/web/request-checks.ts) on their
 * own, from request heads alone: which Host, Origin, method, path and token
 * pass, and what each refusal says.
 */
import { describe, expect, it } from 'vitest';
import { checkHttpRequest, checkUpgrade, isOwnOrigin, ownHost, sameToken } from '../../src-main/web/request-checks';

const PORT = 41234;
const TOKEN = 'a'.repeat(43);

describe('ownHost', () => {
  it('accepts the bridge by address or localhost, any case, on its own port only', () => {
    expect(ownHost(`127.0.0.1:${PORT}`, PORT)).toBe(`127.0.0.1:${PORT}`);
    expect(ownHost(`LocalHost:${PORT}`, PORT)).toBe(`localhost:${PORT}`);
    for (const host of [
      undefined,
      '',
      '127.0.0.1',
      `127.0.0.1:${PORT + 1}`,
      `evil.example:${PORT}`,
      `[::1]:${PORT}`,
      `localhost.evil.example:${PORT}`,
      `127.0.0.2:${PORT}`,
    ]) {
      expect(ownHost(host, PORT), String(host)).toBeUndefined();
    }
  });
});

describe('isOwnOrigin', () => {
  it('accepts http://127.0.0.1:PORT and http://localhost:PORT exactly', () => {
    expect(isOwnOrigin(`http://127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isOwnOrigin(`http://localhost:${PORT}`, PORT)).toBe(true);
    for (const origin of [
      undefined,
      'null',
      'file://',
      `https://127.0.0.1:${PORT}`,
      `http://127.0.0.1:${PORT}/`,
      `http://evil.example:${PORT}`,
      `http://127.0.0.1:${PORT + 1}`,
    ]) {
      expect(isOwnOrigin(origin, PORT), String(origin)).toBe(false);
    }
  });
});

describe('sameToken', () => {
  it('is true for the very token only', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    for (const given of [null, '', TOKEN.slice(1), `${TOKEN}a`, 'b'.repeat(43), TOKEN.toUpperCase()]) {
      expect(sameToken(given, TOKEN), String(given)).toBe(false);
    }
  });
});

describe('checkHttpRequest', () => {
  const head = (method: string, url: string, host = `127.0.0.1:${PORT}`) => ({ method, url, headers: { host } });

  it('lets GET and HEAD of a page or asset through, with the Host it named', () => {
    expect(checkHttpRequest(head('GET', '/'), PORT)).toEqual({ host: `127.0.0.1:${PORT}` });
    expect(checkHttpRequest(head('HEAD', '/assets/app.js', `LOCALHOST:${PORT}`), PORT)).toEqual({ host: `localhost:${PORT}` });
  });

  it('refuses a foreign Host first (421), then other methods (405 with Allow), then the WebSocket path (426)', () => {
    expect(checkHttpRequest(head('POST', '/ws', `evil.example:${PORT}`), PORT)).toEqual({
      refusal: { status: 421, text: `Wrong Host: open http://127.0.0.1:${PORT}/` },
    });
    expect(checkHttpRequest(head('POST', '/ws'), PORT)).toEqual({
      refusal: { status: 405, text: 'Method not allowed', headers: { Allow: 'GET, HEAD' } },
    });
    expect(checkHttpRequest(head('GET', `/ws?token=${TOKEN}`), PORT)).toEqual({
      refusal: { status: 426, text: 'This endpoint speaks WebSocket only' },
    });
  });
});

describe('checkUpgrade', () => {
  const head = (url: string, headers: { host?: string; origin?: string } = {}) => ({
    url,
    headers: { host: `127.0.0.1:${PORT}`, origin: `http://127.0.0.1:${PORT}`, ...headers },
  });

  it('accepts the WebSocket path with the own Host, the own Origin and the token', () => {
    expect(checkUpgrade(head(`/ws?token=${TOKEN}`), PORT, TOKEN)).toBeUndefined();
    expect(
      checkUpgrade(head(`/ws?token=${TOKEN}`, { host: `localhost:${PORT}`, origin: `http://localhost:${PORT}` }), PORT, TOKEN),
    ).toBeUndefined();
  });

  it('names the check that failed, in this order: Host, URL, path, Origin, token', () => {
    expect(checkUpgrade(head('/other', { host: 'evil.example', origin: 'null' }), PORT, TOKEN)).toEqual({
      status: 421,
      text: 'Misdirected Request',
    });
    expect(checkUpgrade(head('//[bad'), PORT, TOKEN)).toEqual({ status: 400, text: 'Bad Request' });
    expect(checkUpgrade(head(`/other?token=${TOKEN}`, { origin: 'null' }), PORT, TOKEN)).toEqual({ status: 404, text: 'Not Found' });
    expect(checkUpgrade(head(`/ws?token=${TOKEN}`, { origin: 'http://evil.example' }), PORT, TOKEN)).toEqual({
      status: 403,
      text: 'Forbidden',
      detail: 'origin',
    });
    for (const url of ['/ws', '/ws?token=', `/ws?Token=${TOKEN}`, `/ws?token=${TOKEN}x`]) {
      expect(checkUpgrade(head(url), PORT, TOKEN), url).toEqual({ status: 401, text: 'Unauthorized', detail: 'token' });
    }
  });
});
