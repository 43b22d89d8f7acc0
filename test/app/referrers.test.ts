/**
 * The referrers operations and the mirror job's `referrers`, through the
 * dispatcher (input validated as the hosts validate it), against the
 * harness's real registry and its referrers fixtures: listing for an image,
 * an index, and an image opened from an index; reading an SBOM, a signature
 * and an attestation; verifying with the right key, the wrong one and a
 * pasted private key; saving an SBOM's original document whole or not at
 * all; a mirror that brings what is attached along (or, asked not to, does not).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import type { CosignSignaturePartView, InTotoPartView, SbomPartView } from '../../src-shared/referrers';
import { SPDX_PACKAGES, GITHUB_PROVENANCE } from '../harness/referrer-specs';
import { startRegistry, type RunningRegistry } from '../harness/registry';
import { skopeoListTags } from '../harness/skopeo';
import { makeTempDir } from '../harness/tmp';
import { connect, startApp, type TestApp } from './helpers';

const lading = inject('lading');
const { anonymous } = lading.registries;
const { referrers: fx, multiarch } = lading.fixtures;

let app: TestApp;
let work: string;
let source: Connection;
let target: RunningRegistry;
let targetConn: Connection;

beforeAll(async () => {
  [app, work] = await Promise.all([startApp(), makeTempDir('lading-app-referrers-')]);
  target = await startRegistry({ auth: 'none', rootDirectory: join(work, 'target-storage') });
  source = await connect(app, anonymous, 'anonymous', 'source');
  targetConn = await connect(app, target, 'anonymous', 'target');
});
afterAll(async () => {
  await app?.close();
  await target?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const image = (reference: string, repository = fx.repository) => ({ connectionId: source.id, repository, reference });

describe('referrers.list', () => {
  it('a signed image: its SBOM, signatures and attestations, each with where it was found', async () => {
    const view = await app.ok('referrers.list', image(fx.signed.tag));
    expect(view.digest).toBe(fx.signed.digest);
    expect(view.referrers.map((r) => [r.digest, r.kind, r.sources, r.tag ?? null]).sort()).toEqual(
      [
        [fx.sbomArtifact.digest, 'sbom', ['tag-schema'], null],
        [fx.sig.digest, 'signature', ['cosign-tag'], fx.sig.tag],
        [fx.att.digest, 'attestation', ['cosign-tag'], fx.att.tag],
        [fx.sbom.digest, 'sbom', ['cosign-tag'], fx.sbom.tag],
      ].sort(),
    );
    expect(view.referrers.find((r) => r.digest === fx.sbomArtifact.digest)).toMatchObject({
      artifactType: 'application/spdx+json',
      describes: fx.signed.digest,
    });
  });

  it("an index: BuildKit's attestations, each about one of its platform images", async () => {
    const view = await app.ok('referrers.list', image(multiarch.tag, multiarch.repository));
    const children = multiarch.manifests.filter((m) => !m.attestation).map((m) => m.digest);
    expect(view.referrers.map((r) => [r.sources, r.kind])).toEqual([
      [['index'], 'attestation'],
      [['index'], 'attestation'],
    ]);
    expect(view.referrers.map((r) => r.describes).sort()).toEqual(children.sort());
  });

  it('an image opened from its index: the attestation the index holds about it, and only that', async () => {
    const arm64 = multiarch.manifests.find((m) => !m.attestation && m.platform.architecture === 'arm64')!;
    const alone = await app.ok('referrers.list', image(arm64.digest, multiarch.repository));
    expect(alone.referrers).toEqual([]);
    const view = await app.ok('referrers.list', { ...image(arm64.digest, multiarch.repository), index: multiarch.digest });
    const index = await app.ok('referrers.list', image(multiarch.tag, multiarch.repository));
    const attestation = index.referrers.find((r) => r.describes === arm64.digest)!;
    expect(view.referrers).toEqual([
      expect.objectContaining({ digest: attestation.digest, kind: 'attestation', describes: arm64.digest, viaIndex: multiarch.digest }),
    ]);
  });
});

describe('referrers.read', () => {
  it('an SBOM artifact: its packages, and the layer that holds the original document', async () => {
    const view = await app.ok('referrers.read', {
      connectionId: source.id,
      repository: fx.repository,
      digest: fx.sbomArtifact.digest,
      kind: 'sbom',
    });
    const part = view.parts[0] as SbomPartView;
    expect(part).toMatchObject({
      type: 'sbom',
      descriptor: { digest: fx.sbomArtifact.layer },
      sbom: { format: 'spdx', packageCount: SPDX_PACKAGES.length },
    });
    expect(part.sbom.packages).toEqual(SPDX_PACKAGES);
  });

  it("cosign's .sig: payloads, and the keyless signature's identity and issuer", async () => {
    const view = await app.ok('referrers.read', {
      connectionId: source.id,
      repository: fx.repository,
      digest: fx.sig.digest,
      kind: 'signature',
    });
    const parts = view.parts as CosignSignaturePartView[];
    expect(parts.map((p) => p.signedDigest)).toEqual([fx.signed.digest, fx.signed.digest, fx.signed.digest]);
    expect(JSON.parse(parts[0]!.payload)).toMatchObject({ critical: { image: { 'docker-manifest-digest': fx.signed.digest } } });
    expect(parts[2]!.certificate).toMatchObject({ identity: fx.keyless.identity, oidcIssuer: fx.keyless.issuer });
  });

  it("cosign's .att: the provenance summed up, and the full statement", async () => {
    const view = await app.ok('referrers.read', {
      connectionId: source.id,
      repository: fx.repository,
      digest: fx.att.digest,
      kind: 'attestation',
    });
    const [provenance] = view.parts as InTotoPartView[];
    expect(provenance!.provenance).toEqual(GITHUB_PROVENANCE);
    expect(provenance!.predicate).toMatchObject({ runDetails: { builder: { id: GITHUB_PROVENANCE.builder } } });
  });

  it('a DSSE payload that is not base64: a registry error naming it, no stack', async () => {
    const error = await app.fail('referrers.read', {
      connectionId: source.id,
      repository: fx.repository,
      digest: fx.badAtt.digest,
      kind: 'attestation',
    });
    expect(error.code).toBe('registry');
    expect(error.message).toMatch(/DSSE payload is not base64/);
    expect(JSON.stringify(error)).not.toMatch(/\n\s+at /);
  });
});

describe('referrers.verify', () => {
  const verify = (publicKey: string, digest = fx.signed.digest) => ({
    connectionId: source.id,
    repository: fx.repository,
    digest,
    publicKey,
  });

  it('the right key: that signature verified, the others not, each with its reason; keyless says who and that it is not checked', async () => {
    const view = await app.ok('referrers.verify', verify(fx.keys.ecdsa));
    expect(view.checks.map((c) => [c.layer, c.verified, c.signatureValid, c.digestMatches])).toEqual([
      [fx.sig.layers.ecdsa, true, true, true],
      [fx.sig.layers.rsa, false, false, true],
      [fx.sig.layers.keyless, false, false, true],
    ]);
    expect(view.checks[0]).toMatchObject({ referrer: fx.sig.digest, tag: fx.sig.tag, signedDigests: [fx.signed.digest] });
    expect(view.checks[2]!.keyless).toMatchObject({
      identity: fx.keyless.identity,
      issuer: fx.keyless.issuer,
      signatureMatchesCertificate: true,
    });
    expect(view.checks[2]!.keyless!.note).toMatch(/does not check it against Sigstore's roots/);
  });

  it('the wrong key: nothing verifies; a signature over another image says which', async () => {
    const wrong = await app.ok('referrers.verify', verify(fx.keys.unrelated));
    expect(wrong.checks.every((c) => !c.verified && !c.signatureValid)).toBe(true);
    const bad = await app.ok('referrers.verify', verify(fx.keys.ecdsa, fx.bad.digest));
    expect(bad.checks.find((c) => c.layer === fx.badSig.layers.otherDigest)).toMatchObject({
      signatureValid: true,
      digestMatches: false,
      signedDigests: [fx.signed.digest],
    });
  });

  it('a certificate: its key checks the cosign signatures, and it is the trust anchor of Notation signatures (none here)', async () => {
    const view = await app.ok('referrers.verify', verify(fx.keyless.certificatePem));
    expect(view.checks.map((c) => [c.layer, c.verified])).toEqual([
      [fx.sig.layers.ecdsa, false],
      [fx.sig.layers.rsa, false],
      [fx.sig.layers.keyless, true],
    ]);
    expect(view.notationChecks).toEqual([]);
    // A public key leaves Notation out: it cannot anchor a certificate chain.
    expect((await app.ok('referrers.verify', verify(fx.keys.ecdsa))).notationChecks).toBeUndefined();
  });

  it('refuses what is not a public key, before any request, never repeating it', async () => {
    const privateKey = (await readFile(fx.privateKeyPaths.ecdsa, 'utf8')).trim();
    const cases: [string, RegExp][] = [
      [privateKey, /This is a private key: paste the public key instead/],
      ['', /Paste a public key/],
      ['hello', /Public key must be PEM/],
      [`-----BEGIN PUBLIC KEY-----\n${'A'.repeat(17_000)}\n-----END PUBLIC KEY-----\n`, /Public key is longer than 16 KiB/],
      ['-----BEGIN PUBLIC KEY-----\n\u0000\u0001\n-----END PUBLIC KEY-----', /not a binary file/],
    ];
    for (const [publicKey, message] of cases) {
      const error = await app.fail('referrers.verify', verify(publicKey));
      expect(error.code).toBe('invalid-input');
      expect(error.message).toMatch(message);
      if (publicKey.length > 20) expect(JSON.stringify(error)).not.toContain(publicKey.slice(30, 60));
    }
    // PEM-shaped, but not a key the library can read: its words, as invalid input.
    const garbled = await app.fail('referrers.verify', verify('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'));
    expect(garbled.code).toBe('invalid-input');
    expect(garbled.message).toMatch(/The public key cannot be read/);
  });
});

describe('referrers.save', () => {
  const save = (path: string) => ({
    connectionId: source.id,
    repository: fx.repository,
    referrer: fx.sbomArtifact.digest,
    layer: fx.sbomArtifact.layer,
    path,
  });

  it("writes the SBOM's original document, byte for byte, and nothing else in the folder", async () => {
    const path = join(work, 'sbom.spdx.json');
    const saved = await app.ok('referrers.save', save(path));
    expect(saved).toMatchObject({ path, digest: fx.sbomArtifact.layer });
    const bytes = await readFile(path);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(fx.sbomArtifact.layer);
    expect(saved.bytes).toBe(bytes.length);
    expect((await readdir(work)).filter((n) => n.includes('lading-tmp'))).toEqual([]);
  });

  it('refuses a file that exists (left as it was), a missing folder, and a layer the attachment does not have', async () => {
    const path = join(work, 'mine.json');
    await writeFile(path, 'mine');
    const exists = await app.fail('referrers.save', save(path));
    expect([exists.code, exists.message]).toEqual(['exists', `${path} already exists: choose another name, or remove it first`]);
    expect(await readFile(path, 'utf8')).toBe('mine');
    expect(await app.fail('referrers.save', save(join(work, 'no-such-folder', 'x.json')))).toMatchObject({ code: 'not-found' });
    const other = { ...save(join(work, 'x.json')), layer: fx.sbom.layer };
    const notALayer = await app.fail('referrers.save', other);
    expect([notALayer.code, notALayer.message]).toEqual([
      'not-found',
      `${fx.sbom.layer} is not a layer of ${anonymous.host}/${fx.repository}@${fx.sbomArtifact.digest}`,
    ]);
    const relative = await app.fail('referrers.save', save('relative/x.json'));
    expect(relative.code).toBe('invalid-input');
    expect(relative.message).toMatch(/Path must be absolute/);
  });
});

describe('jobs.mirror with referrers', () => {
  const mirrorInput = (repository: string, referrers?: boolean) => ({
    source: image(fx.signed.tag),
    target: { connectionId: targetConn.id, repository },
    ...(referrers === undefined ? {} : { referrers }),
  });

  it('brings them along by default, and lists what came', async () => {
    const started = await app.ok('jobs.mirror', mirrorInput('with/referrers'));
    const end = await app.finished(started.jobId);
    if (end.type !== 'done' || end.result.kind !== 'mirror') throw new Error(JSON.stringify(end));
    expect(end.result.referrers?.map((r) => [r.digest, r.kind]).sort()).toEqual(
      [
        [fx.sbomArtifact.digest, 'sbom'],
        [fx.sig.digest, 'signature'],
        [fx.att.digest, 'attestation'],
        [fx.sbom.digest, 'sbom'],
        [fx.sbomSignature.digest, 'signature'],
      ].sort(),
    );
    expect(end.result.referrerNotes).toEqual([]);
    const listed = await app.ok('referrers.list', { connectionId: targetConn.id, repository: 'with/referrers', reference: fx.signed.tag });
    expect(listed.referrers.map((r) => r.digest).sort()).toEqual(
      [fx.sbomArtifact.digest, fx.sig.digest, fx.att.digest, fx.sbom.digest].sort(),
    );
  });

  it('leaves them behind when asked', async () => {
    const started = await app.ok('jobs.mirror', mirrorInput('without/referrers', false));
    const end = await app.finished(started.jobId);
    if (end.type !== 'done' || end.result.kind !== 'mirror') throw new Error(JSON.stringify(end));
    expect(end.result.referrers).toBeUndefined();
    expect(await skopeoListTags(target.host, 'without/referrers')).toEqual([fx.signed.tag]);
  });
});
