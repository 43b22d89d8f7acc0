/**
 * The Electron IPC adapter (src-main/electron/ipc.ts) and the preload's API
 * (preload-global.ts), wired together through fakes of ipcMain, ipcRenderer and
 * WebContents (fakes.ts): the Electron binary cannot be downloaded or run on
 * these machines, so this is as close as a test gets here. The fakes clone
 * arguments and answers as Electron's IPC does.
 *
 * - One channel per operation of the contract, one preload function per
 *   operation, plus job events and the folder picker: nothing else.
 * - An untrusted sender (another page, a sub-frame, a frame already gone) is
 *   refused and its input never reaches the API.
 * - Through the whole chain (renderer client -> preload -> IPC -> real
 *   services -> a real registry with Basic auth), no answer and no event
 *   ever carries a password or token.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { forwardJobEvents, ipcChannels, REFUSED_MESSAGE, registerIpc } from '../../src-main/electron/ipc';
import { createPreloadGlobal } from '../../src-main/electron/preload-global';
import { createSenderCheck } from '../../src-main/electron/trust';
import { electronClient, isLadingError, type LadingClient } from '../../src-renderer/bridge/index';
import { OPERATION_NAMES, type Connection, type JobEvent } from '../../src-shared/contract';
import { JOB_EVENT_CHANNEL, operationChannel, PICK_FOLDER_CHANNEL, type PreloadGlobal } from '../../src-shared/transport';
import { startRegistry, type RunningRegistry } from '../harness/registry';
import { makeTempDir } from '../harness/tmp';
import { startApp, type TestApp } from '../app/helpers';
import { FakeFrame, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './fakes';

const lading = inject('lading');
const { basic, token } = lading.registries;
const { ociImage, multiarch } = lading.fixtures;
const OWN_USER = { username: 'dave', password: `own-${Math.random().toString(36).slice(2)}-Secret` };

const INDEX = '/opt/lading/dist/renderer/index.html';
const INDEX_URL = pathToFileURL(INDEX).href;

describe('channels and the preload API', () => {
  it('registers one handler per operation of the contract plus the folder picker, and removes them all', () => {
    const ipcMain = new FakeIpcMain();
    const dispose = registerIpc({ ipcMain, dispatcher: { call: vi.fn() }, isTrusted: () => true, pickFolder: vi.fn() });
    const expected = [...OPERATION_NAMES.map((n) => `lading:op:${n}`), PICK_FOLDER_CHANNEL].sort();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(expected);
    expect(ipcChannels().sort()).toEqual(expected);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('exposes one function per operation, onJobEvent and pickFolder, and nothing else', () => {
    const renderer = new FakeIpcRenderer(new FakeIpcMain(), new FakeWebContents(), null);
    const api = createPreloadGlobal(renderer, OPERATION_NAMES);
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'onJobEvent', 'pickFolder'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    // No generic door: no invoke, send, on, or ipcRenderer.
    for (const name of ['invoke', 'send', 'sendSync', 'on', 'ipcRenderer', 'call']) expect(name in api).toBe(false);
  });

  it('sends each operation on its own channel with exactly one argument', async () => {
    const ipcMain = new FakeIpcMain();
    const call = vi.fn(async (name: string, input: unknown) => ({ ok: true as const, value: { name, input } }));
    registerIpc({ ipcMain, dispatcher: { call }, isTrusted: () => true, pickFolder: vi.fn() });
    const renderer = new FakeIpcRenderer(ipcMain, new FakeWebContents(), new FakeFrame(INDEX_URL));
    const api = createPreloadGlobal(renderer, OPERATION_NAMES);
    for (const name of OPERATION_NAMES) {
      const fn = api[name] as unknown as (...args: unknown[]) => Promise<unknown>;
      const answer = await fn({ probe: name }, 'extra', 'arguments');
      expect(answer).toEqual({ ok: true, value: { name, input: { probe: name } } });
      expect(renderer.invoked.at(-1)).toEqual({ channel: operationChannel(name), args: [{ probe: name }] });
    }
    expect(call).toHaveBeenCalledTimes(OPERATION_NAMES.length);
  });

  it('gives job-event listeners the event data only, in order, until they unsubscribe', () => {
    const contents = new FakeWebContents(INDEX_URL);
    const renderer = new FakeIpcRenderer(new FakeIpcMain(), contents, null);
    const api = createPreloadGlobal(renderer, OPERATION_NAMES);
    const got: unknown[][] = [];
    const unsubscribe = api.onJobEvent((...args: unknown[]) => got.push(args));
    const event: JobEvent = { jobId: 'job-0123456789abcdef', seq: 1, type: 'cancelled' };
    contents.send(JOB_EVENT_CHANNEL, event);
    contents.send(JOB_EVENT_CHANNEL, { ...event, seq: 2 });
    expect(got).toEqual([[event], [{ ...event, seq: 2 }]]);
    unsubscribe();
    contents.send(JOB_EVENT_CHANNEL, { ...event, seq: 3 });
    expect(got).toHaveLength(2);
    expect(renderer.listenerCount(JOB_EVENT_CHANNEL)).toBe(0);
    expect(() => api.onJobEvent('not a function' as never)).toThrow(TypeError);
  });

  it('forwards job events to the window until it is gone', () => {
    const listeners = new Set<(e: JobEvent) => void>();
    const dispatcher = { subscribe: (l: (e: JobEvent) => void) => (listeners.add(l), () => listeners.delete(l)) };
    const contents = new FakeWebContents(INDEX_URL);
    const stop = forwardJobEvents(dispatcher, contents);
    const event: JobEvent = { jobId: 'job-0123456789abcdef', seq: 1, type: 'cancelled' };
    for (const l of listeners) l(event);
    expect(contents.sent).toEqual([{ channel: JOB_EVENT_CHANNEL, args: [event] }]);
    contents.destroyed = true;
    for (const l of [...listeners]) l({ ...event, seq: 2 });
    expect(listeners.size).toBe(0);
    expect(contents.sent).toHaveLength(1);
    stop();
  });
});

describe('the sender check', () => {
  const check = createSenderCheck({ indexPath: INDEX });

  function setup() {
    const ipcMain = new FakeIpcMain();
    const call = vi.fn(async () => ({ ok: true as const, value: [] }));
    const pickFolder = vi.fn(async () => '/picked');
    const onRefused = vi.fn();
    registerIpc({ ipcMain, dispatcher: { call }, isTrusted: check, pickFolder, onRefused });
    return { ipcMain, call, pickFolder, onRefused };
  }

  const top = (url: string) => new FakeFrame(url);
  const untrusted: [string, FakeFrame | null][] = [
    ['no frame (already gone)', null],
    ['a sub-frame of the app page', new FakeFrame(INDEX_URL, top(INDEX_URL))],
    ['another local file', top('file:///etc/passwd')],
    ['an index.html in another folder', top('file:///tmp/evil/dist/renderer/index.html')],
    ['a sibling of index.html', top(pathToFileURL('/opt/lading/dist/renderer/other.html').href)],
    ['a remote https page', top('https://example.com/')],
    ['a dev server that was not configured', top('http://localhost:5173/')],
    ['the web bridge', top('http://127.0.0.1:43123/#token=x')],
    ['about:blank', top('about:blank')],
    ['a data: page', top('data:text/html,<script>1</script>')],
    ['something that is not a URL', top('not a url')],
  ];

  for (const [what, frame] of untrusted) {
    it(`refuses ${what}, and its input never reaches the API`, async () => {
      const { ipcMain, call, pickFolder, onRefused } = setup();
      const contents = new FakeWebContents();
      await expect(ipcMain.invoke(frame, contents, operationChannel('connections.list'), {})).rejects.toThrow(REFUSED_MESSAGE);
      await expect(ipcMain.invoke(frame, contents, operationChannel('connections.save'), { name: 'x' })).rejects.toThrow(REFUSED_MESSAGE);
      await expect(ipcMain.invoke(frame, contents, PICK_FOLDER_CHANNEL)).rejects.toThrow(REFUSED_MESSAGE);
      expect(call).not.toHaveBeenCalled();
      expect(pickFolder).not.toHaveBeenCalled();
      expect(onRefused).toHaveBeenCalledTimes(3);
    });
  }

  it('accepts the app page itself, with or without a query or fragment', async () => {
    const { ipcMain, call, pickFolder } = setup();
    const contents = new FakeWebContents(INDEX_URL);
    for (const url of [INDEX_URL, `${INDEX_URL}?x=1`, `${INDEX_URL}#/repos/team`]) {
      await expect(ipcMain.invoke(top(url), contents, operationChannel('connections.list'), {})).resolves.toEqual({ ok: true, value: [] });
    }
    await expect(ipcMain.invoke(top(INDEX_URL), contents, PICK_FOLDER_CHANNEL)).resolves.toBe('/picked');
    expect(call).toHaveBeenCalledTimes(3);
    expect(pickFolder).toHaveBeenCalledWith(contents);
  });

  it('accepts the dev server origin only when one is configured', () => {
    const dev = createSenderCheck({ indexPath: INDEX, devServerUrl: 'http://localhost:5173' });
    expect(dev(top('http://localhost:5173/'))).toBe(true);
    expect(dev(top('http://localhost:5173/src/main.tsx'))).toBe(true);
    expect(dev(top('http://localhost:5174/'))).toBe(false);
    expect(dev(top('http://127.0.0.1:5173/'))).toBe(false);
    expect(dev(top(INDEX_URL))).toBe(true);
    expect(check(top('http://localhost:5173/'))).toBe(false);
  });
});

describe('the whole chain against real services and a real registry', () => {
  let app: TestApp;
  let home: string;
  let work: string;
  let ipcMain: FakeIpcMain;
  let contents: FakeWebContents;
  let preload: PreloadGlobal;
  let client: LadingClient;
  let stopEvents: () => void;
  let own: RunningRegistry;
  let ownRoot: string;
  const received: JobEvent[] = [];
  const dockerAuth = Buffer.from(`${basic.credentials.username}:${basic.credentials.password}`).toString('base64');
  const secrets = [basic.credentials.password, token.credentials.password, OWN_USER.password, dockerAuth];

  beforeAll(async () => {
    home = await makeTempDir('lading-ipc-home-');
    work = await makeTempDir('lading-ipc-work-');
    ownRoot = await makeTempDir('lading-ipc-registry-');
    own = await startRegistry({ auth: 'basic', rootDirectory: ownRoot, users: { [OWN_USER.username]: OWN_USER.password } });
    // A docker login to the Basic-auth registry, to import.
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: dockerAuth } } }));
    app = await startApp({ homeDir: home, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home } });

    ipcMain = new FakeIpcMain();
    registerIpc({ ipcMain, dispatcher: app.dispatcher, isTrusted: createSenderCheck({ indexPath: INDEX }), pickFolder: async () => work });
    contents = new FakeWebContents(INDEX_URL);
    stopEvents = forwardJobEvents(app.dispatcher, contents);
    preload = createPreloadGlobal(new FakeIpcRenderer(ipcMain, contents, new FakeFrame(INDEX_URL)), OPERATION_NAMES);
    client = electronClient(preload);
    client.onJobEvent((e) => received.push(e));
  });

  afterAll(async () => {
    stopEvents?.();
    await app?.close();
    await own?.stop();
    for (const dir of [home, work, ownRoot]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  function finished(jobId: string, timeoutMs = 30_000): Promise<JobEvent[]> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const poll = () => {
        const events = received.filter((e) => e.jobId === jobId);
        if (events.some((e) => e.type !== 'progress')) return resolve(events);
        if (Date.now() > deadline)
          return reject(new Error(`job ${jobId} did not finish: ${JSON.stringify(app.services.jobs.list().find((j) => j.id === jobId))}`));
        setTimeout(poll, 10);
      };
      poll();
    });
  }

  function expectDone(events: JobEvent[]): void {
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const end = events.at(-1)!;
    expect(end.type, JSON.stringify(end)).toBe('done');
  }

  it('answers, fails and runs jobs through the preload, and no answer or event carries a secret', async () => {
    expect(Array.isArray(await client['connections.list']({}))).toBe(true);
    expect((await client['credentials.status']({})).storage).toMatch(/^(keychain|session)$/);

    const saved: Connection = await client['connections.save']({
      name: 'basic',
      host: basic.host,
      plainHttp: true,
      authKind: 'basic',
      username: basic.credentials.username,
      secret: basic.credentials.password,
    });
    expect(saved.secret).not.toBe('none');
    const viaToken = await client['connections.save']({
      name: 'token',
      host: token.host,
      plainHttp: true,
      authKind: 'basic',
      username: token.credentials.username,
      secret: token.credentials.password,
    });
    const target = await client['connections.save']({
      name: 'own',
      host: own.host,
      plainHttp: true,
      authKind: 'basic',
      username: OWN_USER.username,
      secret: OWN_USER.password,
    });
    expect(JSON.stringify(await client['connections.list']({}))).toContain(saved.id);

    expect((await client['connections.test']({ id: saved.id })).ok).toBe(true);
    expect((await client['connections.test']({ id: viaToken.id })).ok).toBe(true);
    const draft = { name: 'draft', host: basic.host, plainHttp: true, authKind: 'basic' as const, username: basic.credentials.username };
    expect((await client['connections.test']({ draft: { ...draft, secret: basic.credentials.password } })).ok).toBe(true);
    const wrong = await client['connections.test']({ draft: { ...draft, secret: `${basic.credentials.password}-wrong` } });
    expect(wrong.ok).toBe(false);
    expect(wrong.credentials).toBe('rejected');

    const candidates = await client['connections.importCandidates']({});
    const mine = candidates.candidates.find((c) => c.host === basic.host);
    expect(mine?.username).toBe(basic.credentials.username);
    const imported = await client['connections.import']({ keys: [mine!.key] });
    expect(imported.failed).toEqual([]);

    const children = await client['browse.children']({ connectionId: saved.id });
    expect(children.catalogSupported).toBe(true);
    expect((await client['browse.tags']({ connectionId: viaToken.id, repository: ociImage.repository })).tags).toContain(ociImage.tag);
    const manifest = await client['browse.manifest']({ connectionId: saved.id, repository: ociImage.repository, reference: ociImage.tag });
    expect(manifest.digest).toBe(ociImage.digest);
    const config = await client['browse.config']({
      connectionId: saved.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      platform: 'linux/arm64',
    });
    expect(config.platform).toMatch(/^linux\/arm64/);

    // Errors come back as LadingErrors with the contract's code.
    const missing = await client['browse.manifest']({
      connectionId: saved.id,
      repository: ociImage.repository,
      reference: 'no-such-tag',
    }).catch((e: unknown) => e);
    expect(isLadingError(missing) && missing.code).toBe('not-found');
    const invalid = await client['browse.tags']({ connectionId: saved.id, repository: '../etc' }).catch((e: unknown) => e);
    expect(isLadingError(invalid) && invalid.code).toBe('invalid-input');
    const badSave = await client['connections.save']({
      name: 'x',
      host: basic.host,
      authKind: 'basic',
      secret: basic.credentials.password,
    } as never).catch((e: unknown) => e);
    expect(isLadingError(badSave) && badSave.code).toBe('invalid-input');

    // Jobs, with their events through the window's webContents and the preload.
    const folder = await client.pickFolder();
    expect(folder).toBe(work);
    const layersDir = join(work, 'layers');
    await mkdir(layersDir);
    const save = await client['jobs.saveLayers']({
      connectionId: saved.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: layersDir,
    });
    expectDone(await finished(save.jobId));
    const layout = await client['jobs.saveLayout']({
      connectionId: saved.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      targetDir: join(work, 'layout'),
    });
    expectDone(await finished(layout.jobId));
    // Cancelled through IPC at once (it may still win the race and be done).
    const again = await client['jobs.saveLayout']({
      connectionId: saved.id,
      repository: multiarch.repository,
      reference: multiarch.tag,
      targetDir: join(work, 'layout2'),
    });
    expect((await client['jobs.cancel']({ jobId: again.jobId })).id).toBe(again.jobId);
    expect((await finished(again.jobId)).at(-1)!.type).toMatch(/^(cancelled|done)$/);
    const extract = await client['jobs.extract']({
      connectionId: viaToken.id,
      repository: ociImage.repository,
      reference: ociImage.tag,
      targetDir: join(work, 'rootfs'),
    });
    expectDone(await finished(extract.jobId));
    const mirror = await client['jobs.mirror']({
      source: { connectionId: saved.id, repository: multiarch.repository, reference: multiarch.tag },
      target: { connectionId: target.id, repository: 'mirrored/app' },
    });
    expectDone(await finished(mirror.jobId));
    // A job that fails: its error travels as data too.
    const failing = await client['jobs.saveLayers']({
      connectionId: saved.id,
      repository: ociImage.repository,
      reference: 'no-such-tag',
      targetDir: layersDir,
    });
    expect((await finished(failing.jobId)).at(-1)!.type).toBe('failed');
    const jobs = await client['jobs.list']({});
    expect(jobs.map((j) => j.id)).toEqual(expect.arrayContaining([save.jobId, layout.jobId, extract.jobId, mirror.jobId, failing.jobId]));
    expect(received.some((e) => e.type === 'progress')).toBe(true);

    // Updating and removing a connection with a secret.
    await client['connections.save']({ ...draft, id: saved.id, name: 'renamed', secret: basic.credentials.password });
    expect(await client['connections.remove']({ id: saved.id })).toEqual({ id: saved.id });

    // What crossed: every answer (IPC replies and rejections) and every event sent to the window.
    const transcript = [...ipcMain.answers, ...contents.sent.map((m) => JSON.stringify(m))];
    expect(ipcMain.answers.length).toBeGreaterThan(25);
    expect(contents.sent.length).toBeGreaterThan(5);
    // The search looks at what it should: the connections (user names included) are in there.
    expect(transcript.join('\n')).toContain(`"username":"${basic.credentials.username}"`);
    for (const line of transcript) {
      for (const secret of secrets) expect(line.includes(secret), `a secret in ${line.slice(0, 200)}`).toBe(false);
    }
  });
});
