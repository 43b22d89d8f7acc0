/**
 * The web bridge in a real browser (Debian's Chromium, driven by
 * playwright-core; DESIGN.md): a page built with the project's vite.config.ts
 * (its CSP meta tag, relative asset URLs) uses the renderer's bridge client
 * over the bridge's WebSocket, under both the meta-tag CSP and the header
 * CSP, with the token from the URL fragment. The page here is a small probe,
 * not the UI (the UI's own end-to-end tests drive that).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebBridge, type WebBridge } from '../../src-main/web/server';
import { rendererCsp } from '../../src-shared/transport';
import { makeTempDir } from '../harness/tmp';
import { startApp, type TestApp } from '../app/helpers';

const ROOT = join(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage } = lading.fixtures;

const PROBE = `
import { getLadingClient } from ${JSON.stringify(join(ROOT, 'src-renderer/bridge/index.ts'))};
const api = getLadingClient();
const events = [];
api.onJobEvent((e) => events.push(e));
Object.assign(window, { lading_probe: { api, events } });
api['connections.list']({}).then(
  (list) => { document.body.dataset.state = 'ready'; document.body.dataset.count = String(list.length); },
  (err) => { document.body.dataset.state = 'error'; document.body.dataset.code = err.code; },
);
`;

/** The page's globals, typed here (the tests' tsconfig has no DOM library). */
interface ProbePage {
  document: { body: { dataset: Record<string, string | undefined> } | null };
  lading_probe: {
    api: Record<string, (input: unknown) => Promise<{ jobId?: string }>>;
    events: { jobId: string; type: string }[];
  };
  inlineRan?: boolean;
}

let app: TestApp;
let work: string;
let outDir: string;
let bridge: WebBridge;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  work = await makeTempDir('lading-browser-');
  const src = join(work, 'src');
  outDir = join(work, 'dist');
  await mkdir(src);
  await writeFile(
    join(src, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head><body><script type="module" src="./probe.ts"></script></body></html>\n',
  );
  await writeFile(join(src, 'probe.ts'), PROBE);
  await build({ configFile: join(ROOT, 'vite.config.ts'), root: src, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  app = await startApp();
  bridge = await startWebBridge({ dispatcher: app.dispatcher, rendererDir: outDir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await app?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function open(url: string): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as ProbePage).document.body?.dataset.state !== undefined, undefined, {
    timeout: 20_000,
  });
  return { page, violations };
}

describe('the built page', () => {
  it('carries the CSP as its first head element, relative asset URLs and no inline script', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const head = html.slice(html.indexOf('<head>') + 6).trimStart();
    expect(head.startsWith('<meta http-equiv="Content-Security-Policy"')).toBe(true);
    expect(html.replace(/&#39;/g, "'")).toContain(`content="${rendererCsp()}"`);
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe('in Chromium', () => {
  it('talks to the services over the WebSocket with the token from the URL, under both CSPs, and hides the token', async () => {
    const { page, violations } = await open(bridge.url);
    try {
      expect(await page.evaluate(() => (globalThis as unknown as ProbePage).document.body!.dataset.state)).toBe('ready');
      expect(await page.evaluate(() => (globalThis as unknown as ProbePage).document.body!.dataset.count)).toBe(
        String((await app.services.connections.list()).length),
      );
      expect(page.url()).toBe(`${bridge.origin}/`);
      expect(violations).toEqual([]);

      // A job started from the page, with its events pushed to it.
      const conn = await app.ok('connections.save', { name: 'anon', host: anonymous.host, plainHttp: true, authKind: 'anonymous' });
      const dir = join(work, 'layers');
      await mkdir(dir);
      const input = { connectionId: conn.id, repository: ociImage.repository, reference: ociImage.tag, targetDir: dir };
      const jobId = await page.evaluate(async (i) => {
        const probe = (globalThis as unknown as ProbePage).lading_probe;
        return (await probe.api['jobs.saveLayers']!(i)).jobId;
      }, input);
      await page.waitForFunction(
        (id) => (globalThis as unknown as ProbePage).lading_probe.events.some((e) => e.jobId === id && e.type !== 'progress'),
        jobId,
        { timeout: 30_000 },
      );
      const events = await page.evaluate(
        (id) => (globalThis as unknown as ProbePage).lading_probe.events.filter((e) => e.jobId === id),
        jobId,
      );
      expect(events.at(-1)!.type, JSON.stringify(events.at(-1))).toBe('done');

      // An error arrives as the contract's error.
      const code = await page.evaluate(async () => {
        const probe = (globalThis as unknown as ProbePage).lading_probe;
        return probe.api['browse.tags']!({ connectionId: 'conn-0000000000000000', repository: 'x' }).then(
          () => 'ok',
          (e: { code: string; name: string }) => `${e.name}:${e.code}`,
        );
      });
      expect(code).toBe('LadingError:not-found');

      // The policy is enforced (and its violations would be seen above): no remote fetch, no inline script.
      expect(
        await page.evaluate(() =>
          fetch('http://example.com/').then(
            () => 'fetched',
            () => 'blocked',
          ),
        ),
      ).toBe('blocked');
      await page.addScriptTag({ content: 'window.inlineRan = true;' }).catch(() => undefined);
      expect(await page.evaluate(() => (globalThis as unknown as ProbePage).inlineRan)).toBeUndefined();
      await expect.poll(() => violations.length).toBeGreaterThanOrEqual(2);
      violations.length = 0;

      // A reload keeps working: the token was kept for the session.
      await page.reload();
      await page.waitForFunction(() => (globalThis as unknown as ProbePage).document.body?.dataset.state !== undefined);
      expect(await page.evaluate(() => (globalThis as unknown as ProbePage).document.body!.dataset.state)).toBe('ready');
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('without the token, the page cannot use the contract and says why', async () => {
    const { page } = await open(`${bridge.origin}/`);
    try {
      expect(await page.evaluate(() => (globalThis as unknown as ProbePage).document.body!.dataset.state)).toBe('error');
      expect(await page.evaluate(() => (globalThis as unknown as ProbePage).document.body!.dataset.code)).toBe('unreachable');
    } finally {
      await page.close();
    }
  });
});
