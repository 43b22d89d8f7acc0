/**
 * The Electron entry (bundled to dist/main/main.cjs; package.json "main").
 * One instance at a time; the services and their dispatcher are created once; one
 * window, hardened (window.ts), talking to main only through the IPC adapter
 * (ipc.ts) and the preload.
 *
 * The app data folder is `<appData>/Lading` (e.g. ~/.config/Lading), the
 * same folder the web bridge uses by default (src-main/web/data-dir.ts).
 * Development: LADING_DEV_SERVER_URL=http://localhost:5173 loads the
 * renderer from the Vite dev server instead (unpackaged builds only).
 */
// First: the jobs stream hundreds of MB through this process (registry/memory/app-process.ts).
import '../registry/memory/app-process';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { createOperationDispatcher } from '../app/operation-dispatcher';
import { consoleLogger } from '../app/console-logger';
import { AppFailure } from '../app/errors';
import { createServices } from '../app/services';
import { forwardJobEvents, registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { createSenderCheck, parseDevServerUrl } from './trust';
import { createMainWindow, hardenContents, hardenSession, type WindowPaths } from './window';

const logger = consoleLogger(console);

async function pickFolder(sender: WebContents): Promise<string | null> {
  const owner = BrowserWindow.fromWebContents(sender);
  const options: Electron.OpenDialogOptions = {
    title: 'Choose a folder',
    buttonLabel: 'Choose',
    properties: ['openDirectory', 'createDirectory'],
  };
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** Opens a job's folder in the file manager (shell.openPath answers an error string, empty on success). */
async function showFolder(path: string): Promise<void> {
  const error = await shell.openPath(path);
  if (error) throw new AppFailure('internal', `Opening ${path} failed: ${error}`, { path });
}

function run(): void {
  app.setName('Lading');
  app.setPath('userData', join(app.getPath('appData'), 'Lading'));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const dev = !app.isPackaged;
  const devServerUrl = dev ? parseDevServerUrl(process.env.LADING_DEV_SERVER_URL) : undefined;
  const root = app.getAppPath();
  const paths: WindowPaths = {
    preload: join(root, 'dist/main/preload.cjs'),
    index: join(root, 'dist/renderer/index.html'),
    devServerUrl,
  };

  const services = createServices({ dataDir: app.getPath('userData'), logger, openFolder: showFolder });
  const dispatcher = createOperationDispatcher(services);
  let window: BrowserWindow | undefined;

  const openWindow = (): void => {
    const opened = createMainWindow(paths);
    const stopEvents = forwardJobEvents(dispatcher, opened.webContents);
    opened.on('closed', () => {
      stopEvents();
      if (window === opened) window = undefined;
    });
    window = opened;
  };

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Cancel running jobs and close the clients before quitting.
  let closed = false;
  let closing = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    services
      .close()
      .catch((err: unknown) => logger.error('Closing the services failed', { error: String(err) }))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, paths);
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ platform: process.platform, dev })));
    registerIpc({
      ipcMain,
      dispatcher,
      isTrusted: createSenderCheck({ indexPath: paths.index, devServerUrl }),
      pickFolder,
      onRefused: (channel, url) => logger.warn('Refused an IPC message from an untrusted frame', { channel, url: url ?? null }),
    });
    openWindow();
    app.on('activate', () => {
      if (!window) openWindow();
    });
  });
}

run();
