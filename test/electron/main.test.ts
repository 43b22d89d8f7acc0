/**
 * The Electron entry (src-main/electron/main.ts) started against a fake
 * `electron` module (vi.mock; fakes.ts): the Electron binary cannot be
 * downloaded or run on these machines. What it wires up: the single-instance
 * lock, the data folder, the real services behind the IPC handlers, the
 * hardened window and session, the menu, the folder picker, and closing the
 * services before quitting.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannels, REFUSED_MESSAGE } from '../../src-main/electron/ipc';
import { operationChannel, PICK_FOLDER_CHANNEL } from '../../src-shared/transport';
import { makeTempDir } from '../harness/tmp';
import { FakeBrowserWindow, FakeFrame, FakeWebContents, installFakeElectron, type FakeElectron } from './fakes';

vi.mock('electron', async () => (await import('./fakes')).fakeElectronModule());

let fake: FakeElectron;
let appPath: string;
let appData: string;
const savedEnv = process.env.LADING_DEV_SERVER_URL;

beforeEach(async () => {
  appPath = await makeTempDir('lading-electron-app-');
  appData = await makeTempDir('lading-electron-appdata-');
  fake = installFakeElectron(appPath, appData);
  delete process.env.LADING_DEV_SERVER_URL;
  vi.resetModules();
});

afterEach(async () => {
  // Let the entry close its services, as on quit.
  const quit = { preventDefault: vi.fn() };
  fake.app.emit('will-quit', quit);
  if (quit.preventDefault.mock.calls.length) await vi.waitFor(() => expect(fake.app.quitCalls).toBeGreaterThan(0));
  if (savedEnv === undefined) delete process.env.LADING_DEV_SERVER_URL;
  else process.env.LADING_DEV_SERVER_URL = savedEnv;
  await rm(appPath, { recursive: true, force: true });
  await rm(appData, { recursive: true, force: true });
});

async function start(): Promise<FakeBrowserWindow> {
  await import('../../src-main/electron/main');
  fake.app.becomeReady();
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
  return FakeBrowserWindow.created[0]!;
}

describe('the Electron entry', () => {
  it('opens one hardened window over the built files, with the data folder <appData>/Lading', async () => {
    const window = await start();
    expect(fake.app.name).toBe('Lading');
    expect(fake.app.getPath('userData')).toBe(join(appData, 'Lading'));
    expect(window.options.webPreferences).toEqual({
      preload: join(appPath, 'dist/main/preload.cjs'),
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
    });
    expect(window.loaded).toEqual({ file: join(appPath, 'dist/renderer/index.html') });
    // Session rules and the menu are in place before the window opens.
    expect(fake.session.defaultSession.headersReceived).toBeTypeOf('function');
    expect(fake.session.defaultSession.beforeRequest).toBeTypeOf('function');
    expect(fake.session.defaultSession.permissionRequest).toBeTypeOf('function');
    expect(fake.Menu.template?.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
  });

  it('serves the contract to its own page through real services, and refuses other senders', async () => {
    const window = await start();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(ipcChannels().sort());
    const own = window.webContents.mainFrame;
    const answer = (await fake.ipcMain.invoke(own, window.webContents, operationChannel('connections.list'), {})) as {
      ok: boolean;
      value: unknown[];
    };
    expect(answer.ok).toBe(true);
    expect(Array.isArray(answer.value)).toBe(true);
    // The services keep their data in the app data folder.
    expect(existsSync(join(appData, 'Lading'))).toBe(true);
    const invalid = (await fake.ipcMain.invoke(own, window.webContents, operationChannel('browse.tags'), { repository: '../x' })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    const stranger = new FakeFrame('https://example.com/');
    await expect(fake.ipcMain.invoke(stranger, window.webContents, operationChannel('connections.list'), {})).rejects.toThrow(
      REFUSED_MESSAGE,
    );
    const otherFile = new FakeFrame(pathToFileURL(join(appPath, 'dist/renderer/evil.html')).href);
    await expect(fake.ipcMain.invoke(otherFile, window.webContents, PICK_FOLDER_CHANNEL)).rejects.toThrow(REFUSED_MESSAGE);
    expect(fake.dialog.calls).toHaveLength(0);
  });

  it('shows a folder picker for its window: the chosen folder, or null when cancelled', async () => {
    const window = await start();
    const own = window.webContents.mainFrame;
    fake.dialog.answer = { canceled: false, filePaths: ['/home/someone/images'] };
    expect(await fake.ipcMain.invoke(own, window.webContents, PICK_FOLDER_CHANNEL)).toBe('/home/someone/images');
    expect(fake.dialog.calls[0]!.window).toBe(window);
    expect(fake.dialog.calls[0]!.options.properties).toEqual(['openDirectory', 'createDirectory']);
    fake.dialog.answer = { canceled: true, filePaths: [] };
    expect(await fake.ipcMain.invoke(own, window.webContents, PICK_FOLDER_CHANNEL)).toBeNull();
  });

  it('hardens every WebContents the app creates, and focuses its window when started again', async () => {
    const window = await start();
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    const event = { preventDefault: vi.fn() };
    contents.emit('will-navigate', event, 'https://example.com/');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    fake.app.emit('second-instance');
    expect(window.focused).toBe(1);
    expect(FakeBrowserWindow.created).toHaveLength(1);
  });

  it('closes the services before it quits', async () => {
    await start();
    const quit = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(1));
    // The second will-quit (from that app.quit()) goes through.
    const again = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('quits at once when another instance holds the lock', async () => {
    fake.app.singleInstance = false;
    await import('../../src-main/electron/main');
    fake.app.becomeReady();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.created).toHaveLength(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('loads a loopback dev server from LADING_DEV_SERVER_URL, unpackaged only', async () => {
    process.env.LADING_DEV_SERVER_URL = 'http://localhost:5173';
    const window = await start();
    expect(window.loaded).toEqual({ url: 'http://localhost:5173' });
    expect(fake.session.defaultSession.allows('http://localhost:5173/src/main.tsx')).toBe(true);
    const devFrame = new FakeFrame('http://localhost:5173/');
    const answer = (await fake.ipcMain.invoke(devFrame, window.webContents, operationChannel('credentials.status'), {})) as { ok: boolean };
    expect(answer.ok).toBe(true);
  });

  it('ignores LADING_DEV_SERVER_URL when packaged, or when it is not on loopback', async () => {
    process.env.LADING_DEV_SERVER_URL = 'http://localhost:5173';
    fake.app.isPackaged = true;
    const window = await start();
    expect(window.loaded).toEqual({ file: join(appPath, 'dist/renderer/index.html') });
    expect(fake.Menu.template?.find((m) => m.label === 'View')?.submenu).not.toContainEqual({ role: 'toggleDevTools' });

    FakeBrowserWindow.created.length = 0;
    fake.app.emit('will-quit', { preventDefault: vi.fn() });
    fake = installFakeElectron(appPath, appData);
    vi.resetModules();
    process.env.LADING_DEV_SERVER_URL = 'http://evil.example:5173';
    const other = await start();
    expect(other.loaded).toEqual({ file: join(appPath, 'dist/renderer/index.html') });
  });
});
