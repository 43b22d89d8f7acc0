/**
 * The shape of what global setup hands to tests through `inject('lading')`.
 * Everything here must survive structured cloning (plain JSON data): tests
 * run in other processes than the setup.
 */
import type { Platform } from './oci-layout.js';
import type { Credentials } from './skopeo.js';
// Loads vitest's types so the augmentation below has a module to extend.
import type {} from 'vitest';

export interface RegistryEndpoint {
  /** '127.0.0.1:PORT' */
  host: string;
  /** 'http://127.0.0.1:PORT' */
  url: string;
  /** The registry's log (access log included), appended while it runs: grep it for mounts etc. */
  logFile: string;
  configPath: string;
}

export interface AuthRegistryEndpoint extends RegistryEndpoint {
  credentials: Credentials;
}

export interface TokenServerInfo {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  /** `${url}/token`, the realm in the token registry's challenge. */
  realm: string;
  service: string;
  issuer: string;
  /** The user the token server knows (bob). */
  credentials: Credentials;
  /** The signing key and certificate; a test may start its own token server with them. */
  keyPath: string;
  certPath: string;
  /**
   * GET: the request record (JSON array); DELETE: reset it. See fetchTokenRequests().
   * Test files run in parallel and share this server, so its record is noisy;
   * a test that asserts on exact requests should use startTokenRegistry() instead.
   */
  requestsUrl: string;
}

export interface LayerInfo {
  digest: string;
  size: number;
  mediaType: string;
  /** sha256 of the uncompressed tar. */
  diffId: string;
}

export interface ImageFixture {
  repository: string;
  tag: string;
  /** `${repository}:${tag}` */
  reference: string;
  /** Digest of the manifest bytes as served (skopeo inspect --raw, sha256). */
  digest: string;
  mediaType: string;
  size: number;
  configDigest: string;
  configMediaType: string;
  layers: LayerInfo[];
  platform: Platform;
  /** The OCI layout it was pushed from (`oci:${layoutDir}:${tag}`), e.g. for umoci. */
  layoutDir: string;
}

export interface IndexChildInfo {
  digest: string;
  mediaType: string;
  size: number;
  platform: Platform;
  /** True for the buildx attestation entries (platform unknown/unknown). */
  attestation: boolean;
  /** Only for platform images. */
  configDigest?: string;
}

export interface IndexFixture {
  repository: string;
  tag: string;
  reference: string;
  /** Digest of the index bytes as served. */
  digest: string;
  mediaType: string;
  size: number;
  manifests: IndexChildInfo[];
  layoutDir: string;
}

export interface TagListFixture {
  repository: string;
  /** Every tag points at this manifest. */
  digest: string;
  mediaType: string;
  /**
   * All tags (MANY_TAGS), byte-sorted. Read back via raw HTTP; note that
   * distribution 2.8 answers tags/list unsorted and in one page, ignoring n and last.
   */
  tags: string[];
}

export interface RepositoriesFixture {
  /** Each nested repository holds one manifest under this tag. */
  tag: string;
  digest: string;
  /** The nested repositories the setup created (NESTED_REPOSITORIES), byte-sorted. */
  created: string[];
  /** Names that sort next to the 'ns1' scope (TRICKY_REPOSITORIES). */
  tricky: string[];
  /**
   * The whole catalog in the registry's own order, read via raw HTTP in pages of
   * 100. distribution sorts path-wise ('/' before any other character), so
   * 'ns1/x' comes before 'ns1-other/x', which is not plain byte order.
   */
  catalog: string[];
}

/** What referrer-fixtures.ts pushed to `lading/referrers` (all digests as served). */
export interface ReferrersFixture {
  repository: string;
  /** The image with good signatures, an SBOM artifact (tag schema), `.sig`, `.att` and `.sbom` tags. */
  signed: { tag: string; digest: string };
  /** The image with bad ones: a signature over `signed`, a tampered payload, a DSSE payload that is not base64. */
  bad: { tag: string; digest: string };
  /** An image whose referrer's tag-schema index lists the image back. */
  loop: { tag: string; digest: string; artifact: string };
  /** PEM public keys: the ECDSA P-256 and RSA keys that signed, and one that signed nothing. */
  keys: { ecdsa: string; rsa: string; unrelated: string };
  /** The signing keys' private halves (throwaway, per run), for tests that sign more with openssl. */
  privateKeyPaths: { ecdsa: string; rsa: string; keyless: string };
  keyless: { identity: string; issuer: string; certificatePem: string };
  sbomArtifact: { digest: string; size: number; artifactType: string; layer: string };
  tagSchema: { tag: string; digest: string };
  sig: { tag: string; digest: string; layers: { ecdsa: string; rsa: string; keyless: string } };
  att: { tag: string; digest: string; layers: { provenance: string; spdx: string } };
  sbom: { tag: string; digest: string; layer: string };
  /** The cosign signature of the SBOM artifact (a referrer of a referrer). */
  sbomSignature: { tag: string; digest: string };
  badSig: { tag: string; digest: string; layers: { otherDigest: string; tampered: string } };
  badAtt: { tag: string; digest: string; layer: string };
}

export interface LadingFixtures {
  ociImage: ImageFixture;
  dockerImage: ImageFixture;
  /** ociImage with zstd layers (`skopeo copy --dest-compress-format zstd`), pushed with --preserve-digests. */
  zstdImage: ImageFixture;
  multiarch: IndexFixture;
  manyTags: TagListFixture;
  repositories: RepositoriesFixture;
  referrers: ReferrersFixture;
}

export interface LadingInfo {
  /** Temp dir holding everything; removed at teardown. */
  workDir: string;
  /** The storage all three registries share; a test may start another registry over it. */
  storageRoot: string;
  /** The registries' `http.secret`; pass it to extra registries over the same root. */
  httpSecret: string;
  registries: {
    anonymous: RegistryEndpoint;
    /** Basic auth (htpasswd): user alice, random password per run. */
    basic: AuthRegistryEndpoint;
    /** Token auth via tokenServer: user bob, random password per run. */
    token: AuthRegistryEndpoint;
  };
  tokenServer: TokenServerInfo;
  fixtures: LadingFixtures;
  /** How long global setup took, in milliseconds. */
  setupMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lading: LadingInfo;
  }
}
