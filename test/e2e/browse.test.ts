/**
 * End to end, browsing: Debian's Chromium (playwright-core) on the real
 * renderer, served by the real web bridge over the real services, against
 * the harness's real registries. First launch, the connection dialog with
 * basic auth, the repository tree (lazy, filtered, keyboard), a repository
 * of 20,000 tags scrolled to its end, a multi-arch index drilled into, a
 * registry without a catalog, and the errors a person meets.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { MANY_TAGS_REPOSITORY } from '../harness/fixture-names';
import { freePort } from '../harness/tools';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { startNoCatalogRelay, type Relay } from './support/no-catalog';
import { createManyTags, startOwnRegistry, type OwnRegistry } from './support/registries';
import {
  addConnection,
  afterPageTest,
  countTagRows,
  expectNoStackTrace,
  fillConnectionDialog,
  goTo,
  literally,
  maxTagRows,
  openTab,
  screenshot,
  scrollTagsToEnd,
  tagRow,
  treeRow,
} from './support/ui';

const lading = inject('lading');
const { anonymous, basic, token } = lading.registries;
const { multiarch, repositories } = lading.fixtures;

const MANY = 20_000;
const MANY_TEXT = MANY.toLocaleString('en-US');
const MANY_REPOSITORY = 'big/tags';

let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let own: OwnRegistry;
let relay: Relay;
let manyTags: string[];

beforeAll(async () => {
  const setupStarted = Date.now();
  [own, browser, relay] = await Promise.all([startOwnRegistry(), launchChromium(), startNoCatalogRelay(anonymous.host)]);
  const bob = token.credentials;
  [app, manyTags] = await Promise.all([
    startWebApp({
      dockerConfig: { auths: { [`http://${token.host}`]: { auth: Buffer.from(`${bob.username}:${bob.password}`).toString('base64') } } },
    }),
    // One manifest under 20,000 tags, PUT 32 at a time into a registry of this file's own.
    createManyTags(own.registry, MANY_REPOSITORY, `${anonymous.host}/${MANY_TAGS_REPOSITORY}:t0000`, MANY),
  ]);
  ({ page, problems } = await openPage(browser, app.url));
  page.setDefaultTimeout(20_000);
  console.log(`e2e set-up (${MANY_TEXT} tags PUT, renderer built, browser started) took ${Date.now() - setupStarted} ms`);
}, 600_000);

// A test that failed with a dialog open must not take the next tests with it.
afterEach((ctx) => afterPageTest(page, ctx));

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await own?.stop();
  await relay?.close();
});

describe('first launch', () => {
  it('shows the Docker Hub and GHCR presets and offers the Docker config login for import', async () => {
    await treeRow(page, 'Docker Hub').waitFor();
    await treeRow(page, 'GitHub Container Registry').waitFor();
    const banner = page.getByRole('region', { name: 'Logins found' });
    await expect.poll(() => banner.innerText()).toContain(token.host);
    await screenshot(page, 'first-launch');

    await banner.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.locator('dialog[data-dialog="import"]');
    await expect.poll(() => dialog.innerText()).toContain(token.host);
    expect(await dialog.innerText()).toContain(bob());
    await dialog.getByRole('button', { name: /^Import/ }).click();
    await expect.poll(() => dialog.innerText()).toContain('Imported 1 login');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    // The imported login works: its tree opens through token auth.
    const name = `${token.host} (${bob()})`;
    await treeRow(page, name).click();
    await treeRow(page, 'lading').waitFor();
    await treeRow(page, name).click(); // collapse again
    await expect.poll(() => page.getByRole('region', { name: 'Logins found' }).count()).toBe(0);
    // The password went to the keychain (or the session), never into connections.json.
    expect(await readFile(join(app.dataDir, 'connections.json'), 'utf8')).not.toContain(token.credentials.password);
  });
});

function bob(): string {
  return token.credentials.username;
}

describe('the connection dialog', () => {
  it('connects with basic auth: Test says the credentials are accepted, Save adds the connection', async () => {
    const dialog = await fillConnectionDialog(page, {
      name: 'Basic registry',
      host: basic.host,
      basic: basic.credentials,
    });
    await dialog.getByRole('button', { name: 'Test' }).click();
    const result = dialog.getByTestId('test-result');
    await expect.poll(() => result.innerText()).toContain(`Connected to ${basic.host}`);
    const text = await result.innerText();
    expect(text).toMatch(/Credentials\s+accepted/);
    expect(text).toMatch(/Catalog\s+available/);
    expect(text).toMatch(/TLS\s+not used \(plain HTTP\)/);
    await screenshot(page, 'connection-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await treeRow(page, 'Basic registry').waitFor();

    const saved = (await app.ok('connections.list', {})).find((c) => c.name === 'Basic registry')!;
    expect(saved).toMatchObject({ host: basic.host, authKind: 'basic', username: basic.credentials.username, plainHttp: true });
    expect(['keychain', 'session']).toContain(saved.secret);
    expect(await readFile(join(app.dataDir, 'connections.json'), 'utf8')).not.toContain(basic.credentials.password);
  });

  it('a wrong password is told plainly: credentials rejected, what to do, no stack trace', async () => {
    const dialog = await fillConnectionDialog(page, {
      name: 'Wrong password',
      host: basic.host,
      basic: { username: basic.credentials.username, password: 'not-the-password' },
    });
    await dialog.getByRole('button', { name: 'Test' }).click();
    const result = dialog.getByTestId('test-result');
    await expect.poll(() => result.innerText()).toContain(`Could not use ${basic.host}`);
    const text = await result.innerText();
    expect(text).toMatch(/Reachable\s+yes/);
    expect(text).toMatch(/Credentials\s+rejected/);
    expect(text).toContain('Access denied');
    expect(text).toContain('Check the connection');
    expect(text).not.toContain('not-the-password');
    await expectNoStackTrace(page);
    await screenshot(page, 'error-wrong-password');

    // Saved anyway, the tree says the same in place, with a way to fix it.
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await treeRow(page, 'Wrong password').click();
    const notice = page.locator('.tree-error [role="alert"]');
    await expect.poll(() => notice.innerText()).toContain('Access denied');
    expect(await notice.getByRole('button', { name: 'Edit connection' }).count()).toBe(1);
    await expectNoStackTrace(page);
    await notice.getByRole('button', { name: 'Edit connection' }).click();
    const edit = page.locator('dialog[data-dialog="connection"]');
    await edit.getByRole('button', { name: 'Remove…' }).click();
    await edit.getByRole('button', { name: 'Yes, remove' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => treeRow(page, 'Wrong password').count()).toBe(0);
  });

  it('a plain-HTTP registry added without "Plain HTTP": reachable, TLS failed, and one click switches to plain HTTP and passes', async () => {
    const dialog = await fillConnectionDialog(page, { name: 'No TLS', host: basic.host, basic: basic.credentials, plainHttp: false });
    await dialog.getByRole('button', { name: 'Test' }).click();
    const result = dialog.getByTestId('test-result');
    await expect.poll(() => result.innerText()).toContain(`Could not use ${basic.host}`);
    const text = await result.innerText();
    expect(text).toMatch(/Reachable\s+yes, TLS failed/);
    expect(text).toMatch(/TLS\s+failed: the server speaks plain HTTP/);
    expect(text).toContain('TLS handshake failed');
    expect(text).not.toContain('Cannot reach the registry');
    await expectNoStackTrace(page);

    await result.getByRole('button', { name: 'Use plain HTTP and test again' }).click();
    await expect.poll(() => result.innerText()).toContain(`Connected to ${basic.host}`);
    expect(await dialog.getByLabel('Plain HTTP (no TLS)').isChecked()).toBe(true);
    const passed = await result.innerText();
    expect(passed).toMatch(/TLS\s+not used \(plain HTTP\)/);
    expect(passed).toMatch(/Credentials\s+accepted/);
    expect(passed).not.toContain('Use plain HTTP');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('an unreachable host is told plainly: not reachable, what to check, no stack trace', async () => {
    const port = await freePort(); // nothing listens there
    const dialog = await fillConnectionDialog(page, { name: 'Nowhere', host: `127.0.0.1:${port}` });
    await dialog.getByRole('button', { name: 'Test' }).click();
    const result = dialog.getByTestId('test-result');
    await expect.poll(() => result.innerText(), { timeout: 30_000 }).toContain(`Could not use 127.0.0.1:${port}`);
    const text = await result.innerText();
    expect(text).toMatch(/Reachable\s+no/);
    expect(text).toContain('Cannot reach the registry');
    expect(text).toContain('Check the host name and port');
    await expectNoStackTrace(page);
    await screenshot(page, 'error-unreachable');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});

describe('the repository tree', () => {
  it('expands lazily and filters', async () => {
    expect(await treeRow(page, 'ns1').count()).toBe(0);
    await treeRow(page, 'Basic registry').click();
    await treeRow(page, 'lading').waitFor();
    const top = new Set(repositories.catalog.map((n) => n.split('/')[0]));
    for (const name of ['deep', 'lading', 'ns1', 'ns9', 'ns1-other']) expect(top.has(name)).toBe(true);
    await treeRow(page, 'ns9').waitFor();

    const filter = page.getByLabel('Filter repositories of Basic registry');
    await filter.fill('ns1');
    await expect.poll(() => treeRow(page, 'lading').count()).toBe(0);
    for (const name of ['ns1', 'ns1-other', 'ns1.dot', 'ns10', 'ns1_u', 'ns1x']) await treeRow(page, name).waitFor();
    await filter.fill('');
    await treeRow(page, 'lading').waitFor();

    await treeRow(page, 'ns3').click();
    for (let s = 0; s < 6; s++) await treeRow(page, `sub${s}`).waitFor();
    await treeRow(page, 'ns3').click();
    await expect.poll(() => treeRow(page, 'sub0').count()).toBe(0);
  });

  it('moves with the keyboard: arrows through rows, Right expands, Left goes back, Enter opens', async () => {
    const tree = page.getByRole('tree');
    const active = async () => {
      const id = await tree.getAttribute('aria-activedescendant');
      return id ? page.locator(`[id="${id}"] .row-label`).innerText() : '';
    };
    // Tab reaches the tree, and its active row shows the focus.
    await page.getByRole('button', { name: '+ Add' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.getAttribute("role")')).toBe('tree');
    const activeId = await tree.getAttribute('aria-activedescendant');
    expect(await page.evaluate(`getComputedStyle(document.getElementById(${JSON.stringify(activeId)})).boxShadow`)).toMatch(
      /0px 0px 0px 2px inset/,
    );

    await treeRow(page, 'deep').click(); // expands it, and it becomes the active row
    await treeRow(page, 'a').waitFor();
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('a');
    await page.keyboard.press('ArrowRight'); // expands a
    await treeRow(page, 'sibling').waitFor();
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('b');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('sibling');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('region', { name: 'Tags' }).locator('h2').innerText()).toBe('deep/a/sibling');
    await page.keyboard.press('ArrowLeft'); // to the parent
    expect(await active()).toBe('a');
    await page.keyboard.press('ArrowLeft'); // collapses it
    await expect.poll(() => treeRow(page, 'sibling').count()).toBe(0);
    expect(await tree.evaluate((el) => el.className)).toContain('keyboard');
    // End, PageUp and Home, as in the tag list (one keyboard hook for both).
    const rowIds = () => tree.locator('[role="treeitem"]').evaluateAll((rows) => rows.map((r) => r.id));
    const activeIndex = async () => (await rowIds()).indexOf((await tree.getAttribute('aria-activedescendant')) ?? '');
    const rowCount = (await rowIds()).length;
    await page.keyboard.press('End');
    expect(await activeIndex()).toBe(rowCount - 1);
    await page.keyboard.press('PageUp');
    expect(await activeIndex()).toBeLessThan(rowCount - 1);
    await page.keyboard.press('Home');
    expect(await activeIndex()).toBe(0);

    // The tag list and the tabs take the keyboard too.
    const list = page.getByRole('listbox', { name: 'Tags of deep/a/sibling' });
    await tagRow(page, 'v1').waitFor();
    await list.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('overview-digest').innerText()).toBe(repositories.digest);
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Manifest' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate('document.activeElement.id')).toBe('tab-manifest');
    await page.keyboard.press('End'); // the last tab: Referrers
    expect(await page.getByRole('tab', { name: /^Referrers/ }).getAttribute('aria-selected')).toBe('true');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft'); // past Compare and Files
    expect(await page.getByRole('tab', { name: /^Layers/ }).getAttribute('aria-selected')).toBe('true');
  });
});

describe('20,000 tags', () => {
  it('shows the first tags at once and scrolls to the last with never more than 200 rows in the DOM', async () => {
    await addConnection(page, { name: 'Own registry', host: own.registry.host });
    await treeRow(page, 'Own registry').click();
    await treeRow(page, 'big').click();
    await countTagRows(page);
    const clicked = Date.now();
    await treeRow(page, 'tags').click();
    await tagRow(page, manyTags[0]!).waitFor();
    const firstRowsMs = Date.now() - clicked;
    const count = page.getByTestId('tag-count');
    expect(await count.innerText()).toMatch(new RegExp(`^500 of ${MANY_TEXT} tags loaded`));

    const steps = await scrollTagsToEnd(page);
    const last = manyTags[MANY - 1]!;
    await tagRow(page, last).waitFor({ timeout: 60_000 });
    expect(await tagRow(page, last).isVisible()).toBe(true);
    await expect.poll(() => count.innerText()).toMatch(new RegExp(`^${MANY_TEXT} of ${MANY_TEXT} tags loaded`));
    const max = await maxTagRows(page);
    expect(max).toBeGreaterThan(10);
    expect(max).toBeLessThanOrEqual(200);
    console.log(
      `${MANY_TEXT} tags: first rows ${firstRowsMs} ms after the click (not a timed test); ${steps} scroll steps; at most ${max} tag rows in the DOM`,
    );

    // The filter asks the service, and counts what matches.
    const prefix = last.slice(0, -1); // t1999: t19990 … t19999
    await page.getByLabel('Filter tags').fill(prefix);
    await expect.poll(() => count.innerText()).toMatch(new RegExp(`^10 of 10 matching loaded · ${MANY_TEXT} tags in all`));
    await tagRow(page, `${prefix}0`).click();
    // The tab stays what it was (Layers, where the keyboard test left it) while tags change.
    expect(await page.getByRole('tab', { name: /^Layers/ }).getAttribute('aria-selected')).toBe('true');
    await openTab(page, 'Overview');
    await page.getByTestId('overview-digest').waitFor();
    await screenshot(page, 'tags-20000');
    await page.getByLabel('Filter tags').fill('');
  });
});

describe('a multi-arch index', () => {
  it('lists its platforms, drills into one and reads its config', async () => {
    await goTo(page, `${basic.host}/${multiarch.repository}:${multiarch.tag}`);
    await openTab(page, 'Overview');
    await expect.poll(() => page.getByTestId('overview-digest').innerText()).toBe(multiarch.digest);
    expect(await page.getByRole('tabpanel').innerText()).toMatch(/Index of 2 platforms \(\+2 attestations\)/);

    const panel = await openTab(page, /^Index/);
    const rows = panel.locator('tbody tr');
    expect(await rows.count()).toBe(multiarch.manifests.length);
    for (const [i, m] of multiarch.manifests.entries()) {
      const text = await rows.nth(i).innerText();
      expect(text).toContain(m.digest.slice(7, 19));
      if (m.attestation) expect(text).toContain('attestation');
      else expect(text).toContain(`${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}`);
    }
    await screenshot(page, 'index');

    const arm = multiarch.manifests.find((m) => m.platform.architecture === 'arm64')!;
    await panel.getByRole('button', { name: 'linux/arm64/v8' }).click();
    await expect.poll(() => page.getByTestId('current-crumb').innerText()).toBe(`linux/arm64/v8 · ${arm.digest.slice(7, 19)}`);
    await expect.poll(() => page.getByTestId('overview-digest').innerText()).toBe(arm.digest);

    const config = await openTab(page, 'Config');
    await expect.poll(() => config.innerText()).toContain('LADING_PLATFORM');
    const text = await config.innerText();
    expect(text).toMatch(/Platform\s+linux\/arm64\/v8/);
    expect(text).toContain('linux/arm64/v8');
    expect(await config.getByTestId('config-cmd').innerText()).toBe('["/usr/bin/app","--serve"]');
    expect(text).toContain('COPY app-arm64 /usr/bin/app');
    expect(text).toContain('lading.test');
    expect(text).toContain(arm.configDigest!);
    await screenshot(page, 'config');

    // Back to the index by its crumb; its manifest's digests are links into the children.
    await page
      .getByRole('navigation', { name: 'Opened manifests' })
      .getByRole('button', { name: `${multiarch.repository}:${multiarch.tag}` })
      .click();
    // The Config tab of an index asks for a platform.
    await expect.poll(() => page.getByRole('tabpanel').innerText()).toContain('Pick a platform to see its config');
    const manifest = await openTab(page, 'Manifest');
    const amd = multiarch.manifests.find((m) => m.platform.architecture === 'amd64')!;
    // (It occurs twice: its attestation names it too.)
    await manifest
      .getByRole('button', { name: `"${amd.digest}"` })
      .first()
      .click();
    await expect.poll(() => page.getByTestId('current-crumb').innerText()).toBe(`linux/amd64 · ${amd.digest.slice(7, 19)}`);
    await openTab(page, 'Overview');
    await expect.poll(() => page.getByTestId('overview-digest').innerText()).toBe(amd.digest);

    // In an image's manifest, a layer's digest opens the Layers tab at that layer.
    const imageManifest = await openTab(page, 'Manifest');
    const layerLink = imageManifest.locator('.json-digest').nth(1);
    const layerDigest = (await layerLink.innerText()).replace(/"/g, '');
    await layerLink.click();
    expect(await page.getByRole('tab', { name: /^Layers/ }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.locator(`tr.highlight[data-layer="${layerDigest}"]`).count()).toBe(1);
    await goTo(page, `${basic.host}/${multiarch.repository}@${multiarch.digest}`);
    await openTab(page, 'Manifest');
    await screenshot(page, 'manifest');
  });
});

describe('a registry without a catalog', () => {
  it('says so and opens a repository by name', async () => {
    for (const name of ['Basic registry', 'Own registry']) await treeRow(page, name).click(); // collapse them
    await addConnection(page, { name: 'No catalog', host: relay.host });
    await treeRow(page, 'No catalog').click();
    const note = page.getByTestId('catalog-less');
    await expect.poll(() => note.innerText()).toContain('No repository list here');
    const name = page.getByLabel('Repository name on No catalog');
    await name.fill('Not A Name');
    await name.press('Enter');
    await expect.poll(() => page.locator('.field-error').first().innerText()).toMatch(/Repository is invalid/);
    await name.fill(multiarch.repository);
    await name.press('Enter');
    await tagRow(page, multiarch.tag).click();
    await treeRow(page, multiarch.repository).waitFor();
    expect(await treeRow(page, multiarch.repository).getAttribute('aria-selected')).toBe('true');
    await openTab(page, 'Overview');
    await expect.poll(() => page.getByTestId('overview-digest').innerText()).toBe(multiarch.digest);
    await screenshot(page, 'catalog-less');
    for (const name of ['Basic registry', 'Own registry']) await treeRow(page, name).click(); // as they were
  });
});

describe('the reference bar', () => {
  it('goes to a pasted reference, and says when no connection matches', async () => {
    const tag = manyTags[Math.floor(MANY * 0.6)]!;
    await goTo(page, `${own.registry.host}/${MANY_REPOSITORY}:${tag}`);
    await expect.poll(() => page.getByTestId('current-crumb').innerText()).toBe(`${MANY_REPOSITORY}:${tag}`);
    await expect.poll(() => tagRow(page, tag).getAttribute('aria-selected')).toBe('true');

    await goTo(page, 'registry.invalid:5000/team/app:v1');
    const problem = page.locator('#reference-problem');
    await expect.poll(() => problem.innerText()).toContain('No saved connection for registry.invalid:5000');
    await problem.getByRole('button', { name: literally('Add a connection for registry.invalid:5000') }).click();
    const dialog = page.locator('dialog[data-dialog="connection"]');
    expect(await dialog.locator('#conn-host').inputValue()).toBe('registry.invalid:5000');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await goTo(page, `${basic.host}/lading/oci-image@sha256:nothex`);
    await expect.poll(() => problem.innerText()).toContain('is not a digest');
  });

  it('a missing tag is an error in place with what to do next', async () => {
    await goTo(page, `${basic.host}/${multiarch.repository}:no-such-tag`);
    const notice = page.getByRole('region', { name: 'Image' }).getByRole('alert');
    await expect.poll(() => notice.innerText()).toContain('Not found');
    expect(await notice.innerText()).toContain('Check the repository name');
    await expectNoStackTrace(page);
  });
});

describe('the page', () => {
  it('follows a dark OS theme', async () => {
    const dark = await openPage(browser, app.url, { colorScheme: 'dark' });
    try {
      await dark.page.locator('.tree-row').first().waitFor();
      const bg = await dark.page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(bg).toBe('rgb(22, 25, 29)');
      await treeRow(dark.page, 'Basic registry').click();
      await treeRow(dark.page, 'lading').click();
      await treeRow(dark.page, 'oci-image').click();
      await tagRow(dark.page, 'v1').click();
      await openTab(dark.page, 'Config');
      await dark.page.getByTestId('config-cmd').waitFor();
      await screenshot(dark.page, 'dark');
      expect(dark.problems.errors).toEqual([]);
    } finally {
      await dark.context.close();
    }
  });

  it('had no page errors, console errors or CSP violations', () => {
    expect(problems.errors).toEqual([]);
  });
});
