/**
 * Fakes of the Electron objects the shell uses. The Electron binary cannot be
 * downloaded or run on the machines these tests run on (DESIGN.md), so the
 * adapter is exercised against these instead, and they are typed against
 * electron's own .d.ts (`satisfies Pick<IpcMain, ...>` and the like), so a
 * signature the adapter relies on that Electron does not have fails the
 * type check.
 *
 * IPC is faked the way Electron behaves: arguments and results are
 * structured-cloned; an error thrown by a handler rejects the renderer's
 * invoke with "Error invoking remote method '<channel>': <error>".
 */
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  ContextBridge,
  IpcMain,
  IpcMainInvokeEvent,
  IpcRenderer,
  MenuItemConstructorOptions,
  OpenDialogOptions,
  OpenDialogReturnValue,
} from 'electron';
import { pathToFileURL } from 'node:url';
import type { PreloadIpc } from '../../src-main/electron/preload-global';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

/** A WebContents: what main sends to the renderer is recorded (cloned) and relayed to linked FakeIpcRenderers. */
export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  readonly mainFrame: FakeFrame;

  constructor(url = 'about:blank') {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = structuredClone(args);
    this.sent.push({ channel, args: cloned });
    this.emit('fake:to-renderer', channel, cloned);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  /** Everything sent back to a renderer, as JSON: answers, and the messages of rejections. */
  readonly answers: string[] = [];

  handle(channel: string, listener: Handler): void {
    // Electron throws on a second handler for a channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What ipcRenderer.invoke(channel, ...args) does from `frame` of `sender`. */
  async invoke(frame: FakeFrame | null, sender: FakeWebContents, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const event = { senderFrame: frame, sender, processId: 1, frameId: 1 } as unknown as IpcMainInvokeEvent;
    let answer: unknown;
    try {
      answer = structuredClone(await handler(event, ...structuredClone(args)));
    } catch (err) {
      const message = `Error invoking remote method '${channel}': ${String(err)}`;
      this.answers.push(JSON.stringify(message));
      throw new Error(message, { cause: err });
    }
    this.answers.push(JSON.stringify(answer) ?? 'undefined');
    return answer;
  }
}
// Checked against electron's own types.
export const ipcMainShape = (m: FakeIpcMain) => m satisfies Pick<IpcMain, 'handle' | 'removeHandler'>;

/** The renderer side of one frame: invokes go to `ipcMain` as sent from `frame`; `contents.send` arrives here. */
export class FakeIpcRenderer extends EventEmitter {
  readonly invoked: { channel: string; args: unknown[] }[] = [];

  constructor(
    private readonly ipcMain: FakeIpcMain,
    private readonly contents: FakeWebContents,
    private readonly frame: FakeFrame | null,
  ) {
    super();
    contents.on('fake:to-renderer', (channel: string, args: unknown[]) => {
      this.emit(channel, { sender: this }, ...args);
    });
  }

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.ipcMain.invoke(this.frame, this.contents, channel, ...args);
  }
}
export const ipcRendererShape = (r: FakeIpcRenderer) => r satisfies PreloadIpc & Pick<IpcRenderer, 'invoke'>;

export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (this.exposed.has(apiKey)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.exposed.set(apiKey, api);
  }
}
export const contextBridgeShape = (b: FakeContextBridge) => b satisfies Pick<ContextBridge, 'exposeInMainWorld'>;

type WebRequestListener = (details: unknown, callback: (response: unknown) => void) => void;

export class FakeSession {
  beforeRequest: WebRequestListener | undefined;
  headersReceived: WebRequestListener | undefined;
  permissionRequest: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | undefined;
  permissionCheck: ((...args: unknown[]) => boolean) | undefined;
  devicePermission: ((...args: unknown[]) => boolean) | undefined;
  readonly webRequest = {
    onBeforeRequest: (listener: WebRequestListener) => {
      this.beforeRequest = listener;
    },
    onHeadersReceived: (listener: WebRequestListener) => {
      this.headersReceived = listener;
    },
  };

  setPermissionRequestHandler(handler: FakeSession['permissionRequest']): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheck']): void {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: FakeSession['devicePermission']): void {
    this.devicePermission = handler;
  }

  /** Runs the onBeforeRequest listener: true when the request may go ahead. */
  allows(url: string): boolean {
    let cancel: boolean | undefined;
    this.beforeRequest!({ url, resourceType: 'other' }, (response) => {
      cancel = (response as { cancel?: boolean }).cancel;
    });
    return cancel === false;
  }

  /** Runs the onHeadersReceived listener. */
  headersFor(url: string, responseHeaders: Record<string, string[]> = {}): Record<string, string[]> {
    let out: Record<string, string[]> | undefined;
    this.headersReceived!({ url, responseHeaders }, (response) => {
      out = (response as { responseHeaders?: Record<string, string[]> }).responseHeaders;
    });
    return out ?? responseHeaders;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  loaded: { file?: string; url?: string } = {};
  focused = 0;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.webContents = new FakeWebContents();
    FakeBrowserWindow.created.push(this);
  }

  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.created.find((w) => w.webContents === contents) ?? null;
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((w) => !w.webContents.destroyed);
  }

  loadFile(path: string): Promise<void> {
    this.loaded = { file: path };
    (this.webContents.mainFrame as { url: string }).url = pathToFileURL(path).href;
    return Promise.resolve();
  }

  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    (this.webContents.mainFrame as { url: string }).url = url;
    return Promise.resolve();
  }

  show(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {
    this.focused++;
  }

  /** What Electron does when the window is closed. */
  close(): void {
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'lading';
  singleInstance = true;
  quitCalls = 0;
  readonly paths = new Map<string, string>();
  private readyResolve!: () => void;
  readonly ready = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });

  constructor(
    readonly appPath: string,
    appData: string,
  ) {
    super();
    this.paths.set('appData', appData);
    this.paths.set('userData', `${appData}/lading`);
  }

  setName(name: string): void {
    this.name = name;
  }
  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`Failed to get '${name}' path`);
    return path;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getAppPath(): string {
    return this.appPath;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Makes the app ready (as Electron does once it has started). */
  becomeReady(): void {
    this.emit('ready');
    this.readyResolve();
  }
  quit(): void {
    this.quitCalls++;
  }
}

/** The whole fake `electron` module (the main-process half, plus contextBridge and ipcRenderer). */
export interface FakeElectron {
  app: FakeApp;
  ipcMain: FakeIpcMain;
  session: { defaultSession: FakeSession };
  shell: { opened: string[]; openExternal(url: string): Promise<void> };
  dialog: {
    answer: OpenDialogReturnValue;
    calls: { window: unknown; options: OpenDialogOptions }[];
    showOpenDialog(a: unknown, b?: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  };
  Menu: {
    template: MenuItemConstructorOptions[] | undefined;
    buildFromTemplate(t: MenuItemConstructorOptions[]): unknown;
    setApplicationMenu(m: unknown): void;
  };
  BrowserWindow: typeof FakeBrowserWindow;
  contextBridge: FakeContextBridge;
  ipcRenderer: FakeIpcRenderer | undefined;
}

export function createFakeElectron(appPath: string, appData: string): FakeElectron {
  const menu: FakeElectron['Menu'] = {
    template: undefined,
    buildFromTemplate: (t) => ({ template: t }),
    setApplicationMenu: (m) => {
      menu.template = (m as { template: MenuItemConstructorOptions[] }).template;
    },
  };
  const dialog: FakeElectron['dialog'] = {
    answer: { canceled: false, filePaths: ['/home/someone/Downloads'] },
    calls: [],
    showOpenDialog: (a: unknown, b?: OpenDialogOptions) => {
      dialog.calls.push(b ? { window: a, options: b } : { window: undefined, options: a as OpenDialogOptions });
      return Promise.resolve(dialog.answer);
    },
  };
  const shell: FakeElectron['shell'] = {
    opened: [],
    openExternal: (url) => {
      shell.opened.push(url);
      return Promise.resolve();
    },
  };
  FakeBrowserWindow.created.length = 0;
  return {
    app: new FakeApp(appPath, appData),
    ipcMain: new FakeIpcMain(),
    session: { defaultSession: new FakeSession() },
    shell,
    dialog,
    Menu: menu,
    BrowserWindow: FakeBrowserWindow,
    contextBridge: new FakeContextBridge(),
    ipcRenderer: undefined,
  };
}

/**
 * The fake module instance shared by a test file and its vi.mock('electron')
 * factory (kept on globalThis so that vi.resetModules() does not split them).
 */
const KEY = '__ladingFakeElectron';
export function currentFake(): FakeElectron {
  const fake = (globalThis as Record<string, unknown>)[KEY] as FakeElectron | undefined;
  return fake ?? installFakeElectron();
}
export function installFakeElectron(appPath = '/opt/lading', appData = '/tmp/lading-fake-appdata'): FakeElectron {
  const fake = createFakeElectron(appPath, appData);
  (globalThis as Record<string, unknown>)[KEY] = fake;
  return fake;
}

/** For vi.mock('electron', () => fakeElectronModule()): getters, so each test's fresh fake is seen. */
export function fakeElectronModule(): Record<string, unknown> {
  const names = ['app', 'ipcMain', 'session', 'shell', 'dialog', 'Menu', 'BrowserWindow', 'contextBridge', 'ipcRenderer'] as const;
  const module: Record<string, unknown> = {};
  for (const name of names) Object.defineProperty(module, name, { enumerable: true, get: () => currentFake()[name] });
  return module;
}
