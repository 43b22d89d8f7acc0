/**
 * End to end, the tag table: Debian's Chromium on the real renderer, served
 * by the real web bridge over the real services, against real registries.
 * The facts of the rows in view arrive as they scroll into view (and no
 * others); sorting 1,200 tags by date reads the missing dates as a job;
 * Retag… (checked with skopeo), and Delete… with its confirmation (a
 * cancelled one deletes nothing; by digest every tag at it goes; a tag alone
 * through a placeholder).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import { pushDatedImages, type DatedImage } from '../harness/dated-images';
import { startScratchRegistry, type ScratchRegistry } from '../harness/own-registry';
import { putManifest } from '../harness/registry-http';
import { skopeoDigest, skopeoListTags, skopeoRawManifest } from '../harness/skopeo';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { afterPageTest, expectNoStackTrace, goTo, jobRow, screenshot, tagRow } from './support/ui';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { dated } = lading.fixtures;

const SCRATCH_REPO = 'e2e/app';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let scratch: ScratchRegistry;
let scratchImages: DatedImage[];
let datedConn: Connection;

const short = (digest: string) => digest.slice('sha256:'.length, 'sha256:'.length + 12);
const exactTime = (iso: string) =>
  `${new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')} UTC`;

/** The tags of the first `count` rows of the table (those rows must be in the DOM). */
async function topTags(count: number): Promise<string[]> {
  return page.evaluate<string[]>(
    `Array.from({ length: ${count} }, (_, i) => document.getElementById('tag-row-' + i)?.querySelector('.tag-name').textContent ?? '')`,
  );
}

async function checkedRow(tag: string) {
  const row = tagRow(page, tag);
  await expect.poll(() => row.getAttribute('data-fact-state'), { timeout: 20_000 }).toBe('checked');
  return row;
}

beforeAll(async () => {
  [scratch, browser] = await Promise.all([startScratchRegistry({ deleteEnabled: true }), launchChromium()]);
  scratchImages = await pushDatedImages(scratch.registry.url, SCRATCH_REPO, { tags: ['v1', 'v2', 'v3'] });
  // `latest`: the same image as v3.
  await putManifest(
    scratch.registry.url,
    SCRATCH_REPO,
    'latest',
    await skopeoRawManifest(`${scratch.registry.host}/${SCRATCH_REPO}:v3`),
    OCI_MANIFEST,
  );
  app = await startWebApp();
  datedConn = await app.ok('connections.save', { name: 'Dated', host: anonymous.host, authKind: 'anonymous', plainHttp: true });
  await app.ok('connections.save', { name: 'Scratch', host: scratch.registry.host, authKind: 'anonymous', plainHttp: true });
  ({ page, problems } = await openPage(browser, app.url));
  page.setDefaultTimeout(20_000);
}, 300_000);

afterEach((ctx) => afterPageTest(page, ctx));

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await scratch?.stop();
});

describe('the tag table', () => {
  it('fills the rows in view with digest, created, size and platforms as they scroll into view, and no others', async () => {
    const images = new Map(dated.images.map((i) => [i.tag, i]));
    await goTo(page, `${anonymous.host}/${dated.repository}:build-1`);
    const first = await checkedRow('build-1');
    const image = images.get('build-1')!;
    expect(await first.locator('.tag-digest').innerText()).toBe(short(image.digest));
    expect(await first.locator('.tag-created').getAttribute('title')).toBe(exactTime(image.created));
    expect(await first.locator('.tag-created').innerText()).toMatch(/ago$|just now/);
    expect(await first.locator('.tag-size').getAttribute('title')).toContain(`${image.size.toLocaleString('en-US')} bytes`);
    expect(await first.locator('.tag-platforms').innerText()).toBe(image.architecture);
    // Natural order: build-2 after build-1, build-10 after build-9.
    expect(await topTags(11)).toEqual([
      'build-1',
      'build-2',
      'build-3',
      'build-4',
      'build-5',
      'build-6',
      'build-7',
      'build-8',
      'build-9',
      'build-10',
      'build-11',
    ]);

    // The facts of rows far below were not asked for.
    const far = await app.ok('tags.facts', {
      connectionId: datedConn.id,
      repository: dated.repository,
      tags: ['build-900'],
      cachedOnly: true,
    });
    expect(far.facts[0]!.state).toBe('unknown');

    // Scrolled there, they come.
    await page.evaluate(`(() => { const el = document.querySelector('[role="listbox"]'); el.scrollTop = 24 * 895; })()`);
    const row = await checkedRow('build-900');
    expect(await row.locator('.tag-digest').innerText()).toBe(short(images.get('build-900')!.digest));
    expect(await page.locator('[data-tag-row]').count()).toBeLessThanOrEqual(200);
    await screenshot(page, 'tag-table');
  });

  it('sorts 1,200 tags by date: says how many dates are missing, reads them as a job, then newest first', async () => {
    await page.getByLabel('Sort tags').selectOption('created');
    const bar = page.getByTestId('tag-dates');
    await expect.poll(() => bar.innerText()).toMatch(/^[\d,]+ tags missing a date sort last\./);
    await bar.getByRole('button', { name: 'Read all dates' }).click();
    await jobRow(page, 'Read the facts of the tags of', 'done', 120_000);
    await expect.poll(() => bar.count(), { timeout: 30_000 }).toBe(0);
    const newest = [...dated.images].sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    await expect.poll(() => topTags(10), { timeout: 20_000 }).toEqual(newest.slice(0, 10).map((i) => i.tag));
    const top = await checkedRow(newest[0]!.tag);
    expect(await top.locator('.tag-created').getAttribute('title')).toBe(exactTime(newest[0]!.created));
    await screenshot(page, 'tags-by-date');
  });
});

describe('retag', () => {
  it('puts the image under a new tag (skopeo reads the same digest); an existing tag moves only when ticked', async () => {
    const [v1, v2] = scratchImages;
    await goTo(page, `${scratch.registry.host}/${SCRATCH_REPO}:v1`);
    await page.getByRole('button', { name: 'Retag…' }).click();
    const dialog = page.locator('dialog[data-dialog="retag"]');
    await dialog.locator('#retag-tag').fill('-bad');
    await dialog.getByRole('button', { name: 'Retag', exact: true }).click();
    await expect.poll(() => dialog.locator('.field-error').innerText()).toContain('Tag is invalid');
    await dialog.locator('#retag-tag').fill('release');
    await dialog.getByRole('button', { name: 'Retag', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await skopeoDigest(`${scratch.registry.host}/${SCRATCH_REPO}:release`)).toBe(v1!.digest);
    const row = await checkedRow('release');
    expect(await row.locator('.tag-alias').innerText()).toBe('= v1');

    // release exists: moving it to v2 needs the tick.
    await goTo(page, `${scratch.registry.host}/${SCRATCH_REPO}:v2`);
    await page.getByRole('button', { name: 'Retag…' }).click();
    await dialog.locator('#retag-tag').fill('release');
    await dialog.getByRole('button', { name: 'Retag', exact: true }).click();
    const move = dialog.getByLabel(/Move “release” here/);
    await move.waitFor();
    expect(await dialog.getByRole('button', { name: 'Move the tag' }).isDisabled()).toBe(true);
    expect(await skopeoDigest(`${scratch.registry.host}/${SCRATCH_REPO}:release`)).toBe(v1!.digest);
    await move.check();
    await dialog.getByRole('button', { name: 'Move the tag' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await skopeoDigest(`${scratch.registry.host}/${SCRATCH_REPO}:release`)).toBe(v2!.digest);
    await expectNoStackTrace(page);
  });
});

describe('delete', () => {
  it('names every tag at the digest; a cancelled confirmation deletes nothing; typed, the image and its tags go', async () => {
    const v3 = scratchImages[2]!;
    await goTo(page, `${scratch.registry.host}/${SCRATCH_REPO}:v3`);
    await checkedRow('latest');
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.locator('dialog[data-dialog="delete-tag"]');
    await dialog.getByRole('radio', { name: /^The image/ }).check();
    await expect.poll(() => dialog.getByTestId('delete-tags').innerText()).toMatch(/latest\s+v3/);
    const submit = dialog.getByRole('button', { name: 'Delete', exact: true });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.locator('#delete-confirm').fill('not it');
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await skopeoListTags(scratch.registry.host, SCRATCH_REPO)).toEqual(expect.arrayContaining(['latest', 'v3']));

    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('radio', { name: /^The image/ }).check();
    await dialog.locator('#delete-confirm').fill(short(v3.digest));
    await submit.click();
    await dialog.waitFor({ state: 'detached' });
    const tags = await skopeoListTags(scratch.registry.host, SCRATCH_REPO);
    expect(tags).not.toContain('v3');
    expect(tags).not.toContain('latest');
    await expect.poll(() => tagRow(page, 'latest').count()).toBe(0);
    await tagRow(page, 'v1').waitFor();
  });

  it('a tag alone goes through a placeholder on a registry that deletes by digest only; its image and other tags stay', async () => {
    const v2 = scratchImages[1]!;
    await goTo(page, `${scratch.registry.host}/${SCRATCH_REPO}:release`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.locator('dialog[data-dialog="delete-tag"]');
    expect(await dialog.getByRole('radio', { name: /^Only the tag/ }).isChecked()).toBe(true);
    await dialog.locator('#delete-confirm').fill('release');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const tags = await skopeoListTags(scratch.registry.host, SCRATCH_REPO);
    expect(tags).not.toContain('release');
    expect(tags).toContain('v2');
    expect(await skopeoDigest(`${scratch.registry.host}/${SCRATCH_REPO}:v2`)).toBe(v2.digest);
    expect(problems.errors).toEqual([]);
  });
});
