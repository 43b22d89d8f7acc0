/**
 * End to end, jobs: Debian's Chromium on the real renderer and web bridge,
 * against the harness's real registries. Save a layer (the file's sha256 is
 * the layer's digest), extract a filesystem, mirror to a second registry
 * (checked with skopeo), cancel a running job (through a slow relay), and
 * a job that cannot run says why in place.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { skopeoDigest, skopeoListTags, skopeoRawManifest } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { startSlowProxy, type SlowProxy } from '../app/slow-proxy';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { startOwnRegistry, type OwnRegistry } from './support/registries';
import { afterPageTest, expectNoStackTrace, goTo, jobRow, openTab, screenshot, tagRow, treeRow } from './support/ui';

const lading = inject('lading');
const { anonymous, basic } = lading.registries;
const { ociImage, multiarch } = lading.fixtures;

let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let target: OwnRegistry;
let proxy: SlowProxy;
let work: string;

async function sha256File(path: string): Promise<string> {
  return `sha256:${createHash('sha256')
    .update(await readFile(path))
    .digest('hex')}`;
}

beforeAll(async () => {
  [target, browser, work] = await Promise.all([startOwnRegistry(), launchChromium(), makeTempDir('lading-e2e-jobs-')]);
  // 24 KiB/s: the 100 KiB layer takes seconds, time enough to press Cancel.
  proxy = await startSlowProxy(anonymous.host, 24 * 1024);
  app = await startWebApp();
  await app.ok('connections.save', {
    name: 'Source',
    host: basic.host,
    authKind: 'basic',
    username: basic.credentials.username,
    secret: basic.credentials.password,
    plainHttp: true,
  });
  await app.ok('connections.save', { name: 'Mirror target', host: target.registry.host, authKind: 'anonymous', plainHttp: true });
  await app.ok('connections.save', { name: 'Slow', host: proxy.host, authKind: 'anonymous', plainHttp: true });
  ({ page, problems } = await openPage(browser, app.url));
  page.setDefaultTimeout(20_000);
}, 300_000);

afterEach((ctx) => afterPageTest(page, ctx));

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await proxy?.close();
  await target?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('save a layer', () => {
  it('saves the chosen layer into the folder typed in; the file is the digest', async () => {
    const dir = join(work, 'layers');
    await mkdir(dir);
    await goTo(page, `${basic.host}/${ociImage.repository}:${ociImage.tag}`);
    const panel = await openTab(page, /^Layers/);
    expect(await panel.locator('tbody tr').count()).toBe(ociImage.layers.length);
    const layer = ociImage.layers[1]!;
    await panel.getByRole('button', { name: 'Save layer 2' }).click();
    const dialog = page.locator('dialog[data-dialog="save-layers"]');
    expect(await dialog.innerText()).toContain(`layer ${layer.digest.slice(7, 19)}`);
    // The web host has no folder picker: the path is typed, and said so.
    expect(await dialog.innerText()).toContain('Type an absolute path on the machine running Lading');
    await dialog.locator('#save-layers-dir').fill('relative/path');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => dialog.locator('.field-error').innerText()).toContain('Path must be absolute');
    await dialog.locator('#save-layers-dir').fill(dir);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();

    const row = await jobRow(page, 'Save 1 layer', 'done');
    const file = join(dir, `${layer.digest.slice(7)}.tar.gz`);
    expect(await readdir(dir)).toEqual([`${layer.digest.slice(7)}.tar.gz`]);
    expect(await sha256File(file)).toBe(layer.digest);
    const text = await row.innerText();
    expect(text).toContain('Saved 1 file');
    expect(text).toContain(file);
    // Where it went, to open or copy (the web host cannot open a folder on its own).
    expect(await row.getByTestId('job-folder').innerText()).toBe(dir);
    expect(await row.getByRole('button', { name: 'Copy folder path' }).count()).toBe(1);
  });
});

describe('extract', () => {
  it("extracts the image's flattened filesystem into a new folder", async () => {
    const dir = join(work, 'rootfs');
    await goTo(page, `${basic.host}/${ociImage.repository}:${ociImage.tag}`);
    await page.getByRole('button', { name: 'Extract filesystem…' }).click();
    const dialog = page.locator('dialog[data-dialog="extract"]');
    await dialog.locator('#extract-dir').fill(dir);
    await dialog.getByRole('button', { name: 'Extract', exact: true }).click();
    const row = await jobRow(page, 'Extract', 'done');
    expect(await row.innerText()).toMatch(/Extracted \d+ entries/);
    expect(await readFile(join(dir, 'etc/hello.txt'), 'utf8')).toBe('hello from layer 3 (overrides layer 1)\n');
    expect(await readFile(join(dir, 'usr/bin/app'), 'utf8')).toBe('#!/bin/sh\necho "lading app"\n');
    expect(await row.getByTestId('job-folder').innerText()).toBe(dir);
  });

  it('a folder that already exists is refused, said in place with what to do', async () => {
    const dir = join(work, 'not-empty');
    await mkdir(dir);
    await writeFile(join(dir, 'keep.txt'), 'mine');
    await page.getByRole('button', { name: 'Extract filesystem…' }).click();
    const dialog = page.locator('dialog[data-dialog="extract"]');
    await dialog.locator('#extract-dir').fill(dir);
    await dialog.getByRole('button', { name: 'Extract', exact: true }).click();
    // Refused when started (the dialog says so) or when run (the job says so): either way in words.
    const notice = page.locator('dialog[data-dialog="extract"] [role="alert"], li.job[data-job-state="failed"] [role="alert"]').first();
    await expect.poll(() => notice.innerText()).toContain('Already exists');
    expect(await notice.innerText()).toContain('Choose a new or empty folder');
    expect(await readdir(dir)).toEqual(['keep.txt']);
    await expectNoStackTrace(page);
  });
});

describe('mirror', () => {
  it('mirrors the multi-arch index to a second registry; skopeo reads the same digest there', async () => {
    await goTo(page, `${basic.host}/${multiarch.repository}:${multiarch.tag}`);
    await page.getByRole('button', { name: 'Mirror to…' }).click();
    const dialog = page.locator('dialog[data-dialog="mirror"]');
    await dialog.locator('#mirror-target').selectOption({ label: `Mirror target (${target.registry.host})` });
    await dialog.locator('#mirror-repository').fill('mirrored/multiarch');
    expect(await dialog.locator('#mirror-tag').inputValue()).toBe(multiarch.tag);
    await screenshot(page, 'mirror-dialog');
    await dialog.getByRole('button', { name: 'Mirror', exact: true }).click();
    const row = await jobRow(page, 'Mirror', 'done');
    expect(await row.innerText()).toContain(`Mirrored to ${target.registry.host}/mirrored/multiarch:${multiarch.tag}`);

    expect(await skopeoDigest(`${target.registry.host}/mirrored/multiarch:${multiarch.tag}`)).toBe(multiarch.digest);
    expect(await skopeoListTags(target.registry.host, 'mirrored/multiarch')).toEqual([multiarch.tag]);
    for (const child of multiarch.manifests) {
      expect(await skopeoDigest(`${target.registry.host}/mirrored/multiarch@${child.digest}`)).toBe(child.digest);
    }
  });

  it('mirrors one platform of the index: the copy is an index of that image alone', async () => {
    await page.getByRole('button', { name: 'Mirror to…' }).click();
    const dialog = page.locator('dialog[data-dialog="mirror"]');
    // The dialog remembers the last target.
    expect(await dialog.locator('#mirror-target').inputValue()).toBe(
      (await app.ok('connections.list', {})).find((c) => c.name === 'Mirror target')!.id,
    );
    await dialog.locator('#mirror-repository').fill('mirrored/amd64-only');
    await dialog.getByLabel('linux/arm64/v8').uncheck();
    await dialog.getByRole('button', { name: 'Mirror', exact: true }).click();
    await jobRow(page, 'amd64-only', 'done');
    const index = JSON.parse(
      (await skopeoRawManifest(`${target.registry.host}/mirrored/amd64-only:${multiarch.tag}`)).toString('utf8'),
    ) as {
      manifests: { digest: string; platform?: { os: string; architecture: string } }[];
    };
    const amd = multiarch.manifests.find((m) => m.platform.architecture === 'amd64')!;
    const arm = multiarch.manifests.find((m) => m.platform.architecture === 'arm64')!;
    // The amd64 image (and its attestation, which belongs to it); nothing of arm64.
    expect(index.manifests.filter((m) => m.platform?.os !== 'unknown').map((m) => m.digest)).toEqual([amd.digest]);
    expect(index.manifests.map((m) => m.digest)).not.toContain(arm.digest);
  });
});

describe('save as OCI layout', () => {
  it('saves the index with every platform; skopeo reads the same digest from the layout', async () => {
    const dir = join(work, 'layout');
    await goTo(page, `${basic.host}/${multiarch.repository}:${multiarch.tag}`);
    await page.getByRole('button', { name: 'Save as OCI layout…' }).click();
    const dialog = page.locator('dialog[data-dialog="save-layout"]');
    await dialog.locator('#layout-dir').fill(dir);
    expect(await dialog.locator('#layout-tag').inputValue()).toBe(multiarch.tag);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const row = await jobRow(page, 'as an OCI layout', 'done');
    expect(await row.innerText()).toContain('Saved an OCI layout');
    expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(await skopeoDigest(`oci:${dir}:${multiarch.tag}`)).toBe(multiarch.digest);
  });
});

describe('cancel', () => {
  it('cancels a running job: the panel says Cancelled and no folder is left', async () => {
    const dir = join(work, 'cancelled-rootfs');
    await goTo(page, `${proxy.host}/${ociImage.repository}:${ociImage.tag}`);
    await page.getByRole('button', { name: 'Extract filesystem…' }).click();
    const dialog = page.locator('dialog[data-dialog="extract"]');
    await dialog.locator('#extract-dir').fill(dir);
    await dialog.getByRole('button', { name: 'Extract', exact: true }).click();
    const running = await jobRow(page, proxy.host, 'running');
    // Progress shows while it runs: bytes, and then speed and time left.
    await expect.poll(() => running.innerText(), { timeout: 30_000 }).toMatch(/\/s · .* left/);
    await screenshot(page, 'jobs');
    await running.getByRole('button', { name: 'Cancel' }).click();
    const row = await jobRow(page, proxy.host, 'cancelled');
    expect(await row.innerText()).toMatch(/cancelled/i);
    expect((await readdir(work)).filter((n) => n.includes('cancelled-rootfs'))).toEqual([]);
    const jobs = await app.ok('jobs.list', {});
    expect(jobs.find((j) => j.title.includes(proxy.host))?.state).toBe('cancelled');
  });
});

describe('the page', () => {
  it('shows every job with its result and takes the main screenshot', async () => {
    await treeRow(page, 'Source').click();
    await treeRow(page, 'lading').click();
    await treeRow(page, 'oci-image').click();
    await tagRow(page, ociImage.tag).click();
    await openTab(page, 'Config');
    await page.getByTestId('config-cmd').waitFor();
    const jobs = page.locator('li.job');
    expect(await jobs.count()).toBeGreaterThanOrEqual(5);
    await screenshot(page, 'main');
    await expectNoStackTrace(page);
  });

  it('had no page errors, console errors or CSP violations', () => {
    expect(problems.errors).toEqual([]);
  });
});
