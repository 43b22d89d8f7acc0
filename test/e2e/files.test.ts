/**
 * End to end, the files inside an image: Debian's Chromium on the real
 * renderer and web bridge, against crafted images (whiteouts, an opaque
 * directory, hard links) pushed by skopeo to the harness's registry. Open
 * Files (indexed once, with progress per layer), pick a layer and see what it
 * deleted, preview a text file, save it (its bytes checked), reopen without
 * indexing again, move with the keyboard, watch an index through a slow
 * proxy and cancel it, and compare two tags.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSlowProxy, type SlowProxy } from '../app/slow-proxy';
import { makeTempDir } from '../harness/tmp';
import { pushMixedImage } from '../integration/extract-images';
import { COMPARISON_LAYERS } from '../integration/extract-specs';
import { DIFF_A_CONFIG, DIFF_A_LAYERS, DIFF_B_CONFIG, DIFF_B_LAYERS } from '../integration/files-specs';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { afterPageTest, expectNoStackTrace, goTo, jobRow, openTab, screenshot } from './support/ui';

const lading = inject('lading');
const { anonymous } = lading.registries;
const REPOSITORY = 'lading-e2e-files';

let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let work: string;
/** The registry at 24 KiB/s: indexing an image through it takes seconds, long enough to watch and cancel. */
let slow: SlowProxy;

const fileRow = (path: string) => page.locator(`[data-file-row][data-path="${path}"]`);

async function indexJobs(): Promise<number> {
  return (await app.ok('jobs.list', {})).filter((j) => j.kind === 'indexFiles').length;
}

beforeAll(async () => {
  [browser, work] = await Promise.all([launchChromium(), makeTempDir('lading-e2e-files-')]);
  const layouts = join(work, 'layouts');
  await Promise.all([
    pushMixedImage(join(layouts, 'image'), anonymous.host, `${REPOSITORY}/image`, COMPARISON_LAYERS),
    pushMixedImage(join(layouts, 'a'), anonymous.host, `${REPOSITORY}/pair`, DIFF_A_LAYERS, 'a', { containerConfig: DIFF_A_CONFIG }),
    pushMixedImage(join(layouts, 'b'), anonymous.host, `${REPOSITORY}/pair`, DIFF_B_LAYERS, 'b', { containerConfig: DIFF_B_CONFIG }),
    // Random content: no other image shares the layer, so nothing has indexed it before.
    pushMixedImage(join(layouts, 'slow'), anonymous.host, `${REPOSITORY}/slow`, [
      { createdBy: 'COPY random.bin /', entries: [{ path: 'random.bin', type: 'file', content: randomBytes(512 * 1024) }] },
      { createdBy: 'COPY notes /', entries: [{ path: 'notes', type: 'file', content: 'notes\n' }] },
    ]),
  ]);
  slow = await startSlowProxy(anonymous.host, 24 * 1024);
  app = await startWebApp();
  await app.ok('connections.save', { name: 'Registry', host: anonymous.host, authKind: 'anonymous', plainHttp: true });
  await app.ok('connections.save', { name: 'Slow registry', host: slow.host, authKind: 'anonymous', plainHttp: true });
  ({ page, problems } = await openPage(browser, app.url));
  page.setDefaultTimeout(20_000);
}, 300_000);

afterEach((ctx) => afterPageTest(page, ctx));

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await slow?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the Files tab', () => {
  it('indexes the image once, then shows the flattened tree with sizes, modes, owners, link targets and layers', async () => {
    await goTo(page, `${anonymous.host}/${REPOSITORY}/image:v1`);
    await openTab(page, 'Files');
    await fileRow('etc/replaced').waitFor();
    expect(await indexJobs()).toBe(1);
    const totals = await page.getByTestId('files-totals').innerText();
    expect(totals).toMatch(/^37 entries · .* in files · .* wasted$/);
    const replaced = await fileRow('etc/replaced').innerText();
    expect(replaced.split(/\s+/)).toEqual(['replaced', '25', 'B', '-rw-r-----', '0:0', '2']);
    expect(await fileRow('links/absolute').innerText()).toContain('→ /etc/keep');
    expect(await fileRow('tmp').innerText()).toContain('drwxrwxrwt');
    // Nothing that a layer deleted is listed for the whole image.
    expect(await fileRow('etc/gone').count()).toBe(0);
    await screenshot(page, 'files');
  });

  it('picking a layer marks what it added, modified and deleted; "Changes only" leaves out the rest', async () => {
    await page.getByRole('button', { name: /^Layer 2: RUN rm \/etc\/gone/ }).click();
    expect(await page.getByTestId('layer-changes').innerText()).toMatch(/Layer 2: .* — 3 added, 4 modified, 9 deleted/);
    await expect.poll(() => fileRow('etc/gone').getAttribute('data-change')).toBe('deleted');
    expect(await fileRow('etc/replaced').getAttribute('data-change')).toBe('modified');
    expect(await fileRow('etc/conf.d/c.conf').getAttribute('data-change')).toBe('added');
    expect(await fileRow('data/blob.bin').getAttribute('data-change')).toBeNull();
    await page.getByLabel('Changes only').check();
    await expect.poll(() => fileRow('data/blob.bin').count()).toBe(0);
    expect(await fileRow('gonedir/x/y').getAttribute('data-change')).toBe('deleted');
    await fileRow('etc/gone').click();
    expect(await page.getByRole('region', { name: 'Selected file' }).innerText()).toContain('Deleted by layer 2');
    await screenshot(page, 'files-layer');
    await page.getByLabel('Changes only').uncheck();
    await page.getByRole('button', { name: 'Whole image' }).click();
    await expect.poll(() => fileRow('etc/gone').count()).toBe(0);
  });

  it('previews a text file, and saves it: the file on disk has its bytes', async () => {
    await page.getByLabel('Filter paths').fill('replaced');
    await expect.poll(() => page.locator('[data-file-row]').count()).toBe(2);
    await fileRow('etc/replaced').click();
    const preview = page.getByTestId('file-preview');
    await expect.poll(() => preview.innerText()).toBe('new content from layer 2\n');
    expect(await preview.getAttribute('data-kind')).toBe('text');

    const dir = join(work, 'saved');
    await page.getByRole('button', { name: 'Save file…' }).click();
    const dialog = page.locator('dialog[data-dialog="save-files"]');
    expect(await dialog.innerText()).toContain('/etc/replaced');
    await dialog.locator('#save-files-dir').fill(dir);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const row = await jobRow(page, 'Save etc/replaced', 'done');
    expect(await row.innerText()).toContain('Saved /etc/replaced as replaced');
    expect(await readdir(dir)).toEqual(['replaced']);
    expect(await readFile(join(dir, 'replaced'), 'utf8')).toBe('new content from layer 2\n');
    await page.getByLabel('Filter paths').fill('');
  });

  it('a binary preview and a hard link: "binary, N bytes" with a hex view; the link shares its target', async () => {
    await page.getByLabel('Filter paths').fill('blob.bin');
    await fileRow('data/blob.bin').click();
    const preview = page.getByTestId('file-preview');
    await expect.poll(() => preview.getAttribute('data-kind')).toBe('binary');
    expect(await preview.innerText()).toMatch(/^Binary, 307,200 bytes; the first 4,096:\s+00000000 {2}[0-9a-f]{2} /);
    // Layer 4 removed hl/orig: its twin is listed as a hard link to the link layer 3 made, and reads as that content.
    await page.getByLabel('Filter paths').fill('hl/');
    expect(await fileRow('hl/twin').innerText()).toContain('⇔ hl/from-layer-3');
    await fileRow('hl/twin').click();
    await expect.poll(() => page.getByTestId('file-preview').innerText()).toBe('hard-linked within layer 1\n');
    await page.getByLabel('Filter paths').fill('');
    // The filter applies after a pause: the next test starts from the whole tree.
    await fileRow('data').waitFor();
  });

  it('moves with the keyboard: Down selects the next row, Left closes a folder and Right opens it', async () => {
    const grid = page.getByRole('treegrid', { name: 'Files of the image' });
    await grid.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('selected-path').innerText()).toBe('data');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('selected-path').innerText()).toBe('data/blob.bin');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('selected-path').innerText()).toBe('data');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => fileRow('data/blob.bin').count()).toBe(0);
    expect(await fileRow('data').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight');
    await fileRow('data/blob.bin').waitFor();
  });

  it('a second open reads nothing again: no new index job, the tree at once', async () => {
    await page.reload();
    await goTo(page, `${anonymous.host}/${REPOSITORY}/image:v1`);
    await openTab(page, 'Files');
    await fileRow('etc/replaced').waitFor();
    expect(await page.getByTestId('files-indexing').count()).toBe(0);
    expect(await indexJobs()).toBe(1);
  });
});

describe('indexing', () => {
  it("shows each layer's progress and can be cancelled; Index again starts it over", async () => {
    await goTo(page, `${slow.host}/${REPOSITORY}/slow:v1`);
    await openTab(page, 'Files');
    const indexing = page.getByTestId('files-indexing');
    await indexing.waitFor();
    expect(await indexing.innerText()).toContain('Reading 2 layers to list the files');
    const layers = indexing.getByRole('list', { name: 'Layers' }).locator('li');
    expect(await layers.count()).toBe(2);
    await expect.poll(() => indexing.locator('li[data-layer-state="running"]').count()).toBe(1);
    await expect.poll(async () => Number(await indexing.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await screenshot(page, 'files-indexing');
    await indexing.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => indexing.innerText()).toContain('Indexing was cancelled.');
    await jobRow(page, `Index files of ${slow.host}`, 'cancelled');
    await indexing.getByRole('button', { name: 'Index again' }).click();
    const cancel = indexing.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.isEnabled()).toBe(true);
    await cancel.click();
    await expect.poll(() => indexing.innerText()).toContain('Indexing was cancelled.');
    expect(await page.locator('[data-file-row]').count()).toBe(0);
  });
});

describe('Compare', () => {
  it('compares two tags: config changes, layers shared and different, files added, removed and changed', async () => {
    await goTo(page, `${anonymous.host}/${REPOSITORY}/pair:a`);
    await page.getByRole('button', { name: 'Compare…' }).click();
    const dialog = page.locator('dialog[data-dialog="compare"]');
    await dialog.locator('#compare-with').fill('b');
    await dialog.getByRole('button', { name: 'Compare', exact: true }).click();
    const summary = page.getByTestId('diff-summary');
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.innerText()).toMatch(/1 layer shared, 1 only in A, 1 only in B/);
    expect(await page.getByTestId('compare-a').innerText()).toBe(`${anonymous.host}/${REPOSITORY}/pair:a`);
    expect(await page.getByTestId('compare-b').innerText()).toBe(`${anonymous.host}/${REPOSITORY}/pair:b`);
    const config = page.getByRole('table', { name: 'Config changes' });
    expect(await config.locator('tr[data-field]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))).toEqual([
      'env',
      'entrypoint',
      'user',
      'labels',
      'exposedPorts',
    ]);
    expect(await config.locator('tr[data-field="user"]').innerText()).toMatch(/user\s+—\s+app/);
    const diffRow = (path: string) => page.locator(`[data-diff-row][data-path="${path}"]`);
    expect(await diffRow('new/file').getAttribute('data-change')).toBe('added');
    expect(await diffRow('docs/readme').getAttribute('data-change')).toBe('removed');
    expect(await diffRow('app/data.bin').getAttribute('data-change')).toBe('changed');
    expect(await diffRow('app/data.bin').innerText()).toMatch(/1000 B\s+1.95 KB/);
    expect(await diffRow('app/same.txt').count()).toBe(0);
    await page.getByLabel('Filter compared paths').fill('app/');
    await expect.poll(() => page.locator('[data-diff-row]').count()).toBe(2);
    await page.getByRole('checkbox', { name: /^changed/ }).uncheck();
    await expect.poll(() => page.locator('[data-diff-row]').count()).toBe(0);
    await screenshot(page, 'compare');
  });

  it('had no page errors, console errors or CSP violations, and no stack trace anywhere', async () => {
    await expectNoStackTrace(page);
    expect(problems.errors).toEqual([]);
  });
});
