/**
 * The UI benchmarks' setting: the web app with one anonymous, plain-HTTP connection to the bench registry,
 * and Debian's Chromium on its page; both stopped when the session ends.
 */
import { startWebApp } from '../../test/e2e/support/app.js';
import { launchChromium, openPage } from '../../test/e2e/support/browser.js';
import type { BenchSession } from './session.js';

export async function openBenchUi(session: BenchSession, registryHost: string, timeoutMs: number) {
  const app = await startWebApp();
  session.defer('stop the web app', () => app.close());
  const connection = await app.ok('connections.save', {
    name: 'Bench registry',
    host: registryHost,
    authKind: 'anonymous',
    plainHttp: true,
  });
  const browser = await launchChromium();
  session.defer('close chromium', () => browser.close());
  const { page, problems } = await openPage(browser, app.url);
  page.setDefaultTimeout(timeoutMs);
  return { app, connection, browser, page, problems };
}
