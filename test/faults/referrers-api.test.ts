/**
 * The OCI 1.1 Referrers API, against a loopback stand-in. This is a stand-in
 * because the real registry of the harness (distribution 2.8) has no
 * Referrers API at all (it answers "404 page not found"), so paging, the
 * artifactType filter with and without OCI-Filters-Applied, and the ways real
 * registries answer when they lack it (GHCR's redirect, web pages, 406,
 * GitLab resolving the tag-schema tag to the subject) can only be served
 * this way. The tag schema, cosign tags and BuildKit entries are tested on
 * the real registry (test/integration/referrers.test.ts).
 *
 * The last block serves what cosign 3 stores through the API (sigstore
 * bundles), signed by openssl with the harness's keys.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  InvalidManifestError,
  ReferrersLimitError,
  RegistryError,
  createClient,
  readAttachment,
  verifyCosignSignature,
  type Client,
  type ClientOptions,
  type Descriptor,
  type InTotoPart,
} from '../../src-main/registry/index';
import { dssePae, sign } from '../harness/signing.js';
import { FaultServer, OCI_INDEX, OCI_MANIFEST, openRegistry, sendBytes, sendError, sendJson, sha256 } from './fault-server';

const fx = inject('lading').fixtures.referrers;

let server: FaultServer;
const others: FaultServer[] = [];
const clients: Client[] = [];

function app(options: ClientOptions = {}): Client {
  const c = createClient(server.host, { insecure: true, maxRetries: 0, ...options });
  clients.push(c);
  return c.withSegment('app');
}

beforeEach(async () => {
  server = await FaultServer.start();
  openRegistry(server);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all([server, ...others.splice(0)].map((s) => s.close()));
});

const SUBJECT = sha256('the subject image');
const REFERRERS = `/v2/app/referrers/${SUBJECT}`;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

function entry(seed: string, artifactType: string, annotations?: Record<string, string>): Descriptor {
  return { mediaType: OCI_MANIFEST, digest: sha256(seed), size: 500 + seed.length, artifactType, ...(annotations ? { annotations } : {}) };
}

const notation = entry('notation', 'application/vnd.cncf.notary.signature');
const spdx = entry('spdx', 'application/spdx+json');
const provenanceBundle = entry('bundle-provenance', BUNDLE, {
  'dev.sigstore.bundle.content': 'dsse-envelope',
  'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
});
const signatureBundle = entry('bundle-sign', BUNDLE, {
  'dev.sigstore.bundle.content': 'dsse-envelope',
  'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
});
const harborSbom = entry('harbor', 'application/vnd.goharbor.harbor.sbom.v1');
const inTotoSbom = entry('in-toto', 'application/vnd.in-toto+json', { 'in-toto.io/predicate-type': 'https://cyclonedx.org/bom' });
const unknown = entry('unknown', 'application/vnd.example.thing');

/** A referrers index answer, as OCI 1.1 registries send it. */
function referrersIndex(manifests: Descriptor[], annotations?: Record<string, string>) {
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...(annotations ? { annotations } : {}) };
}

/** Serves `pages` at REFERRERS, page N+1 linked from page N; `filter` applies ?artifactType= as a registry would. */
function serveReferrers(pages: Descriptor[][], opts: { filter?: 'applied' | 'ignored' | 'claimed-only' } = {}) {
  server.route('GET', REFERRERS, (_req, res, { request }) => {
    const page = Number(request.query.get('page') ?? '0');
    const wanted = request.query.get('artifactType');
    let manifests = pages[page] ?? [];
    const headers: Record<string, string> = {};
    if (wanted && opts.filter === 'applied') manifests = manifests.filter((d) => d.artifactType === wanted);
    if (wanted && (opts.filter === 'applied' || opts.filter === 'claimed-only')) headers['oci-filters-applied'] = 'artifactType';
    if (page + 1 < pages.length) {
      const next = new URLSearchParams({ page: String(page + 1), ...(wanted ? { artifactType: wanted } : {}) });
      headers.link = `<${REFERRERS}?${next.toString()}>; rel="next"`;
    }
    sendJson(res, 200, referrersIndex(manifests), { 'content-type': OCI_INDEX, ...headers });
  });
}

/** Serves manifest bytes by digest (and under `tags`), GET and HEAD. */
function serveManifest(bytes: Buffer, mediaType: string, tags: string[] = []): string {
  const digest = sha256(bytes);
  for (const ref of [digest, ...tags]) server.route('*', `/v2/app/manifests/${ref}`, (_req, res) => sendBytes(res, bytes, mediaType));
  return digest;
}

function serveBlob(bytes: Buffer): Descriptor {
  const digest = sha256(bytes);
  server.route('GET', `/v2/app/blobs/${digest}`, (_req, res) => sendBytes(res, bytes, 'application/octet-stream'));
  return { mediaType: 'application/octet-stream', digest, size: bytes.length };
}

/** The referrers tag-schema index for SUBJECT, listing `manifests`. */
function serveTagSchema(manifests: Descriptor[]): void {
  serveManifest(Buffer.from(JSON.stringify(referrersIndex(manifests))), OCI_INDEX, [SUBJECT.replace(':', '-')]);
}

describe('listing through the Referrers API (stand-in: distribution 2.8 has none)', () => {
  it('follows Link through every page; each referrer once, its kind from its artifact type and annotations', async () => {
    serveReferrers([
      [notation, spdx],
      [provenanceBundle, signatureBundle],
      [harborSbom, inTotoSbom, unknown],
    ]);
    const found = await app().listReferrers(SUBJECT);
    expect(found.map((r) => [r.descriptor.digest, r.kind, r.source])).toEqual([
      [notation.digest, 'signature', 'api'],
      [spdx.digest, 'sbom', 'api'],
      [provenanceBundle.digest, 'attestation', 'api'],
      [signatureBundle.digest, 'signature', 'api'],
      [harborSbom.digest, 'sbom', 'api'],
      [inTotoSbom.digest, 'sbom', 'api'],
      [unknown.digest, 'other', 'api'],
    ]);
    expect(found[2]!.descriptor.annotations?.['dev.sigstore.bundle.predicateType']).toBe('https://slsa.dev/provenance/v1');
    expect(found.every((r) => r.describes === SUBJECT)).toBe(true);
    expect(server.requests(REFERRERS)).toHaveLength(3);
    expect(server.requests(REFERRERS)[0]!.headers.accept).toBe(OCI_INDEX);
  });

  it.each([
    ['filters and says so (OCI-Filters-Applied)', 'applied'],
    ['ignores the filter and says nothing: filtered here', 'ignored'],
    ['says it filtered but did not: filtered here all the same', 'claimed-only'],
  ] as const)('artifactType, when the registry %s', async (_what, filter) => {
    serveReferrers(
      [
        [notation, spdx],
        [harborSbom, { ...spdx, digest: sha256('spdx-2') }],
      ],
      { filter },
    );
    const found = await app().listReferrers(SUBJECT, { artifactType: 'application/spdx+json' });
    expect(found.map((r) => r.descriptor.digest)).toEqual([spdx.digest, sha256('spdx-2')]);
    expect(server.requests(REFERRERS).map((r) => r.query.get('artifactType'))).toEqual(['application/spdx+json', 'application/spdx+json']);
  });

  it('a manifest listed by the API and by the tag schema is one referrer, found in both places', async () => {
    serveReferrers([[spdx, notation]]);
    serveTagSchema([spdx]);
    const found = await app().listReferrers(SUBJECT);
    expect(found.map((r) => [r.descriptor.digest, r.source, r.sources])).toEqual([
      [spdx.digest, 'api', ['api', 'tag-schema']],
      [notation.digest, 'api', ['api']],
    ]);
  });
});

describe('telling "no Referrers API" apart, as real registries answer', () => {
  const fallback = async () => {
    serveTagSchema([spdx]);
    const found = await app().listReferrers(SUBJECT);
    expect(found.map((r) => [r.descriptor.digest, r.source])).toEqual([[spdx.digest, 'tag-schema']]);
  };

  it('404 "page not found" in plain text (distribution 2.8, GitLab): the tag schema', async () => {
    server.route('GET', REFERRERS, (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    });
    await fallback();
  });

  it('406 (seen in the wild) and 405: the tag schema', async () => {
    server.route('GET', REFERRERS, (_req, res, { hit }) => sendError(res, hit === 1 ? 406 : 405, 'UNSUPPORTED', 'no'));
    await fallback();
    await fallback();
  });

  it('200 with a web page (a front end that answers every path): the tag schema', async () => {
    server.route('GET', REFERRERS, (_req, res) => sendBytes(res, '<html>Sign in</html>', 'text/html; charset=utf-8'));
    await fallback();
  });

  it("a redirect to another host (GHCR's 303 to github.com) is not followed: the tag schema", async () => {
    const elsewhere = await FaultServer.start();
    others.push(elsewhere);
    server.route('GET', REFERRERS, (_req, res) => {
      res.writeHead(303, { location: `${elsewhere.origin}/-/v2/packages/container/package/app%2Freferrers%2Fsha256` });
      res.end();
    });
    await fallback();
    expect(elsewhere.log).toEqual([]);
  });

  it('a 500 is an error, not "no API"', async () => {
    server.route('GET', REFERRERS, (_req, res) => sendError(res, 500, 'UNKNOWN', 'database is down'));
    const err = await app()
      .listReferrers(SUBJECT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(500);
  });

  it('a tag-schema tag that resolves to the subject itself (GitLab) is not a list of referrers', async () => {
    const attestation = {
      mediaType: OCI_MANIFEST,
      digest: sha256('attestation'),
      size: 400,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': sha256('amd64 image') },
    };
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: sha256('amd64 image'), size: 300, platform: { os: 'linux', architecture: 'amd64' } },
          attestation,
        ],
      }),
    );
    const digest = sha256(index);
    // GitLab resolves `sha256-<hex>` to the manifest `sha256:<hex>`.
    serveManifest(index, OCI_INDEX, [digest.replace(':', '-')]);
    const found = await app().listReferrers(digest);
    expect(found.map((r) => [r.descriptor.digest, r.source, r.describes])).toEqual([[attestation.digest, 'index', sha256('amd64 image')]]);
  });
});

describe('a broken Referrers API is a clear error', () => {
  const answer = (body: string, contentType = OCI_INDEX) =>
    server.route('GET', REFERRERS, (_req, res) => sendBytes(res, body, contentType));

  it('an index that is not JSON', async () => {
    answer('{"schemaVersion": 2, "manifests": [');
    const err = await app()
      .listReferrers(SUBJECT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as Error).message).toMatch(
      new RegExp(`^The Referrers API of ${server.host}/app answered for ${SUBJECT} with something that is not JSON`),
    );
  });

  it('JSON that is not an index, and an entry without a valid digest', async () => {
    answer('{"hello": "world"}');
    await expect(app().listReferrers(SUBJECT)).rejects.toThrow(/JSON that is not an index \(no "manifests" list\)/);
    server.reset();
    openRegistry(server);
    answer(JSON.stringify(referrersIndex([spdx, { ...spdx, digest: 'sha256:nothex' }])));
    await expect(app().listReferrers(SUBJECT)).rejects.toThrow(/manifests\[1\] has an invalid digest "sha256:nothex"/);
  });

  it('a later page that is not an index', async () => {
    server.route('GET', REFERRERS, (_req, res, { hit }) =>
      hit === 1
        ? sendJson(res, 200, referrersIndex([spdx]), { 'content-type': OCI_INDEX, link: `<${REFERRERS}?page=2>; rel="next"` })
        : sendBytes(res, '<html></html>', 'text/html'),
    );
    await expect(app().listReferrers(SUBJECT)).rejects.toThrow(/answered a later page .* with text\/html, not an OCI index/);
  });

  it('more referrers than the bound: a ReferrersLimitError naming it, after reading only what it took', async () => {
    const many = (page: number) => Array.from({ length: 4000 }, (_, i) => entry(`${page}-${i}`, 'application/spdx+json'));
    serveReferrers([many(0), many(1), many(2), many(3), many(4)]);
    const err = await app()
      .listReferrers(SUBJECT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReferrersLimitError);
    expect((err as ReferrersLimitError).limit).toBe(10_000);
    expect((err as Error).message).toMatch(/lists more than 10000 referrers/);
    expect(server.requests(REFERRERS)).toHaveLength(3);
  });

  it('pages that loop, or lead to another host, are refused', async () => {
    server.route('GET', REFERRERS, (_req, res, { request }) =>
      sendJson(res, 200, referrersIndex([spdx]), { 'content-type': OCI_INDEX, link: `<${request.url}>; rel="next"` }),
    );
    await expect(app().listReferrers(SUBJECT)).rejects.toThrow(/pagination loops/);
    server.reset();
    openRegistry(server);
    server.route('GET', REFERRERS, (_req, res) =>
      sendJson(res, 200, referrersIndex([spdx]), {
        'content-type': OCI_INDEX,
        link: '<http://elsewhere.example/v2/app/referrers/x>; rel="next"',
      }),
    );
    await expect(app().listReferrers(SUBJECT)).rejects.toThrow(/next page on another host/);
  });
});

describe("cosign 3's sigstore bundles, listed by the API", () => {
  /** A bundle as cosign 3 writes it for `cosign sign`: an in-toto statement about SUBJECT in a DSSE envelope. */
  async function serveSignatureBundle(keyPath: string, publicPem: string, material: object, subject = SUBJECT): Promise<Descriptor> {
    const statement = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'app', digest: { sha256: subject.slice(7) } }],
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
        predicate: {},
      }),
    );
    const sig = await sign({ keyPath, publicPem }, dssePae('application/vnd.in-toto+json', statement));
    const bundle = serveBlob(
      Buffer.from(
        JSON.stringify({
          mediaType: BUNDLE,
          verificationMaterial: { ...material, tlogEntries: [] },
          dsseEnvelope: {
            payload: statement.toString('base64'),
            payloadType: 'application/vnd.in-toto+json',
            signatures: [{ sig: sig.toString('base64'), keyid: '' }],
          },
        }),
      ),
    );
    const empty = serveBlob(Buffer.from('{}'));
    const annotations = {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
    };
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE,
        config: { ...empty, mediaType: 'application/vnd.oci.empty.v1+json' },
        layers: [{ ...bundle, mediaType: BUNDLE }],
        subject: { mediaType: OCI_MANIFEST, digest: SUBJECT, size: 500 },
        annotations,
      }),
    );
    const digest = serveManifest(manifest, OCI_MANIFEST);
    return { mediaType: OCI_MANIFEST, digest, size: manifest.length, artifactType: BUNDLE, annotations };
  }

  it('a key-signed bundle verifies over the DSSE encoding; one about another image says so', async () => {
    const good = await serveSignatureBundle(fx.privateKeyPaths.ecdsa, fx.keys.ecdsa, { publicKey: { hint: 'lading-ecdsa' } });
    const other = await serveSignatureBundle(
      fx.privateKeyPaths.ecdsa,
      fx.keys.ecdsa,
      { publicKey: { hint: 'lading-ecdsa' } },
      sha256('another image'),
    );
    serveReferrers([[good, other]]);
    const checks = await verifyCosignSignature(app(), SUBJECT, { publicKey: fx.keys.ecdsa });
    expect(checks.map((c) => [c.referrer.descriptor.digest, c.verified, c.signatureValid, c.digestMatches])).toEqual([
      [good.digest, true, true, true],
      [other.digest, false, true, false],
    ]);
    expect(checks[1]!.reason).toContain(`its payload names ${sha256('another image')}`);
    const wrong = await verifyCosignSignature(app(), SUBJECT, { publicKey: fx.keys.rsa });
    expect(wrong.map((c) => c.signatureValid)).toEqual([false, false]);

    const [referrer] = await app().listReferrers(SUBJECT);
    const { parts } = await readAttachment(app(), referrer!);
    expect(parts[0]).toMatchObject({
      type: 'in-toto',
      signer: { publicKeyHint: 'lading-ecdsa' },
      statement: { predicateType: 'https://sigstore.dev/cosign/sign/v1' },
    });
  });

  it('a keyless bundle: the certificate says who, it matches the signature, and that is all Lading claims', async () => {
    const der = new X509Certificate(fx.keyless.certificatePem).raw.toString('base64');
    const bundle = await serveSignatureBundle(fx.privateKeyPaths.keyless, '', { certificate: { rawBytes: der } });
    serveReferrers([[bundle]]);
    const [check] = await verifyCosignSignature(app(), SUBJECT, { publicKey: fx.keys.ecdsa });
    expect(check).toMatchObject({
      verified: false,
      signatureValid: false,
      digestMatches: true,
      keyless: { signatureMatchesCertificate: true, certificate: { identity: fx.keyless.identity, oidcIssuer: fx.keyless.issuer } },
    });
    const [referrer] = await app().listReferrers(SUBJECT);
    const part = (await readAttachment(app(), referrer!)).parts[0] as InTotoPart;
    expect(part.signer?.certificate?.identity).toBe(fx.keyless.identity);
  });
});
