/**
 * End to end, issue 11: Debian's Chromium on the real renderer and web bridge,
 * against the harness's real registries. Mirror repository… from the tags
 * pane with a pattern: the dialog previews how many tags it picks, one job
 * copies them (checked with skopeo), its result lists them; the tree's
 * repository rows offer the same dialog. Save as archive… writes a docker
 * archive that skopeo reads, and the job says the command that loads it; a
 * save whose download drops half way (the loopback stand-in) says in its row
 * that it resumed, and from where. A second mirror of the same tags copies none.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatBytes } from '../../src-renderer/lib/format';
import { FaultServer, dropsOnceThenRange, makeImage, openRegistry, sendJson, serveImage } from '../faults/fault-server';
import { skopeoListTags, skopeoRawManifest } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { startOwnRegistry, type OwnRegistry } from './support/registries';
import { afterPageTest, expectNoStackTrace, goTo, jobRow, screenshot, tagRow, treeRow } from './support/ui';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { manyTags, ociImage } = lading.fixtures;

let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let target: OwnRegistry;
let work: string;
/**
 * The loopback stand-in (a real registry cannot be made to drop a connection half way through a blob):
 * the layer's first answer breaks at half, the next honours Range.
 */
let flaky: FaultServer;
const flakyImage = makeImage(256 * 1024, 11);

async function startFlaky(): Promise<FaultServer> {
  const server = serveImage(openRegistry(await FaultServer.start()), 'app', 'v1', flakyImage);
  server.route('GET', '/v2/app/tags/list', (_req, res) => sendJson(res, 200, { name: 'app', tags: ['v1'] }));
  return server.route('GET', `/v2/app/blobs/${flakyImage.layerDigest}`, dropsOnceThenRange(flakyImage.layer));
}

beforeAll(async () => {
  [target, browser, work, flaky] = await Promise.all([
    startOwnRegistry(),
    launchChromium(),
    makeTempDir('lading-e2e-scale-'),
    startFlaky(),
  ]);
  app = await startWebApp();
  await app.ok('connections.save', { name: 'Source', host: anonymous.host, authKind: 'anonymous', plainHttp: true });
  await app.ok('connections.save', { name: 'Mirror target', host: target.registry.host, authKind: 'anonymous', plainHttp: true });
  await app.ok('connections.save', { name: 'Flaky', host: flaky.host, authKind: 'anonymous', plainHttp: true });
  ({ page, problems } = await openPage(browser, app.url));
  page.setDefaultTimeout(20_000);
}, 300_000);

afterEach((ctx) => afterPageTest(page, ctx));

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await target?.stop();
  await flaky?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Mirror repository…', () => {
  it('with a pattern: the preview counts 3 of 2,617 tags before it starts; one job copies exactly those', async () => {
    await goTo(page, `${anonymous.host}/${manyTags.repository}:t0000`);
    await tagRow(page, 't0000').waitFor();
    await page.getByRole('button', { name: 'Mirror repository…' }).click();
    const dialog = page.locator('dialog[data-dialog="mirror-repository"]');
    await dialog.locator('#mirror-repo-target').selectOption({ label: `Mirror target (${target.registry.host})` });
    await dialog.locator('#mirror-repo-repository').fill('copies/many');
    // All tags first: the preview counts the whole repository.
    await expect.poll(() => dialog.getByTestId('tag-preview').innerText()).toMatch(/^Selects 2,617 of 2,617 tags/);
    await dialog.getByLabel('A pattern').check();
    await dialog.locator('#mirror-repo-pattern').fill('t000[0-2]');
    await expect.poll(() => dialog.getByTestId('tag-preview').innerText()).toBe('Selects 3 of 2,617 tags: t0000, t0001, t0002');
    // A pattern that does not compile is said at the field, before anything is asked of main.
    await dialog.locator('#mirror-repo-pattern').fill('t000[');
    await dialog.getByRole('button', { name: /^Mirror/ }).click();
    await expect.poll(() => dialog.locator('.field-error').innerText()).toMatch(/Not a regular expression/);
    await dialog.locator('#mirror-repo-pattern').fill('t000[0-2]');
    await expect.poll(() => dialog.getByTestId('tag-preview').innerText()).toBe('Selects 3 of 2,617 tags: t0000, t0001, t0002');
    await screenshot(page, 'mirror-repository-dialog');
    await dialog.getByRole('button', { name: 'Mirror 3 tags' }).click();

    const row = await jobRow(page, 'Mirror tags matching t000[0-2]', 'done');
    const text = await row.innerText();
    expect(text).toContain('3 copied, 0 already there, 0 failed');
    expect(text).toContain('Copied: t0000, t0001, t0002');
    expect((await skopeoListTags(target.registry.host, 'copies/many')).sort()).toEqual(['t0000', 't0001', 't0002']);
    await expectNoStackTrace(page);
    expect(problems.errors).toEqual([]);
  });

  it('run again: nothing copied, the 3 tags listed as already there', async () => {
    await page.getByRole('button', { name: 'Mirror repository…' }).click();
    const dialog = page.locator('dialog[data-dialog="mirror-repository"]');
    await dialog.locator('#mirror-repo-target').selectOption({ label: `Mirror target (${target.registry.host})` });
    await dialog.locator('#mirror-repo-repository').fill('copies/many');
    await dialog.getByLabel('A list').check();
    await dialog.locator('#mirror-repo-list').fill('t0000 t0001 t0002');
    await expect.poll(() => dialog.getByTestId('tag-preview').innerText()).toBe('Selects 3 of 2,617 tags: t0000, t0001, t0002');
    await dialog.getByRole('button', { name: 'Mirror 3 tags' }).click();

    const row = await jobRow(page, 'Mirror 3 tags', 'done');
    const text = await row.innerText();
    expect(text).toContain('0 copied, 3 already there, 0 failed');
    expect(text).toContain('Already there: t0000, t0001, t0002');
  });

  it('is offered on a repository row of the tree too, for that repository', async () => {
    await treeRow(page, 'Source').click();
    await treeRow(page, 'lading').click();
    await page.getByRole('button', { name: `Mirror repository ${manyTags.repository}…` }).click();
    const dialog = page.locator('dialog[data-dialog="mirror-repository"]');
    expect(await dialog.locator('.image-summary').innerText()).toBe(`${anonymous.host}/${manyTags.repository}`);
    expect(await dialog.locator('#mirror-repo-repository').inputValue()).toBe(manyTags.repository);
  });
});

describe('Save as archive…', () => {
  it('writes a docker archive that skopeo reads; the job says the command that loads it', async () => {
    const file = join(work, 'oci-image.tar');
    await goTo(page, `${anonymous.host}/${ociImage.repository}:${ociImage.tag}`);
    await page.getByRole('button', { name: 'Save as archive…' }).click();
    const dialog = page.locator('dialog[data-dialog="save-archive"]');
    expect(await dialog.getByLabel('Docker archive (docker load)').isChecked()).toBe(true);
    expect(await dialog.locator('#archive-name').inputValue()).toBe(`${anonymous.host}/${ociImage.repository}:${ociImage.tag}`);
    await dialog.locator('#archive-file').fill(file);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();

    const row = await jobRow(page, 'as a docker archive', 'done');
    expect(await row.getByTestId('load-command').innerText()).toBe(`docker load -i ${file}`);
    const manifest = JSON.parse((await skopeoRawManifest(`docker-archive:${file}`)).toString('utf8')) as { config: { digest: string } };
    expect(manifest.config.digest).toBe(ociImage.configDigest);
    expect(await row.getByTestId('job-folder').innerText()).toBe(work);
  });

  it('a download that drops half way: the job row says it resumed, and from where', async () => {
    const file = join(work, 'flaky.tar');
    await goTo(page, `${flaky.host}/app:v1`);
    await page.getByRole('button', { name: 'Save as archive…' }).click();
    const dialog = page.locator('dialog[data-dialog="save-archive"]');
    await dialog.locator('#archive-file').fill(file);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();

    const row = await jobRow(page, 'flaky.tar', 'done');
    const requests = flaky.requests(`/v2/app/blobs/${flakyImage.layerDigest}`);
    expect(requests).toHaveLength(2);
    const offset = Number(/^bytes=(\d+)-$/.exec(String(requests[1]!.headers.range))?.[1]);
    expect(offset).toBeGreaterThan(0);
    expect(await row.getByTestId('job-resumes').innerText()).toBe(
      `The connection dropped: blob ${flakyImage.layerDigest.slice(7, 19)} resumed at ${formatBytes(offset)} of ${formatBytes(flakyImage.layer.length)}.`,
    );
    await screenshot(page, 'job-resumed');
    await expectNoStackTrace(page);
  });
});
