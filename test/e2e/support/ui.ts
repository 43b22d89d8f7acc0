/** What the e2e tests do in the page, in the words a person would use. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';
import { harnessTmpRoot } from '../../harness/tmp';
import { STACK_TRACE } from './browser';

const root = join(import.meta.dirname, '../../..');

/** Regular expression matching `text` literally. */
export function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

export function treeItem(page: Page, name: string | RegExp): Locator {
  return page.getByRole('treeitem', { name: typeof name === 'string' ? new RegExp(`^\\S?\\s*${literally(name).source}\\b`) : name });
}

/** A row of the repository tree by its label exactly (rows' names also hold host and user). */
export function treeRow(page: Page, label: string): Locator {
  return page
    .locator('[role="treeitem"]')
    .filter({ has: page.locator('.row-label', { hasText: new RegExp(`^${literally(label).source}$`) }) });
}

/** A row of the tag table by its tag exactly (the row also holds the tag's facts). */
export function tagRow(page: Page, tag: string): Locator {
  return page.locator('[data-tag-row]').filter({ has: page.locator('.tag-name', { hasText: new RegExp(`^${literally(tag).source}$`) }) });
}

export interface ConnectionForm {
  name: string;
  host: string;
  basic?: { username: string; password: string };
  plainHttp?: boolean;
}

/** Opens "+ Add" and fills the connection dialog (does not press Test or Save). */
export async function fillConnectionDialog(page: Page, form: ConnectionForm): Promise<Locator> {
  await page.getByRole('button', { name: '+ Add' }).click();
  const dialog = page.locator('dialog[data-dialog="connection"]');
  await dialog.locator('#conn-host').fill(form.host);
  await dialog.locator('#conn-name').fill(form.name);
  if (form.basic) {
    await dialog.getByLabel('Username and password').check();
    await dialog.locator('#conn-username').fill(form.basic.username);
    await dialog.locator('#conn-secret').fill(form.basic.password);
  }
  if (form.plainHttp ?? true) await dialog.getByLabel('Plain HTTP (no TLS)').check();
  return dialog;
}

export async function addConnection(page: Page, form: ConnectionForm): Promise<void> {
  const dialog = await fillConnectionDialog(page, form);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await treeRow(page, form.name).waitFor();
}

/** Pastes a reference into the reference bar and presses Enter. */
export async function goTo(page: Page, reference: string): Promise<void> {
  const bar = page.getByLabel('Image reference');
  await bar.fill(reference);
  await bar.press('Enter');
}

export async function openTab(page: Page, name: string | RegExp): Promise<Locator> {
  await page.getByRole('tab', { name }).click();
  return page.getByRole('tabpanel');
}

/** The page's visible text holds no stack trace. */
export async function expectNoStackTrace(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(STACK_TRACE);
  expect(text).not.toMatch(/\bat (?:Object|async|new|Module)\b/);
}

/** The job row with this title fragment, once it reached `state`. */
export async function jobRow(
  page: Page,
  titlePart: string,
  state: 'running' | 'done' | 'failed' | 'cancelled',
  timeout = 60_000,
): Promise<Locator> {
  const row = page.locator(`li.job[data-job-state="${state}"]`).filter({ hasText: titlePart });
  await row.first().waitFor({ timeout });
  return row.first();
}

/**
 * Screenshots of the main views: into docs/screenshots with
 * LADING_SCREENSHOTS=1 (to refresh the README's pictures), otherwise into a
 * temp folder (they are still taken, so a view that fails to render fails the test).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.LADING_SCREENSHOTS === '1' ? join(root, 'docs', 'screenshots') : join(harnessTmpRoot(), 'lading-e2e-screenshots');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  // Let spinners and fonts settle, and keep the caret out of the picture.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.screenshot({ path, caret: 'hide', animations: 'disabled' });
  return path;
}

/**
 * After each test of a page: a failure leaves a screenshot (its path printed), and a dialog a test left open
 * is closed, so a failed test does not take the next ones with it.
 */
export async function afterPageTest(page: Page, ctx: TestContext): Promise<void> {
  if (ctx.task.result?.state === 'fail')
    console.log(
      `screenshot of the failure: ${await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`)}`,
    );
  for (let i = 0; i < 3 && (await page.locator('dialog[open]').count()) > 0; i++) await page.keyboard.press('Escape');
}

/**
 * Starts counting tag rows in the DOM on every mutation; `maxTagRows` reads
 * the largest count seen since.
 */
export async function countTagRows(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const g = globalThis;
    g.__ladingMaxTagRows = document.querySelectorAll('[data-tag-row]').length;
    g.__ladingTagRowObserver?.disconnect();
    g.__ladingTagRowObserver = new MutationObserver(() => {
      const n = document.querySelectorAll('[data-tag-row]').length;
      if (n > g.__ladingMaxTagRows) g.__ladingMaxTagRows = n;
    });
    g.__ladingTagRowObserver.observe(document.body, { childList: true, subtree: true });
  })()`);
}

export async function maxTagRows(page: Page): Promise<number> {
  return await page.evaluate<number>('globalThis.__ladingMaxTagRows');
}

/** Scrolls the tag list down `step` pixels at a time to its end, letting each position render. */
export async function scrollTagsToEnd(page: Page, step = 24_000): Promise<number> {
  let steps = 0;
  for (;;) {
    const atEnd = await page.evaluate<boolean>(`(() => {
      const el = document.querySelector('[role="listbox"]');
      const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
      if (!end) el.scrollTop = Math.min(el.scrollTop + ${step}, el.scrollHeight);
      return end;
    })()`);
    if (atEnd) return steps;
    steps++;
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }
}
