/**
 * The bundles `npm run build:main` makes (scripts/build-main.ts), checked as
 * built: the preload runs in a sandboxed renderer, where require() knows
 * 'electron' and little else, so it is run here in a bare VM context whose
 * require() knows only a fake 'electron' (the Electron binary cannot run on
 * these machines). It must expose exactly the contract's operations, job
 * events and the folder picker under `lading`, and stay small (no zod).
 */
import { builtinModules } from 'node:module';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMain } from '../../scripts/build-main';
import { OPERATION_NAMES } from '../../src-shared/contract';
import { operationChannel } from '../../src-shared/transport';
import { makeTempDir } from '../harness/tmp';
import { FakeContextBridge, FakeFrame, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './fakes';

let out: string;
beforeAll(async () => {
  out = await makeTempDir('lading-build-main-');
  await buildMain({ outDir: out });
});
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

function requiredModules(code: string): string[] {
  return [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!))].sort();
}

describe('the preload bundle', () => {
  it('is one small CommonJS file whose only require is electron', async () => {
    const code = await readFile(join(out, 'preload.cjs'), 'utf8');
    expect(requiredModules(code)).toEqual(['electron']);
    expect(code.length).toBeLessThan(8 * 1024);
    expect(code).not.toMatch(/zod|ZodError/);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('run sandboxed, exposes exactly one function per operation, onJobEvent and pickFolder under "lading"', async () => {
    const code = await readFile(join(out, 'preload.cjs'), 'utf8');
    const contextBridge = new FakeContextBridge();
    const ipcMain = new FakeIpcMain();
    const seen: [string, unknown][] = [];
    for (const name of OPERATION_NAMES) {
      ipcMain.handle(operationChannel(name), (_event, input: unknown) => {
        seen.push([name, input]);
        return { ok: true, value: name };
      });
    }
    const contents = new FakeWebContents('file:///opt/lading/dist/renderer/index.html');
    const ipcRenderer = new FakeIpcRenderer(ipcMain, contents, new FakeFrame(contents.mainFrame.url));
    const requested: string[] = [];
    const sandboxRequire = (id: string) => {
      requested.push(id);
      if (id === 'electron') return { contextBridge, ipcRenderer };
      throw new Error(`module not found: ${id}`);
    };
    const module = { exports: {} };
    // No Node globals: no process, no Buffer.
    const context = createContext({ require: sandboxRequire, module, exports: module.exports, console });
    runInContext(code, context, { filename: 'preload.cjs' });

    expect(requested).toEqual(['electron']);
    expect([...contextBridge.exposed.keys()]).toEqual(['lading']);
    const api = contextBridge.exposed.get('lading') as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'onJobEvent', 'pickFolder'].sort());
    for (const name of OPERATION_NAMES) expect(await api[name]!({ n: name }, 'dropped')).toEqual({ ok: true, value: name });
    expect(seen).toEqual(OPERATION_NAMES.map((n) => [n, { n }]));
  });
});

describe('the main and web bundles', () => {
  it("bundle everything but electron, keytar (native), ws's optional helpers and Node built-ins", async () => {
    // node:sqlite (Node 22+) is required lazily by undici's optional cache store.
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:sqlite']);
    for (const [file, allowed] of [
      ['main.cjs', ['electron', 'keytar']],
      // ws tries its optional native helpers inside try/catch; they are not installed.
      ['web.cjs', ['keytar', 'bufferutil', 'utf-8-validate']],
    ] as const) {
      const code = await readFile(join(out, file), 'utf8');
      const external = requiredModules(code).filter((m) => !builtins.has(m));
      expect(
        external.filter((m) => !(allowed as readonly string[]).includes(m)),
        file,
      ).toEqual([]);
      expect(code).toMatch(/require\("keytar"\)|import\("keytar"\)/);
    }
    const web = await readFile(join(out, 'web.cjs'), 'utf8');
    expect(web).not.toMatch(/require\("electron"\)/);
  });
});
