/**
 * Issue 8's benchmark for the app: the Files tab of an image of 100,000
 * files, in Debian's Chromium on the real renderer, web bridge and services,
 * against a loopback distribution registry.
 *
 *   npm run bench:ui-files          (LADING_BENCH_RUNS=9 for more runs)
 *
 * Figures:
 * - the first open: the click on the Files tab to the first file rows
 *   painted, every layer read and indexed on the way (not a target: it is
 *   the library's cold index, see bench/files.ts, plus the page).
 * - reopen, the listing in main's memory: the page reloaded (no react-query
 *   cache), the click on the tab to the first rows painted (measured in the
 *   page: the click event to the first animation frame after a row is in the
 *   DOM). Targets: 300 ms for 100,000 entries, 100 ms from the cache.
 * - reopen from the disk cache: a second app (new services, empty memory) on
 *   the same data folder, as a restarted Lading would be.
 * - files.list over the bridge alone, from Node through a WebSocket client as
 *   the page's (memory; and the disk cache in a fresh app), with the size of
 *   the answer, to tell the bridge's share from the page's.
 * - the largest number of file rows in the DOM while scrolling to the end.
 *   Target: at most 200.
 * - typing a filter that matches one file: the keystroke to the rows painted.
 *
 * Not a test: `npm test` never runs it; it prints the figures and whether
 * the targets were met.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { webClient, type LadingClient } from '../src-renderer/bridge/index.js';
import { WsBridgeClient } from '../src-renderer/bridge/ws-client.js';
import { startWebApp, type WebApp } from '../test/e2e/support/app.js';
import { openPage } from '../test/e2e/support/browser.js';
import { goTo } from '../test/e2e/support/ui.js';
import { pushMixedImage } from '../test/integration/extract-images.js';
import { emptyFilesTar } from '../test/integration/files-specs.js';
import { nodeSocketFactory } from '../test/web/helpers.js';
import { machineLine } from './lib/machine.js';
import { median } from './lib/measure.js';
import { startBenchRegistry } from './lib/registry.js';
import { runBench, type BenchSession } from './lib/session.js';
import { header, printTarget } from './lib/table.js';
import { openBenchUi } from './lib/ui-app.js';

const FILES = 100_000;
const REPOSITORY = 'bench/files';
const RUNS = Math.max(1, Number(process.env.LADING_BENCH_RUNS) || 5);

const ms = (v: number): string => `${v.toFixed(0)} ms`;

/**
 * Arms the page to time the next click on the Files tab until a file row is
 * painted (`globalThis.__ladingFirstRows`, in ms).
 */
async function armTabToFirstRow(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const g = globalThis;
    g.__ladingFirstRows = new Promise((resolve) => {
      let clickedAt;
      const onClick = (e) => {
        if (e.target instanceof Element && e.target.closest('[role="tab"]')?.textContent === 'Files') {
          clickedAt = performance.now();
          document.removeEventListener('click', onClick, { capture: true });
        }
      };
      document.addEventListener('click', onClick, { capture: true });
      const observer = new MutationObserver(() => {
        if (clickedAt === undefined || !document.querySelector('[data-file-row]')) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - clickedAt));
      });
      observer.observe(document.body, { childList: true, subtree: true });
      // The first rows may be the start of the listing (files.head): when the whole of it is shown too.
      g.__ladingWholeListing = new Promise((resolveWhole) => {
        const whole = new MutationObserver(() => {
          if (clickedAt === undefined || !document.querySelector('[data-file-row]') || document.querySelector('[data-files-partial]')) return;
          whole.disconnect();
          requestAnimationFrame(() => resolveWhole(performance.now() - clickedAt));
        });
        whole.observe(document.body, { childList: true, subtree: true });
      });
    });
  })()`);
}

/** Time from a change of the path filter to the rows painted with `path` among them. */
async function timeFilter(page: Page, text: string, path: string): Promise<number> {
  const input = page.getByLabel('Filter paths');
  await input.fill('');
  await page.locator('[data-file-row]').first().waitFor();
  await page.evaluate(`(() => {
    const g = globalThis;
    g.__ladingFiltered = new Promise((resolve) => {
      const input = document.querySelector('input[aria-label="Filter paths"]') ?? document.querySelector('input[placeholder="Filter paths"]');
      let typedAt;
      input.addEventListener('input', () => { typedAt ??= performance.now(); }, { once: true });
      const observer = new MutationObserver(() => {
        if (typedAt === undefined || !document.querySelector('[data-file-row][data-path="${path}"]')) return;
        if (document.querySelectorAll('[data-file-row]').length > 3) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - typedAt));
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    });
  })()`);
  await input.fill(text);
  return await page.evaluate<number>('globalThis.__ladingFiltered');
}

/** Scrolls the tree to its end in steps, counting the most rows the DOM held at once. */
async function scrollToEnd(page: Page): Promise<{ steps: number; maxRows: number; lastPath: string | null }> {
  return await page.evaluate<{ steps: number; maxRows: number; lastPath: string | null }>(`(async () => {
    const scroller = document.querySelector('[role="treegrid"][aria-label="Files of the image"]');
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    let maxRows = 0;
    let steps = 0;
    for (;;) {
      const before = scroller.scrollTop;
      scroller.scrollTop = before + scroller.clientHeight * 40;
      await frame();
      await frame();
      maxRows = Math.max(maxRows, document.querySelectorAll('[data-file-row]').length);
      steps++;
      if (scroller.scrollTop === before) break;
    }
    const rows = [...document.querySelectorAll('[data-file-row]')];
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return { steps, maxRows, lastPath: rows.at(-1)?.getAttribute('data-path') ?? null };
  })()`);
}

async function bridgeClient(session: BenchSession, app: WebApp): Promise<LadingClient> {
  const ws = new WsBridgeClient({
    url: `ws://127.0.0.1:${app.bridge.port}/ws?token=${encodeURIComponent(app.bridge.token)}`,
    createSocket: nodeSocketFactory(app.bridge.origin),
  });
  session.defer('close the bridge client', () => ws.close());
  return webClient(ws);
}

await runBench('bench/ui-files', async (session) => {
  const registry = await startBenchRegistry(session, 'ui-files');
  const work = await session.tempDir('lading-bench-ui-files-');
  const built = Date.now();
  const blob = gzipSync(emptyFilesTar(FILES), { level: 1 });
  await pushMixedImage(join(work, 'layout'), registry.host, REPOSITORY, [
    { createdBy: `RUN touch ${FILES} files`, blob },
    { createdBy: 'COPY notes /', entries: [{ path: 'notes/readme', type: 'file', content: Buffer.from('the last layer\n') }] },
  ]);
  const fillMs = Date.now() - built;
  const reference = `${registry.host}/${REPOSITORY}:v1`;

  const { app, connection, browser, page, problems } = await openBenchUi(session, registry.host, 120_000);

  header(`UI: the Files tab of an image of ${FILES.toLocaleString('en-US')} files`, [
    machineLine(),
    `registry: distribution (docker-registry) at ${registry.host}, plain HTTP on loopback; image built and pushed in ${(fillMs / 1000).toFixed(1)} s (not measured)`,
    `image: 2 layers, ${FILES.toLocaleString('en-US')} empty files in 100 folders (${(blob.length / 1024).toFixed(0)} KiB of gzip) and one more file`,
    `browser: /usr/bin/chromium (headless, 1440x900) on the web bridge; ${RUNS} runs each after 1 warm-up`,
  ]);

  const openFiles = async (on: Page): Promise<number> => {
    await on.reload();
    await goTo(on, reference);
    await on.getByRole('tab', { name: 'Files' }).waitFor();
    await armTabToFirstRow(on);
    await on.getByRole('tab', { name: 'Files' }).click();
    await on.locator('[data-file-row]').first().waitFor();
    const firstRows = await on.evaluate<number>('globalThis.__ladingFirstRows');
    wholeListing.push(await on.evaluate<number>('globalThis.__ladingWholeListing'));
    return firstRows;
  };
  /** Per open, the click to the whole listing shown (the rows of its start may come first). */
  let wholeListing: number[] = [];

  const first = await openFiles(page);
  const listing = await app.ok('files.list', { connectionId: connection.id, repository: REPOSITORY, reference: 'v1' });
  if (!listing.indexed) throw new Error('the image is not indexed after the first open');
  const entries = listing.listing.count;

  const api = await bridgeClient(session, app);
  const input = { connectionId: connection.id, repository: REPOSITORY, reference: 'v1' };
  const memory: number[] = [];
  const bridgeMemory: number[] = [];
  const headMemory: number[] = [];
  let answerBytes = 0;
  let headBytes = 0;
  wholeListing = [];
  for (let run = 0; run <= RUNS; run++) {
    const m = await openFiles(page);
    let started = performance.now();
    const answer = await api['files.list'](input);
    const b = performance.now() - started;
    answerBytes = Buffer.byteLength(JSON.stringify(answer));
    started = performance.now();
    const head = await api['files.head'](input);
    const h = performance.now() - started;
    headBytes = Buffer.byteLength(JSON.stringify(head));
    if (run === 0) {
      wholeListing = []; // warm-up
      continue;
    }
    memory.push(m);
    bridgeMemory.push(b);
    headMemory.push(h);
  }
  const wholeMemory = wholeListing;

  // Scrolling and filtering, on the tree as it opened.
  const scroll = await scrollToEnd(page);
  const filters: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const f = await timeFilter(page, 'f99999', 'd99/f99999');
    if (run > 0) filters.push(f);
  }

  // A restarted Lading: new services on a copy of the data folder (the connection and the file index cache), nothing in
  // memory. Each figure from an app of its own: the bridge's call would otherwise leave the listing in memory for the page.
  const restarted = async (): Promise<WebApp> => {
    const dataDir = await session.tempDir('lading-bench-ui-files-data-');
    await cp(app.dataDir, dataDir, { recursive: true });
    return await startWebApp({ dataDir });
  };
  const fromCache: number[] = [];
  const bridgeCache: number[] = [];
  const headCache: number[] = [];
  wholeListing = [];
  const wholeCache: number[] = [];
  /** One call over the bridge to an app of its own on a copy of the data folder, timed. */
  const callRestarted = async (op: 'files.list' | 'files.head'): Promise<number> => {
    const fresh = await restarted();
    try {
      const otherApi = await bridgeClient(session, fresh);
      const started = performance.now();
      const answer = await otherApi[op](input);
      const took = performance.now() - started;
      if (!answer.indexed) throw new Error('a restarted app did not find the image in the cache');
      return took;
    } finally {
      await fresh.close();
    }
  };
  for (let run = 0; run <= RUNS; run++) {
    const b = await callRestarted('files.list');
    const h = await callRestarted('files.head');
    const forPage = await restarted();
    let c: number;
    try {
      const { page: otherPage } = await openPage(browser, forPage.url);
      c = await openFiles(otherPage);
      await otherPage.close();
    } finally {
      await forPage.close();
    }
    if (run === 0) continue;
    fromCache.push(c);
    bridgeCache.push(b);
    headCache.push(h);
    wholeCache.push(wholeListing.at(-1)!);
  }

  const runs = (values: number[]): string => `(runs: ${values.map(ms).join(', ')})`;
  console.log(`  entries in the listing                    ${entries.toLocaleString('en-US').padStart(9)}`);
  console.log(`  first open, every layer indexed           ${ms(first).padStart(9)}`);
  console.log(`  reopen (main's memory), first rows        ${ms(median(memory)).padStart(9)}   ${runs(memory)}`);
  console.log(`  reopen (disk cache, fresh app), rows      ${ms(median(fromCache)).padStart(9)}   ${runs(fromCache)}`);
  console.log(`  reopen (main's memory), whole listing     ${ms(median(wholeMemory)).padStart(9)}   ${runs(wholeMemory)}`);
  console.log(`  reopen (disk cache), whole listing        ${ms(median(wholeCache)).padStart(9)}   ${runs(wholeCache)}`);
  console.log(`  files.head over the bridge, memory        ${ms(median(headMemory)).padStart(9)}   ${runs(headMemory)}`);
  console.log(`  files.head over the bridge, disk cache    ${ms(median(headCache)).padStart(9)}   ${runs(headCache)}`);
  console.log(`  files.head answer (JSON)                  ${`${(headBytes / 1024).toFixed(1)} KiB`.padStart(9)}`);
  console.log(`  files.list over the bridge, memory        ${ms(median(bridgeMemory)).padStart(9)}   ${runs(bridgeMemory)}`);
  console.log(`  files.list over the bridge, disk cache    ${ms(median(bridgeCache)).padStart(9)}   ${runs(bridgeCache)}`);
  console.log(`  files.list answer (JSON)                  ${`${(answerBytes / 1024 / 1024).toFixed(1)} MiB`.padStart(9)}`);
  console.log(`  filter "f99999" to the rows painted       ${ms(median(filters)).padStart(9)}   ${runs(filters)}`);
  console.log(
    `  scroll to the end                         ${`${scroll.steps} steps`.padStart(9)}   (last row ${scroll.lastPath ?? 'none'})`,
  );
  console.log('');
  const verdicts = [
    printTarget(`first rows of ${FILES.toLocaleString('en-US')} (reopen, median)`, ms(median(memory)), '<= 300 ms', median(memory) <= 300),
    printTarget('first rows from the cache (median)', ms(median(fromCache)), '< 100 ms', median(fromCache) < 100),
    printTarget('file rows in the DOM (max)', String(scroll.maxRows), '<= 200', scroll.maxRows <= 200),
    printTarget('the last row reached', scroll.lastPath ?? 'none', 'notes/readme', scroll.lastPath === 'notes/readme'),
  ];
  if (problems.errors.length) console.log(`\n  page errors: ${problems.errors.join('; ')}`);
  if (verdicts.some((v) => !v.met)) process.exitCode = 1;
});
