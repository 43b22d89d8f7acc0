/**
 * End to end, what is attached to an image: Debian's Chromium on the real
 * renderer and web bridge, against the harness's real registry and its
 * referrers fixtures (signed with keys made per run). The Referrers tab of
 * the signed image with its SBOM (the package table filtered), its
 * signatures (a keyless one's identity, said to be unchecked) and its
 * provenance; Verify… with the right key, the wrong one and a private key;
 * Save… of the SBOM's original document; a mirror that brings them along,
 * read back from the target registry.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNotationSigner, pushNotationSigned } from '../harness/notation';
import { BUILDKIT_PROVENANCE, GITHUB_PROVENANCE } from '../harness/referrer-specs';
import { skopeoListTags } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { startWebApp, type WebApp } from './support/app';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { startOwnRegistry, type OwnRegistry } from './support/registries';
import { afterPageTest, expectNoStackTrace, goTo, jobRow, openTab, screenshot } from './support/ui';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { referrers: fx, multiarch } = lading.fixtures;

let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let target: OwnRegistry;
let work: string;

beforeAll(async () => {
  [target, browser, work] = await Promise.all([startOwnRegistry(), launchChromium(), makeTempDir('lading-e2e-referrers-')]);
  app = await startWebApp();
  await app.ok('connections.save', { name: 'Source', host: anonymous.host, authKind: 'anonymous', plainHttp: true });
  await app.ok('connections.save', { name: 'Mirror target', host: target.registry.host, authKind: 'anonymous', plainHttp: true });
  ({ page, problems } = await openPage(browser, app.url));
  page.setDefaultTimeout(20_000);
}, 300_000);

afterEach((ctx) => afterPageTest(page, ctx));

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await target?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The signed image's Referrers tab, open. */
async function referrersTab(): Promise<Locator> {
  await goTo(page, `${anonymous.host}/${fx.repository}:${fx.signed.tag}`);
  const tab = page.getByRole('tab', { name: 'Referrers (4)' });
  await tab.click();
  return page.getByRole('tabpanel');
}

const rowOf = (panel: Locator, digest: string) => panel.locator(`tr[data-referrer="${digest}"]`);

describe('the Referrers tab', () => {
  it('groups what is attached, says where each was found, and opens the SBOM as a package table that filters', async () => {
    const panel = await referrersTab();
    expect(await panel.getByTestId('referrers-summary').innerText()).toBe('Attached: 1 signature, 1 attestation, 2 SBOMs');
    expect(await panel.locator('section.referrer-group h3').allTextContents()).toEqual(['Signatures (1)', 'Attestations (1)', 'SBOMs (2)']);
    expect(await rowOf(panel, fx.sbomArtifact.digest).innerText()).toMatch(/SPDX SBOM[\s\S]*tag schema/);
    expect(await rowOf(panel, fx.sig.digest).innerText()).toContain(fx.sig.tag);
    expect(await rowOf(panel, fx.sig.digest).locator('.source-chip').innerText()).toBe('cosign tag');

    await rowOf(panel, fx.sbomArtifact.digest)
      .getByRole('button', { name: /^Show SPDX SBOM/ })
      .click();
    const table = panel.getByRole('table', { name: 'Packages of lading/referrers' });
    await expect.poll(() => table.locator('[data-package]').count()).toBe(4);
    expect(await panel.getByTestId('package-count').innerText()).toBe('4 packages');
    await screenshot(page, 'referrers');
    await panel.getByLabel('Filter packages of lading/referrers').fill('MIT');
    await expect.poll(() => table.locator('[data-package]').count()).toBe(1);
    const musl = table.locator('[data-package="musl"]');
    expect((await musl.innerText()).split('\n').map((s) => s.trim())).toEqual([
      'musl',
      '1.2.4-r2',
      'MIT',
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
    ]);
    expect(await panel.getByTestId('package-count').innerText()).toBe('1 of 4 packages match');
    await panel.getByLabel('Filter packages of lading/referrers').fill('no such package');
    await expect.poll(() => panel.locator('.package-grid .empty').innerText()).toBe('No package matches "no such package"');
  });

  it("shows a signature's payload and a keyless signer's identity, said to be unchecked; provenance as a summary and the full statement", async () => {
    const panel = await referrersTab();
    await rowOf(panel, fx.sig.digest).click();
    const detail = panel.locator('section.referrer-detail');
    await detail.locator('[data-part="cosign-signature"]').first().waitFor();
    expect(await detail.locator('[data-part="cosign-signature"]').count()).toBe(3);
    const keyless = detail.locator('[data-part="cosign-signature"]').nth(2);
    expect(await keyless.getByTestId('signer-identity').innerText()).toBe(fx.keyless.identity);
    expect(await keyless.getByTestId('signer-issuer').innerText()).toBe(fx.keyless.issuer);
    expect(await keyless.innerText()).toContain("does not check the certificate against Sigstore's roots");
    expect(await detail.getByLabel('Signed payload').first().innerText()).toContain(fx.signed.digest);

    await rowOf(panel, fx.att.digest).click();
    const provenance = panel.locator('section.referrer-detail [data-part="in-toto"]').first();
    await provenance.waitFor();
    const text = await provenance.innerText();
    for (const fact of [GITHUB_PROVENANCE.builder, GITHUB_PROVENANCE.sourceRepository, GITHUB_PROVENANCE.commit, '2024-01-01 10:00:00 UTC'])
      expect(text).toContain(fact);
    expect(await provenance.getByLabel(/The in-toto statement Provenance/).innerText()).toContain('"buildDefinition"');
    await expectNoStackTrace(page);
  });

  it("Save… writes the SBOM's original document, byte for byte", async () => {
    const panel = await referrersTab();
    await rowOf(panel, fx.sbomArtifact.digest).click();
    await panel.locator('[data-part="sbom"]').getByRole('button', { name: 'Save…' }).click();
    const dialog = page.locator('dialog[data-dialog="save-attachment"]');
    const path = join(work, 'lading-referrers.spdx.json');
    await dialog.locator('#save-attachment-path').fill(path);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await panel.locator('.attachment [role="status"]').innerText()).toContain(path);
    expect(
      `sha256:${createHash('sha256')
        .update(await readFile(path))
        .digest('hex')}`,
    ).toBe(fx.sbomArtifact.layer);

    // Again to the same file: refused, said in the dialog, the file as it was.
    await panel.locator('[data-part="sbom"]').getByRole('button', { name: 'Save…' }).click();
    await dialog.locator('#save-attachment-path').fill(path);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => dialog.locator('[role="alert"]').innerText()).toContain('already exists');
  });
});

describe('Verify…', () => {
  async function verifyWith(key: string): Promise<{ words: string; ok: boolean }[]> {
    const dialog = page.locator('dialog[data-dialog="verify"]');
    await dialog.locator('#verify-key').fill(key);
    await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
    const results = dialog.getByRole('list', { name: 'Verification results' }).locator('li');
    await expect.poll(() => results.count()).toBe(3);
    return Promise.all(
      (await results.all()).map(async (li) => ({
        words: await li.locator('strong').innerText(),
        ok: (await li.getAttribute('data-verified')) === 'true',
      })),
    );
  }

  it('the right key: "Signed by this key, for this image"; the wrong key: "does not match"; a private key is refused', async () => {
    const panel = await referrersTab();
    await panel.getByRole('button', { name: 'Verify…' }).click();
    expect(await verifyWith(fx.keys.ecdsa)).toEqual([
      { words: 'Signed by this key, for this image', ok: true },
      { words: 'Signature does not match this key', ok: false },
      { words: 'Signature does not match this key', ok: false },
    ]);
    const dialog = page.locator('dialog[data-dialog="verify"]');
    expect(await dialog.locator('li').nth(2).innerText()).toContain(`certificate was issued to ${fx.keyless.identity}`);
    await screenshot(page, 'referrers-verify');
    expect((await verifyWith(fx.keys.unrelated)).map((r) => r.words)).toEqual(Array(3).fill('Signature does not match this key'));

    // Choose file…: cosign.pub of the RSA key, read into the field; the RSA signature (the second) verifies.
    const pub = join(work, 'cosign-rsa.pub');
    await writeFile(pub, fx.keys.rsa);
    await dialog.getByLabel('Public key file').setInputFiles(pub);
    await expect.poll(() => dialog.locator('#verify-key').inputValue()).toBe(fx.keys.rsa);
    await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
    const marks = dialog.getByRole('list', { name: 'Verification results' }).locator('li');
    await expect
      .poll(async () => Promise.all((await marks.all()).map((li) => li.getAttribute('data-verified'))))
      .toEqual(['false', 'true', 'false']);

    await dialog.locator('#verify-key').fill(await readFile(fx.privateKeyPaths.ecdsa, 'utf8'));
    await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => dialog.locator('.field-error').innerText()).toContain('This is a private key');
  });

  it('a signature over another image says which image', async () => {
    await goTo(page, `${anonymous.host}/${fx.repository}:${fx.bad.tag}`);
    await page.getByRole('tab', { name: /^Referrers/ }).click();
    await page.getByRole('tabpanel').getByRole('button', { name: 'Verify…' }).click();
    const dialog = page.locator('dialog[data-dialog="verify"]');
    await dialog.locator('#verify-key').fill(fx.keys.ecdsa);
    await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
    const results = dialog.getByRole('list', { name: 'Verification results' }).locator('li strong');
    await expect.poll(() => results.count()).toBe(2);
    expect(await results.allInnerTexts()).toEqual([
      `Signature is valid but for another image ${fx.signed.digest}`,
      'Signature does not match this key',
    ]);
    expect(problems.errors).toEqual([]);
  });
});

describe("BuildKit's attestations inside an index", () => {
  it('the index lists them with the platform each is about; an image opened from it lists its own, provenance and SBOM decoded', async () => {
    const attestations = multiarch.manifests.filter((m) => m.attestation);
    const amd64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'amd64')!;
    await goTo(page, `${anonymous.host}/${multiarch.repository}:${multiarch.tag}`);
    const panel = await openTab(page, `Referrers (${attestations.length})`);
    expect(await panel.locator('section.referrer-group h3').allTextContents()).toEqual([`Attestations (${attestations.length})`]);
    const about = await Promise.all(attestations.map((a) => rowOf(panel, a.digest).locator('td').nth(2).innerText()));
    expect(about.sort()).toEqual(['linux/amd64', 'linux/arm64/v8']);
    for (const a of attestations) expect(await rowOf(panel, a.digest).locator('.source-chip').innerText()).toBe('in the index');

    // The amd64 image, opened from the index: the index's attestation about it, said to come from the index.
    await openTab(page, /^Index/);
    await page.getByRole('tabpanel').getByRole('button', { name: 'linux/amd64' }).click();
    await expect.poll(() => page.getByTestId('current-crumb').innerText()).toBe(`linux/amd64 · ${amd64.digest.slice(7, 19)}`);
    const own = await openTab(page, 'Referrers (1)');
    const row = own.locator('tr[data-referrer]');
    expect(await row.count()).toBe(1);
    const digest = (await row.getAttribute('data-referrer'))!;
    expect(attestations.map((a) => a.digest)).toContain(digest);
    expect(await row.innerText()).toContain('this image was opened from');
    await row.click();
    const parts = own.locator('section.referrer-detail [data-part="in-toto"]');
    await expect.poll(() => parts.count()).toBe(2);
    const provenance = await parts.nth(0).innerText();
    for (const fact of [
      BUILDKIT_PROVENANCE.builder,
      BUILDKIT_PROVENANCE.sourceRepository,
      BUILDKIT_PROVENANCE.commit,
      '2024-01-01 09:00:00 UTC',
    ])
      expect(provenance).toContain(fact);
    expect(provenance).toContain(amd64.digest);
    const sbom = parts.nth(1);
    expect(await sbom.locator('[data-package]').count()).toBe(1);
    expect((await sbom.locator('[data-package="lading-app"]').innerText()).split('\n').map((t) => t.trim())).toEqual([
      'lading-app',
      '1.0.0',
      'Apache-2.0',
      'pkg:generic/lading-app@1.0.0?platform=linux/amd64',
    ]);
    await screenshot(page, 'referrers-buildkit');
    await expectNoStackTrace(page);
  });
});

describe('a Notation signature', () => {
  it('is listed from the tag schema; opened, it says what it signs, who (the chain) and that the chain was not checked against a trust store', async () => {
    const signer = await createNotationSigner(work, 'notation-e2e', 'PS256');
    const signed = await pushNotationSigned(target.registry.url, 'notation/signed', 'v1', signer);
    await goTo(page, `${target.registry.host}/notation/signed:v1`);
    const panel = await openTab(page, 'Referrers (1)');
    const row = rowOf(panel, signed.signature);
    expect(await row.innerText()).toMatch(/Notation signature[\s\S]*tag schema/);
    await row.click();
    const part = panel.locator('section.referrer-detail [data-part="notation-signature"]');
    await part.waitFor();
    expect(await part.locator('h4').innerText()).toBe('Notation signature (PS256)');
    const text = await part.innerText();
    expect(text).toContain(`${signed.digest} (this image)`);
    expect(text).toContain('2024-03-01 12:00:00 UTC');
    expect(await part.getByTestId('notation-signer').innerText()).toBe('C=US, O=lading-test, CN=notation-e2e.lading.example');
    expect(await part.locator('.notation-chain li').count()).toBe(2);
    const checks = await part.getByTestId('notation-checks').innerText();
    expect(checks).toContain("The signature matches the signer certificate's key.");
    expect(checks).toContain('Each certificate is issued by the next.');
    expect(checks).toContain('does not check the chain against a Notation trust store or trust policy');
    await screenshot(page, 'referrers-notation');

    // Verify…: a Notation signature is checked against a certificate you trust (its signer's CA), not a key.
    await panel.getByRole('button', { name: 'Verify…' }).click();
    const dialog = page.locator('dialog[data-dialog="verify"]');
    const verifyWith = async (pem: string) => {
      await dialog.locator('#verify-key').fill(pem);
      await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
    };
    await verifyWith(fx.keys.ecdsa);
    await expect
      .poll(() => dialog.locator('.verify-none').innerText())
      .toBe('The Notation signature is checked against a certificate, not a key: give the CA certificate of its signer.');
    const result = dialog.getByRole('list', { name: 'Verification results' }).locator('li[data-scheme="notation"]');
    await verifyWith(signer.chainPems[1]!);
    await expect.poll(() => result.locator('strong').innerText()).toBe('Signed under this certificate, for this image');
    expect(await result.getAttribute('data-verified')).toBe('true');
    expect(await result.innerText()).toContain('Not checked: a trust policy');
    await screenshot(page, 'referrers-notation-verify');
    const other = await createNotationSigner(work, 'notation-other', 'ES256');
    await verifyWith(other.chainPems[1]!);
    await expect.poll(() => result.locator('strong').innerText()).toBe('Not signed under this certificate');
    expect(await result.getAttribute('data-verified')).toBe('false');
    await expectNoStackTrace(page);
  });
});

describe('mirror with referrers', () => {
  it('brings the signatures, SBOMs and attestations along (on by default), and the job says what came', async () => {
    await goTo(page, `${anonymous.host}/${fx.repository}:${fx.signed.tag}`);
    await page.getByRole('button', { name: 'Mirror to…' }).click();
    const dialog = page.locator('dialog[data-dialog="mirror"]');
    await dialog.locator('#mirror-target').selectOption({ label: `Mirror target (${target.registry.host})` });
    await dialog.locator('#mirror-repository').fill('mirrored/referrers');
    expect(await dialog.getByLabel('Include signatures, SBOMs and attestations').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Mirror', exact: true }).click();
    const row = await jobRow(page, 'Mirror', 'done');
    expect(await row.getByTestId('mirrored-referrers').innerText()).toContain('Came along: 2 signatures, 1 attestation, 2 SBOMs');
    expect((await skopeoListTags(target.registry.host, 'mirrored/referrers')).sort()).toEqual(
      [fx.signed.tag, fx.tagSchema.tag, fx.sig.tag, fx.att.tag, fx.sbom.tag, fx.sbomSignature.tag].sort(),
    );
  });
});
