/**
 * The window and the rules every page runs under (src-main/electron/window.ts),
 * against a fake `electron` module (vi.mock; fakes.ts): the Electron binary
 * cannot be downloaded or run on these machines. The fakes are typed against
 * electron's own .d.ts, and window.ts itself is type-checked against it.
 */
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cspHeader, createMainWindow, hardenContents, hardenSession, webPreferences } from '../../src-main/electron/window';
import { FakeBrowserWindow, FakeSession, FakeWebContents, installFakeElectron, type FakeElectron } from './fakes';

vi.mock('electron', async () => (await import('./fakes')).fakeElectronModule());

const PRELOAD = '/opt/lading/dist/main/preload.cjs';
const INDEX = '/opt/lading/dist/renderer/index.html';

/** What the issue requires of the window, exactly. */
const REQUIRED_WEB_PREFERENCES = {
  preload: PRELOAD,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
};

let fake: FakeElectron;
beforeEach(() => {
  fake = installFakeElectron();
});

function navigationEvent() {
  return { preventDefault: vi.fn() };
}

describe('the window', () => {
  it('is created with exactly the required webPreferences and loads the built index.html', () => {
    const window = createMainWindow({ preload: PRELOAD, index: INDEX });
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(FakeBrowserWindow.created[0]).toBe(window);
    const options = FakeBrowserWindow.created[0]!.options;
    expect(options.webPreferences).toEqual(REQUIRED_WEB_PREFERENCES);
    expect(webPreferences(PRELOAD)).toEqual(REQUIRED_WEB_PREFERENCES);
    expect(options.show).toBe(false);
    expect(FakeBrowserWindow.created[0]!.loaded).toEqual({ file: INDEX });
  });

  it('loads the dev server instead when one is given', () => {
    createMainWindow({ preload: PRELOAD, index: INDEX, devServerUrl: 'http://localhost:5173' });
    expect(FakeBrowserWindow.created[0]!.options.webPreferences).toEqual(REQUIRED_WEB_PREFERENCES);
    expect(FakeBrowserWindow.created[0]!.loaded).toEqual({ url: 'http://localhost:5173' });
  });
});

describe('navigation and new windows', () => {
  it('blocks every navigation and hands https links (only) to the system browser', () => {
    const contents = new FakeWebContents(pathToFileURL(INDEX).href);
    hardenContents(contents as never);
    const cases: [string, boolean][] = [
      ['https://github.com/deckhouse', true],
      ['http://example.com/', false],
      ['file:///etc/passwd', false],
      [pathToFileURL(INDEX).href, false],
      ['javascript:alert(1)', false],
      ['https://user:secret@example.com/', false],
      ['not a url', false],
    ];
    for (const [url, external] of cases) {
      const event = navigationEvent();
      contents.emit('will-navigate', event, url);
      expect(event.preventDefault, url).toHaveBeenCalled();
      expect(fake.shell.opened.includes(url), url).toBe(external);
    }
  });

  it('denies every new window, opening https links in the system browser', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as never);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.shell.opened).toEqual(['https://example.com/docs']);
  });

  it('refuses webviews and redirects', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as never);
    for (const name of ['will-attach-webview', 'will-redirect']) {
      const event = navigationEvent();
      contents.emit(name, event, 'https://example.com/');
      expect(event.preventDefault, name).toHaveBeenCalled();
    }
  });
});

describe('the session', () => {
  const rendererUrl = (path: string) => pathToFileURL(`/opt/lading/dist/renderer/${path}`).href;

  it('sets a strict Content-Security-Policy on every response', () => {
    const session = new FakeSession();
    hardenSession(session as never, { preload: PRELOAD, index: INDEX });
    const headers = session.headersFor(rendererUrl('index.html'), { 'Content-Type': ['text/html'] });
    expect(headers['Content-Type']).toEqual(['text/html']);
    const [csp] = headers['Content-Security-Policy']!;
    expect(csp).toBe(cspHeader());
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it('lets requests reach the app files only: no remote content, no other local files', () => {
    const session = new FakeSession();
    hardenSession(session as never, { preload: PRELOAD, index: INDEX });
    expect(session.allows(rendererUrl('index.html'))).toBe(true);
    expect(session.allows(rendererUrl('assets/index-abc.js'))).toBe(true);
    expect(session.allows('data:image/png;base64,AAAA')).toBe(true);
    expect(session.allows('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(session.allows('file:///etc/passwd')).toBe(false);
    expect(session.allows(rendererUrl('../main/main.cjs'))).toBe(false);
    expect(session.allows('file:///opt/lading/dist/renderer-other/x.js')).toBe(false);
    expect(session.allows('https://example.com/script.js')).toBe(false);
    expect(session.allows('http://localhost:5173/')).toBe(false);
    expect(session.allows('ws://127.0.0.1:1234/ws')).toBe(false);
  });

  it('with a dev server, lets its origin (and its hot-reload socket) through, and adds it to connect-src', () => {
    const session = new FakeSession();
    hardenSession(session as never, { preload: PRELOAD, index: INDEX, devServerUrl: 'http://localhost:5173' });
    expect(session.allows('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(session.allows('ws://localhost:5173/')).toBe(true);
    expect(session.allows('http://localhost:5174/')).toBe(false);
    expect(session.allows('https://example.com/')).toBe(false);
    expect(session.headersFor('http://localhost:5173/')['Content-Security-Policy']![0]).toContain("connect-src 'self' ws://localhost:5173");
  });

  it('denies every permission request and check', () => {
    const session = new FakeSession();
    hardenSession(session as never, { preload: PRELOAD, index: INDEX });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      session.permissionRequest!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheck!({}, permission, 'file://', {})).toBe(false);
    }
    expect(session.devicePermission!({})).toBe(false);
  });
});
