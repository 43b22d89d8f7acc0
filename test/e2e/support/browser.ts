/**
 * Debian's Chromium, driven by playwright-core. Never a downloaded browser:
 * without /usr/bin/chromium the tests fail and say what to install.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (the e2e tests never download a browser)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface PageProblems {
  /** Uncaught page errors, console errors (CSP violations among them). */
  errors: string[];
}

/** A page at `url` whose errors and console errors are collected. */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
    deviceScaleFactor: 1,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { context, page, problems };
}

/** Text that gives away a stack trace: "    at fn (file:1:2)" frames, or the word Error with a path. */
export const STACK_TRACE = /\n\s*at \S+ \(|\bat (?:async )?\S+ \(\S+:\d+:\d+\)|\bat \S+:\d+:\d+|node:internal|\.(?:ts|js|cjs|mjs):\d+:\d+/;
