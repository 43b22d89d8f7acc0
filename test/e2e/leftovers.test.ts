/**
 * End to end, after a crash: a Lading process is killed with SIGKILL in the
 * middle of an extraction and a layer save; at the next start the page says
 * so ("Lading stopped during 2 jobs; … of unfinished files in …"), Keep hides
 * the notice for good in that browser, and Remove (in another) removes
 * exactly those files. Debian's Chromium on the real renderer and web bridge.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseTemporaryName } from '../../src-main/registry/disk/index';
import { formatBytes } from '../../src-renderer/lib/format';
import { startCrashChild, type CrashChild } from '../app/crash-children';
import { startSlowProxy, type SlowProxy } from '../app/slow-proxy';
import { makeTempDir } from '../harness/tmp';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage } from './support/browser';
import { expectNoStackTrace, screenshot } from './support/ui';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { ociImage } = lading.fixtures;
const big = ociImage.layers.reduce((a, b) => (b.size > a.size ? b : a));

let proxy: SlowProxy;
let work: string;
let crashed: CrashChild;
let app: WebApp;
let browser: Browser;

/** The names in `dir` that are temporaries of the killed process. */
async function leftIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => parseTemporaryName(name)?.owner?.pid === crashed.pid);
}

beforeAll(async () => {
  proxy = await startSlowProxy(anonymous.host, 8 * 1024);
  const dataDir = await makeTempDir('lading-e2e-leftovers-data-');
  work = await makeTempDir('lading-e2e-leftovers-');
  await mkdir(join(work, 'layers'));
  const image = { repository: ociImage.repository, reference: ociImage.tag };
  [crashed, browser] = await Promise.all([
    startCrashChild(dataDir, proxy.host, [
      { operation: 'jobs.extract', input: { ...image, targetDir: join(work, 'rootfs') } },
      { operation: 'jobs.saveLayers', input: { ...image, targetDir: join(work, 'layers'), layers: [big.digest] } },
    ]),
    launchChromium(),
  ]);
  await crashed.kill();
  app = await startWebApp({ dataDir });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await proxy?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the notice at start', () => {
  it('says what a killed Lading left; Keep hides it for good, Remove removes exactly those files', async () => {
    expect((await leftIn(work)).length).toBeGreaterThan(0);
    expect(await leftIn(join(work, 'layers'))).toHaveLength(1);
    const { bytes } = await app.ok('jobs.leftovers', {});

    const first = await openPage(browser, app.url);
    const notice = first.page.getByRole('region', { name: 'Unfinished files' });
    await notice.waitFor();
    const text = await notice.innerText();
    expect(bytes).toBeGreaterThan(0);
    expect(text).toContain(
      `Lading stopped during 2 jobs; ${formatBytes(bytes)} of unfinished files in ${work} and ${join(work, 'layers')}.`,
    );
    await notice.getByText('What they are').click();
    expect(await notice.innerText()).toContain(`Extract ${proxy.host}/${ociImage.repository}:${ociImage.tag} to ${join(work, 'rootfs')}`);
    await screenshot(first.page, 'leftovers-notice');
    await expectNoStackTrace(first.page);

    await notice.getByRole('button', { name: 'Keep' }).click();
    await notice.waitFor({ state: 'detached' });
    await first.page.reload();
    await first.page.getByRole('region', { name: 'Jobs' }).waitFor();
    expect(await first.page.getByRole('region', { name: 'Unfinished files' }).count()).toBe(0);
    expect((await leftIn(join(work, 'layers'))).length).toBe(1);

    const second = await openPage(browser, app.url);
    const again = second.page.getByRole('region', { name: 'Unfinished files' });
    await again.getByRole('button', { name: 'Remove' }).click();
    await again.waitFor({ state: 'detached' });
    expect(await leftIn(work)).toEqual([]);
    expect(await leftIn(join(work, 'layers'))).toEqual([]);
    expect((await app.ok('jobs.leftovers', {})).jobs).toEqual([]);
    expect([...first.problems.errors, ...second.problems.errors]).toEqual([]);
    await first.context.close();
    await second.context.close();
  });
});
