/**
 * The Lading window and the rules every page in the app runs under:
 * contextIsolation and sandbox on, no Node in the page, web security on, a
 * strict Content-Security-Policy, no remote content, no navigation away from
 * the app's page, no new windows (https links go to the system browser), no
 * <webview>, every permission request denied.
 */
import { BrowserWindow, shell, type Session, type WebContents, type WebPreferences } from 'electron';
import { pathToFileURL } from 'node:url';
import { rendererCsp } from '../../src-shared/transport';
import { isExternalLink } from './trust';

export interface WindowPaths {
  /** Absolute path of the bundled preload (dist/main/preload.cjs). */
  preload: string;
  /** Absolute path of the renderer's index.html (dist/renderer/index.html). */
  index: string;
  /** The Vite dev server's origin, when developing. */
  devServerUrl?: string | undefined;
}

/** The window's webPreferences, all of them: nothing is left to a default that could change. */
export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
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
}

/** The policy as a header: the page's own, plus the directives a meta tag cannot carry. */
export function cspHeader(devServerUrl?: string): string {
  // The dev server's client talks to it over a WebSocket for hot reload.
  const extra: Record<string, string> = devServerUrl ? { 'connect-src': devServerUrl.replace(/^http/, 'ws') } : {};
  return `${rendererCsp(extra)}; frame-ancestors 'none'`;
}

/** Hands an https link to the system browser; anything else is dropped. */
export function openExternally(url: string): void {
  if (isExternalLink(url)) void shell.openExternal(url);
}

/**
 * Rules for every WebContents the app ever creates (called from
 * app.on('web-contents-created')): no navigation, no new windows, no webviews.
 */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternally(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
}

/**
 * Session rules: the CSP header on every response, no request leaves for
 * anything but the app's own files (or the dev server), every permission
 * request and check denied.
 */
export function hardenSession(session: Session, paths: WindowPaths): void {
  const rendererDir = new URL('.', pathToFileURL(paths.index)).href;
  const devOrigin = paths.devServerUrl ? new URL(paths.devServerUrl).origin : undefined;
  const devWs = devOrigin?.replace(/^http/, 'ws');
  const csp = cspHeader(paths.devServerUrl);

  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, rendererDir, devOrigin, devWs) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function isAllowedRequest(url: string, rendererDir: string, devOrigin?: string, devWs?: string): boolean {
  if (url.startsWith('devtools:') || url.startsWith('data:') || url.startsWith('blob:')) return true;
  if (url.startsWith('file:')) {
    try {
      // Normalised by URL, so /renderer/../x is not under rendererDir.
      return new URL(url).href.startsWith(rendererDir);
    } catch {
      return false;
    }
  }
  if (devOrigin) {
    try {
      const origin = new URL(url).origin;
      return origin === devOrigin || (devWs !== undefined && url.startsWith(`${devWs}/`));
    } catch {
      return false;
    }
  }
  return false;
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 480,
    title: 'Lading',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: webPreferences(paths.preload),
  });
  window.once('ready-to-show', () => window.show());
  if (paths.devServerUrl) void window.loadURL(paths.devServerUrl);
  else void window.loadFile(paths.index);
  return window;
}
